package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
)

// fixedNow is the clock of the validation tests: 2025-11-20 10:00 in Vietnam.
func fixedNow() time.Time { return time.Date(2025, 11, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)) }

func validForm() app.RegistrationForm {
	return app.RegistrationForm{
		FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17", Nationality: "VN", Ethnicity: "01",
		PersonalID: "001190012345", Phone: "0912345678",
		BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"},
		Address:           app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 5 ngõ 12 phố Đội Cấn"},
		Income:            "1500000", Method: "monthly", StartMonth: "2026-01", SupportGroup: "other",
	}
}

func newValidator() *app.Validator { return app.NewValidator(ref.Rules, ref.Places, fixedNow) }

func TestValidateAcceptsTheDesignExample(t *testing.T) {
	var f app.RegistrationForm
	require.NoError(t, json.Unmarshal([]byte(`{
	  "full_name": "Nguyễn Thị Hồng Ánh", "gender": "female", "birth_date": "1990-05-17", "nationality": "VN",
	  "ethnicity": "01", "personal_id": "001190012345", "old_si_code": "", "phone": "0912345678", "email": "",
	  "birth_registration": {"province": "01", "commune": "00004"},
	  "address": {"province": "01", "commune": "00004", "detail": "Số 5 ngõ 12 phố Đội Cấn"},
	  "income": 1500000, "method": "monthly", "start_month": "2026-01", "support_group": "other"}`), &f))
	r, err := newValidator().Validate(f)
	require.NoError(t, err)
	assert.Equal(t, app.Female, r.Gender)
	assert.Equal(t, app.Money(1_500_000), r.Income)
	assert.Equal(t, "2026-01", r.StartMonth.String())
	assert.Equal(t, app.PersonalID("001190012345"), r.PersonalID)
}

