package app_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
)

func TestFoldKey(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"strips marks and lower-cases", "Nguyễn Thị Hồng Ánh", "nguyen thi hong anh"},
		{"maps Đ and đ to d", "Đặng Đình Đức", "dang dinh duc"},
		{"old and new tone placement fold alike (hoà = hòa)", "Hoà", "hoa"},
		{"new tone placement", "Hòa", "hoa"},
		{"old placement on uy (thuỷ = thủy)", "Thuỷ", "thuy"},
		{"decomposed input folds like composed", norm.NFD.String("Nguyễn Thị Hồng Ánh"), "nguyen thi hong anh"},
		{"collapses and trims spaces", "  Trần   Văn\tBình ", "tran van binh"},
		{"ơ and ư lose their horns", "Phạm Thị Thương Lưu", "pham thi thuong luu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, app.FoldKey(tt.in)) })
	}
	assert.Equal(t, app.FoldKey("Hoà Bình"), app.FoldKey("Hòa Bình"))
}

func TestNormalizeTextAndUpperName(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Hồng Ánh")
	assert.NotEqual(t, "Nguyễn Thị Hồng Ánh", nfd)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", app.NormalizeText(" "+nfd+"  "))
	assert.Equal(t, "NGUYỄN THỊ HỒNG ÁNH", app.UpperName(nfd))
	assert.Equal(t, "ĐẶNG ĐÌNH ĐỨC", app.UpperName("đặng đình đức"))
}

func TestParsePersonalID(t *testing.T) {
	id, err := app.ParsePersonalID(" 001 190 012345 ")
	require.NoError(t, err)
	assert.Equal(t, "001", id.ProvinceCode())
	assert.Equal(t, 1, id.CenturySexDigit())
	assert.Equal(t, 90, id.YearDigits())
	assert.Equal(t, "001190******", id.Masked())
	for _, bad := range []string{"", "00119001234", "0011900123456", "00119001234a", "+01190012345"} {
		_, err := app.ParsePersonalID(bad)
		assert.Error(t, err, bad)
	}
	d, ok := app.CenturySexDigitFor(app.Female, 2003)
	assert.True(t, ok)
	assert.Equal(t, 3, d)
	d, _ = app.CenturySexDigitFor(app.Male, 2100)
	assert.Equal(t, 4, d)
}

func TestParsePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "0912345678"}, {"091 234 5678", "0912345678"}, {"+84912345678", "0912345678"},
		{"84 912 345 678", "0912345678"}, {"0363.456.789", "0363456789"}, {"(024) 3826-2626", "02438262626"},
		{"0203 3812345", "02033812345"},
	}
	for _, tt := range tests {
		p, err := app.ParsePhone(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, app.Phone(tt.want), p)
	}
	for _, bad := range []string{"", "091234567", "09123456789", "0112345678", "0412345678", "phone", "+1 415 555 0100", "0243826262"} {
		_, err := app.ParsePhone(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want app.Money
	}{
		{"1500000", 1_500_000}, {"1.500.000", 1_500_000}, {"1,500,000", 1_500_000}, {"1 500 000", 1_500_000},
		{"1.500.000 ₫", 1_500_000}, {"1.500.000đ", 1_500_000}, {"1500000 VND", 1_500_000}, {"0", 0},
	}
	for _, tt := range tests {
		m, err := app.ParseMoney(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, m, tt.in)
	}
	for _, bad := range []string{"", "1.5", "1.500.00", "1,500.000", "-1500000", "1e6", "1.500.000,50", ".500", "abc",
		"99999999999999999999"} {
		_, err := app.ParseMoney(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "1.500.000 ₫", app.Money(1_500_000).String())
	assert.Equal(t, "-330.000", app.Money(-330_000).Grouped())
}

func TestParseMonthAndBirthDate(t *testing.T) {
	m, err := app.ParseMonth("09/2025")
	require.NoError(t, err)
	assert.Equal(t, "2025-09", m.String())
	assert.Equal(t, "2025-09-30", m.LastDay().String())
	assert.Equal(t, "2024-02-29", app.MonthOf(2024, 2).LastDay().String())
	assert.Equal(t, "2026-02", m.Add(5).String())
	for _, bad := range []string{"2025-13", "2025-00", "2025-+9", "25-09", "2025/09", ""} {
		_, err := app.ParseMonth(bad)
		assert.Error(t, err, bad)
	}
	tests := []struct {
		in   string
		prec app.Precision
		out  string
	}{
		{"1990-05-17", app.FullDate, "1990-05-17"}, {"17/05/1990", app.FullDate, "1990-05-17"}, {"1990-05", app.MonthYear, "1990-05"},
		{"05/1990", app.MonthYear, "1990-05"}, {"1990", app.YearOnly, "1990"}, {"2024-02-29", app.FullDate, "2024-02-29"},
	}
	for _, tt := range tests {
		b, err := app.ParseBirthDate(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.prec, b.Precision)
		assert.Equal(t, tt.out, b.String())
	}
	for _, bad := range []string{"2023-02-29", "1990-5-17", "1899", "90", "1990-05-17T00:00", "17.05.1990", "32/01/1990"} {
		_, err := app.ParseBirthDate(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseMethodGenderGroupEthnicity(t *testing.T) {
	m, err := app.ParseMethod("ahead:24")
	require.NoError(t, err)
	assert.Equal(t, app.Method{Kind: app.Ahead, Months: 24}, m)
	assert.Equal(t, "ahead:24", m.String())
	for _, bad := range []string{"ahead:0", "ahead:", "missing:x", "weekly", "ahead:-1", "ahead:99999"} {
		_, err := app.ParseMethod(bad)
		assert.Error(t, err, bad)
	}
	g, err := app.ParseGender("Nữ")
	require.NoError(t, err)
	assert.Equal(t, app.Female, g)
	_, err = app.ParseSupportGroup("near-poor")
	assert.NoError(t, err)
	code, err := ref.Places.ParseEthnicity("khơ-me")
	require.NoError(t, err)
	assert.Equal(t, "05", code)
	code, err = ref.Places.ParseEthnicity("7")
	require.NoError(t, err)
	assert.Equal(t, "07", code)
	_, err = ref.Places.ParseEthnicity("00")
	assert.Error(t, err)
}

func TestPlacesData(t *testing.T) {
	assert.Len(t, ref.Places.Provinces, 34)
	n := 0
	for _, p := range ref.Places.Provinces {
		n += len(p.Communes)
		for _, c := range p.Communes {
			assert.True(t, norm.NFC.IsNormalString(c.Name), c.Name)
		}
	}
	assert.Equal(t, 3321, n, "communes of Decision 19/2025/QĐ-TTg")
	name, ok := ref.Places.CommuneName("01", "00004")
	assert.True(t, ok)
	assert.Equal(t, "Phường Ba Đình", name)
	name, ok = ref.Places.IDProvinceName("096")
	assert.True(t, ok)
	assert.Equal(t, "Cà Mau", name)
	_, ok = ref.Places.IDProvinceName("003")
	assert.False(t, ok)
	name, _ = ref.Places.EthnicityName("54")
	assert.Equal(t, "Rơ Măm", name)
}

// Fuzzers: every parser must not panic, must return either a value or an Invalid error, and a
// value it returns must survive a round trip. Their seed corpora run in `make test`.

func FuzzParsePersonalID(f *testing.F) {
	for _, s := range []string{"001190012345", " 001 190 012345", "", "0011900123456", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := app.ParsePersonalID(s)
		if err != nil {
			assert.Equal(t, app.Invalid, app.KindOf(err))
			return
		}
		again, err := app.ParsePersonalID(string(id))
		require.NoError(t, err)
		assert.Equal(t, id, again)
		assert.Len(t, id.Masked(), 12)
	})
}

func FuzzParseOldSICode(f *testing.F) {
	for _, s := range []string{"0123456789", "012345678", "01234 56789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := app.ParseOldSICode(s)
		if err == nil {
			assert.Len(t, string(c), 10)
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1500000", "1.500.000 ₫", "1,500,000", "1 500 000", "1.5", "-1", "99999999999999999999", "1.500.000đ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := app.ParseMoney(s)
		if err != nil {
			assert.Equal(t, app.Invalid, app.KindOf(err))
			return
		}
		assert.GreaterOrEqual(t, int64(m), int64(0))
		again, err := app.ParseMoney(m.String())
		require.NoError(t, err, m.String())
		assert.Equal(t, m, again)
	})
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2025-09", "09/2025", "2025-13", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := app.ParseMonth(s)
		if err != nil {
			return
		}
		again, err := app.ParseMonth(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, again)
		assert.True(t, m.FirstDay() <= m.LastDay())
	})
}

func FuzzParseBirthDate(f *testing.F) {
	for _, s := range []string{"1990-05-17", "17/05/1990", "1990-05", "05/1990", "1990", "2023-02-29", "1/1/2000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := app.ParseBirthDate(s)
		if err != nil {
			return
		}
		again, err := app.ParseBirthDate(b.String())
		require.NoError(t, err, b.String())
		assert.Equal(t, b, again)
		_, err = app.ParseBirthDate(b.VNString())
		assert.NoError(t, err, b.VNString())
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 912 345 678", "(024) 3826-2626", "84", "+84"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := app.ParsePhone(s)
		if err != nil {
			return
		}
		again, err := app.ParsePhone(string(p))
		require.NoError(t, err)
		assert.Equal(t, p, again)
	})
}

