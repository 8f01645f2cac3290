package app

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

// termByTerm is the discount's sum the way the decree writes it, one month at a time, exact:
// Σ_{i=1..n} a / (1+r)^(i−1) when ahead, Σ_{i=1..n} a · (1+r)^i when late.
func termByTerm(a Money, r *big.Rat, n int, ahead bool) Money {
	sum, f := new(big.Rat), big.NewRat(1, 1)
	step := new(big.Rat).Add(big.NewRat(1, 1), r)
	for range n {
		if !ahead {
			f.Mul(f, step)
		}
		term := new(big.Rat).SetInt64(int64(a))
		if ahead {
			term.Quo(term, f)
			f.Mul(f, step)
		} else {
			term.Mul(term, f)
		}
		sum.Add(sum, term)
	}
	// Half up, once.
	sum.Add(sum, big.NewRat(1, 2))
	q := new(big.Int).Quo(sum.Num(), sum.Denom())
	return Money(q.Int64())
}

func TestTheClosedFormEqualsTheSumTermByTerm(t *testing.T) {
	rates := []*big.Rat{big.NewRat(0, 1), big.NewRat(1, 1000), big.NewRat(36, 10000), big.NewRat(4, 1000), big.NewRat(1234, 100000),
		big.NewRat(7, 100), big.NewRat(1, 3)}
	for _, r := range rates {
		for _, n := range []int{1, 2, 3, 6, 12, 59, 60, 61, 120} {
			for _, a := range []Money{1, 330_000, 484_000, 11_000_000} {
				assert.Equal(t, termByTerm(a, r, n, true), presentValue(a, r, n), "ahead: a=%d r=%s n=%d", a, r, n)
				assert.Equal(t, termByTerm(a, r, n, false), futureValue(a, r, n), "late: a=%d r=%s n=%d", a, r, n)
			}
		}
	}
	assert.Equal(t, Money(0), presentValue(100, big.NewRat(1, 100), 0))
	assert.Equal(t, Money(0), futureValue(100, big.NewRat(1, 100), 0))
}