func TestValidateFindsEachProblem(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*app.RegistrationForm)
		field string
		code  string
	}{
		{"requires the full name", func(f *app.RegistrationForm) { f.FullName = "  " }, "full_name", "required"},
		{"refuses digits in a name", func(f *app.RegistrationForm) { f.FullName = "Nguyễn Văn 2" }, "full_name", "name_chars"},
		{"refuses an unknown gender", func(f *app.RegistrationForm) { f.Gender = "x" }, "gender", "gender_invalid"},
		{"refuses a malformed birth date", func(f *app.RegistrationForm) { f.BirthDate = "1990-13-01" }, "birth_date", "birth_date_format"},
		{"refuses 31 February", func(f *app.RegistrationForm) { f.BirthDate = "31/02/1990" }, "birth_date", "birth_date_format"},
		{"refuses a foreign nationality", func(f *app.RegistrationForm) { f.Nationality = "LA" }, "nationality", "nationality_invalid"},
		{"refuses ethnicity 55", func(f *app.RegistrationForm) { f.Ethnicity = "55" }, "ethnicity", "ethnicity_unknown"},
		{"refuses an 11-digit personal ID", func(f *app.RegistrationForm) { f.PersonalID = "00119001234" }, "personal_id", "personal_id_format"},
		{
			"refuses a personal ID from an unknown province",
			func(f *app.RegistrationForm) { f.PersonalID = "003190012345" },
			"personal_id",
			"personal_id_province",
		},
		{"refuses a male digit for a woman", func(f *app.RegistrationForm) { f.PersonalID = "001090012345" }, "personal_id", "personal_id_sex"},
		{
			"refuses a 2000s digit for a 1990 birth",
			func(f *app.RegistrationForm) { f.PersonalID = "001390012345" },
			"personal_id",
			"personal_id_century",
		},
		{"refuses century digits above 5", func(f *app.RegistrationForm) { f.PersonalID = "001790012345" }, "personal_id", "personal_id_digit"},
		{
			"refuses year digits that differ from the birth year",
			func(f *app.RegistrationForm) { f.PersonalID = "001191012345" },
			"personal_id",
			"personal_id_year",
		},
		{"refuses a 9-digit old code", func(f *app.RegistrationForm) { f.OldSICode = "012345678" }, "old_si_code", "old_si_code_format"},
		{"refuses a short phone", func(f *app.RegistrationForm) { f.Phone = "091234567" }, "phone", "phone_format"},
		{"refuses a mobile prefix that does not exist", func(f *app.RegistrationForm) { f.Phone = "0112345678" }, "phone", "phone_format"},
		{"refuses a bad email", func(f *app.RegistrationForm) { f.Email = "anh@" }, "email", "email_format"},
		{
			"refuses a province outside the 34",
			func(f *app.RegistrationForm) { f.Address.Province = "02" },
			"address.province",
			"province_unknown",
		},
		{
			"refuses a commune of another province",
			func(f *app.RegistrationForm) { f.Address.Commune = "26734" },
			"address.commune",
			"commune_unknown",
		},
		{
			"refuses a 4-digit commune",
			func(f *app.RegistrationForm) { f.BirthRegistration.Commune = "0004" },
			"birth_registration.commune",
			"commune_format",
		},
		{"requires the address detail", func(f *app.RegistrationForm) { f.Address.Detail = "" }, "address.detail", "required"},
		{"refuses income below the poverty line", func(f *app.RegistrationForm) { f.Income = "1.450.000" }, "income", "income_below_floor"},
		{"refuses income above the ceiling", func(f *app.RegistrationForm) { f.Income = "46.850.000" }, "income", "income_above_ceiling"},
		{"refuses income off the 50,000 step", func(f *app.RegistrationForm) { f.Income = "1.520.000" }, "income", "income_step"},
		{"refuses an amount with decimals", func(f *app.RegistrationForm) { f.Income = "1500000.50" }, "income", "money_format"},
		{"refuses an unknown method", func(f *app.RegistrationForm) { f.Method = "weekly" }, "method", "method_invalid"},
		{"refuses more than 60 months ahead", func(f *app.RegistrationForm) { f.Method = "ahead:61" }, "method", "method_ahead_years"},
		{"refuses paying ahead for part of a year", func(f *app.RegistrationForm) { f.Method = "ahead:30" }, "method", "method_ahead_years"},
		{
			"refuses paying ahead for one year (the 12-month method)",
			func(f *app.RegistrationForm) { f.Method = "ahead:12" },
			"method",
			"method_ahead_years",
		},
		{
			"refuses a province group of another province",
			func(f *app.RegistrationForm) { f.LocalGroups = []string{"79:anything"} },
			"local_groups",
			"local_group_unknown",
		},
		{
			"refuses 1,500,000 from 01/2027 (Decree 351/2025)",
			func(f *app.RegistrationForm) { f.StartMonth = "2027-01" },
			"income",
			"income_below_floor",
		},
		{
			"refuses missing time long before retirement",
			func(f *app.RegistrationForm) { f.Method = "missing:12" },
			"method",
			"method_missing_early",
		},
		{"refuses a bad start month", func(f *app.RegistrationForm) { f.StartMonth = "2026-13" }, "start_month", "month_format"},
		{"refuses an unknown support group", func(f *app.RegistrationForm) { f.SupportGroup = "rich" }, "support_group", "support_group_invalid"},
		{
			"refuses ethnic-minority support for Kinh",
			func(f *app.RegistrationForm) { f.SupportGroup = "ethnic-minority" },
			"support_group",
			"support_group_ethnicity",
		},
		{
			"refuses a birth in the future",
			func(f *app.RegistrationForm) { f.BirthDate = "2030"; f.PersonalID = "001330012345" },
			"birth_date",
			"birth_date_future",
		},
		{"refuses a start month without rules", func(f *app.RegistrationForm) { f.StartMonth = "2015-01" }, "start_month", "rules_missing"},
	}
	v := newValidator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			tt.edit(&f)
			_, err := v.Validate(f)
			var ve *app.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tt.field, tt.code), "want %s=%s, got %v", tt.field, tt.code, ve.Problems)
			assert.Equal(t, app.Invalid, app.KindOf(err))
			for _, p := range ve.Problems {
				vi, en := ref.Catalog.Problem(app.VI, p), ref.Catalog.Problem(app.EN, p)
				assert.NotContains(t, vi, "err.", "Vietnamese message for %s exists", p.Code)
				assert.NotContains(t, vi, "field.", "field label for %s exists", p.Field)
				assert.NotContains(t, en, "err.")
				assert.NotContains(t, vi+en, "{", "placeholders filled in %q", vi)
			}
		})
	}
}