func FuzzParseMethod(f *testing.F) {
	for _, s := range []string{"monthly", "3-months", "ahead:12", "missing:60", "ahead:0", "ahead:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := app.ParseMethod(s)
		if err != nil {
			return
		}
		assert.GreaterOrEqual(t, m.Months, 1)
		again, err := app.ParseMethod(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, again)
	})
}

func FuzzParseSmallValues(f *testing.F) {
	for _, s := range []string{"male", "Nữ", "kinh", "01", "poor", "Khơ-me", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if g, err := app.ParseGender(s); err == nil {
			again, err := app.ParseGender(g.String())
			require.NoError(t, err)
			assert.Equal(t, g, again)
		}
		if g, err := app.ParseSupportGroup(s); err == nil {
			assert.NotEmpty(t, g)
		}
		if code, err := ref.Places.ParseEthnicity(s); err == nil {
			_, ok := ref.Places.EthnicityName(code)
			assert.True(t, ok)
		}
	})
}

func FuzzFoldKey(f *testing.F) {
	for _, s := range []string{"Nguyễn Thị Hồng Ánh", "Hoà", "Đ", "  a  b ", "\u0301x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		k := app.FoldKey(s)
		assert.Equal(t, k, app.FoldKey(k), "folding is idempotent")
		assert.Equal(t, k, app.FoldKey(norm.NFD.String(s)), "NFD and NFC fold alike")
		assert.Equal(t, app.NormalizeText(s), app.NormalizeText(app.NormalizeText(s)))
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("Nguyễn Thị Hồng Ánh", "female", "1990-05-17", "001190012345", "0912345678", "1500000", "monthly", "2026-01")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("A", "male", "2011", "001211000000", "+84912345678", "46.800.000", "ahead:60", "2025-07")
	v := newValidator()
	f.Fuzz(func(t *testing.T, name, gender, birth, id, phone, income, method, start string) {
		fm := validForm()
		fm.FullName, fm.Gender, fm.BirthDate, fm.PersonalID, fm.Phone = name, gender, birth, id, phone
		fm.Income, fm.Method, fm.StartMonth = app.Amount(income), method, start
		r, err := v.Validate(fm)
		if err != nil {
			assert.Equal(t, app.Invalid, app.KindOf(err))
			return
		}
		// A valid registration always quotes.
		_, err = ref.Rules.Quote(app.QuoteRequest{Income: r.Income, Method: r.Method, Month: r.StartMonth, Groups: r.SupportGroups()})
		if app.KindOf(err) == app.Unavailable {
			return // e.g. no fund rate yet for that year
		}
		assert.NoError(t, err)
	})
}
