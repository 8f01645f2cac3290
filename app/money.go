package app

import (
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount in whole Vietnamese đồng. Money never passes through a float.
type Money int64

// maxMoney bounds parsed amounts (a thousand billion đồng) so sums cannot overflow int64.
const maxMoney = 1_000_000_000_000_000

// ParseMoney parses an amount typed by a person or exported by a spreadsheet: digits with
// optional thousands separators (dots, commas or spaces, in groups of three) and an optional
// "đ", "₫", "VND" or "đồng" suffix. "1.500.000 ₫", "1,500,000" and "1500000" are the same.
// Decimal fractions are refused: there are no hào in contributions.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(NormalizeText(s))
	for _, suf := range []string{"VNĐ", "VND", "vnđ", "vnd", "đồng", "₫", "đ", "d"} {
		if strings.HasSuffix(t, suf) {
			t = strings.TrimSpace(strings.TrimSuffix(t, suf))
			break
		}
	}
	if t == "" {
		return 0, Errorf(Invalid, CodeMoneyFormat, "value", s)
	}
	var sep rune
	var digits strings.Builder
	group := -1 // digits since the last separator; -1 before any separator
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
			if group >= 0 {
				group++
			}
		case r == '.' || r == ',' || r == ' ' || r == '\u00a0':
			if i == 0 || (sep != 0 && r != sep) || group == 0 || (group > 0 && group != 3) {
				return 0, Errorf(Invalid, CodeMoneyFormat, "value", s)
			}
			sep, group = r, 0
		default:
			return 0, Errorf(Invalid, CodeMoneyFormat, "value", s)
		}
	}
	if group >= 0 && group != 3 {
		return 0, Errorf(Invalid, CodeMoneyFormat, "value", s)
	}
	n, err := strconv.ParseInt(digits.String(), 10, 64)
	if err != nil || n > maxMoney {
		return 0, Errorf(Invalid, CodeMoneyFormat, "value", s)
	}
	return Money(n), nil
}

// String formats the Vietnamese way: "1.500.000 ₫".
func (m Money) String() string { return m.Grouped() + " ₫" }

// Grouped formats with dots between thousands and no unit: "1.500.000".
func (m Money) Grouped() string {
	s := strconv.FormatInt(int64(m), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Rate is a share expressed exactly in basis points of a percent: 10000 = 100%, 2200 = 22%.
type Rate int64

// Of returns m × r, rounded half up to the đồng — the one rounding rule of the domain: amounts
// are exact integers, and only where a formula divides is the result rounded, half up.
func (r Rate) Of(m Money) Money {
	if m >= 0 && m < 1<<44 && r >= 0 && r <= 1<<17 { // product fits in int64: stay in integers
		return Money((int64(m)*int64(r)*2 + 10000) / 20000)
	}
	x := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(int64(r))), big.NewInt(10000))
	return roundHalfUp(x)
}

// roundHalfUp rounds a non-negative rational to the nearest đồng, halves up.
func roundHalfUp(x *big.Rat) Money {
	num := new(big.Int).Mul(x.Num(), big.NewInt(2))
	num.Add(num, x.Denom())
	den := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	q := new(big.Int).Div(num, den) // floor((2n + d) / 2d) = floor(x + 1/2) for x ≥ 0
	return Money(q.Int64())
}

// Percent writes the rate as a percentage with a decimal comma: 5000 → "50%", 2550 → "25,5%".
func (r Rate) Percent() string {
	whole, frac := int64(r)/100, int64(r)%100
	if frac == 0 {
		return strconv.FormatInt(whole, 10) + "%"
	}
	return strings.TrimRight(strconv.FormatInt(whole, 10)+","+strconv.FormatInt(100+frac, 10)[1:], "0") + "%"
}