func TestValidateAge(t *testing.T) {
	v := newValidator()
	tests := []struct {
		name, birth, id, start string
		ok                     bool
	}{
		{"accepts a citizen who turns 15 in the first month", "2011-01-31", "001311012345", "2026-01", true},
		{"refuses a citizen who turns 15 the month after", "2011-02-01", "001311012345", "2026-01", false},
		{"year-only birth counts as 1 January: of age in January", "2011", "001311012345", "2026-01", true},
		{"year-only birth counts as 1 January: under age in December before", "2011", "001311012345", "2025-12", false},
		{"month-year birth counts as the 1st of the month", "2011-03", "001311012345", "2026-03", true},
		{"month-year birth, the month before", "2011-03", "001311012345", "2026-02", false},
		{"no upper age limit", "1930", "001130012345", "2026-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			f.BirthDate, f.PersonalID, f.StartMonth = tt.birth, tt.id, tt.start
			_, err := v.Validate(f)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			var ve *app.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("birth_date", "age_under_min"), "%v", ve.Problems)
		})
	}
}

func TestValidateNormalisesVietnameseInput(t *testing.T) {
	f := validForm()
	f.FullName = norm.NFD.String("  nguyễn   thị hồng ánh ") // a keyboard that sends decomposed marks
	f.Income = "1.500.000 ₫"
	f.Phone = "+84 912 345 678"
	f.Ethnicity = "Kinh"
	r, err := newValidator().Validate(f)
	require.NoError(t, err)
	assert.Equal(t, "nguyễn thị hồng ánh", r.FullName)
	assert.True(t, norm.NFC.IsNormalString(r.FullName))
	assert.Equal(t, app.Phone("0912345678"), r.Phone)
	assert.Equal(t, "01", r.Ethnicity)
	assert.Equal(t, app.Money(1_500_000), r.Income)
}

func TestValidateMissingTimeNearRetirement(t *testing.T) {
	f := validForm()
	// A man born 03/1966 reaches 61y9m (2027 schedule) in 12/2027; missing time may be paid from 11/2027.
	f.Gender, f.BirthDate, f.PersonalID, f.Method = "male", "1966-03-10", "001066012345", "missing:24"
	f.StartMonth, f.Income = "2027-10", "2200000"
	_, err := newValidator().Validate(f)
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("method", "method_missing_early"))
	f.StartMonth = "2027-11"
	_, err = newValidator().Validate(f)
	assert.NoError(t, err)
}

func TestRetirementMonthFollowsDecree135(t *testing.T) {
	tests := []struct {
		gender app.Gender
		birth  string
		want   string
	}{
		{app.Male, "1961-01", "2021-04"},   // 60y3m in 2021
		{app.Male, "1961-10", "2022-04"},   // 60y6m in 2022
		{app.Female, "1966-01", "2021-05"}, // 55y4m in 2021
		{app.Male, "1950-06", "2010-06"},   // before 2021: 60
		{app.Male, "1980-01", "2042-01"},   // capped at 62
		{app.Female, "1990-05", "2050-05"}, // capped at 60
	}
	for _, tt := range tests {
		b, err := app.ParseBirthDate(tt.birth)
		require.NoError(t, err)
		m, ok := ref.Rules.RetirementMonth(tt.gender, b)
		require.True(t, ok)
		assert.Equal(t, tt.want, m.String(), "%v born %s", tt.gender, tt.birth)
	}
}

func TestValidateListsProblemsInFormOrder(t *testing.T) {
	f := validForm()
	f.Income, f.FullName, f.Phone = "10", "", "1"
	_, err := newValidator().Validate(f)
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"full_name", "phone", "income"}, fields)
	assert.Equal(t, "[01] Họ và tên: bắt buộc phải nhập.", ref.Catalog.Problem(app.VI, ve.Problems[0]))
	assert.Equal(t, "[01] Full name: is required.", ref.Catalog.Problem(app.EN, ve.Problems[0]))
}
