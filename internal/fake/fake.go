// Package fake makes realistic, valid and reproducible Vietnamese registrations for tests,
// benchmarks and screenshots: surnames in their real proportions, gendered middle names, given
// names with every kind of diacritic, personal IDs whose province, century/sex and year digits
// agree with the person, and communes from the official code list. No generated person is real.
package fake

import (
	"fmt"
	"math/rand/v2"

	"bhxhdesk/app"
)

// Surnames weighted by their share of the population (about 38 % Nguyễn).
var surnames = []struct {
	name   string
	weight int
}{
	{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 51}, {"Huỳnh", 30}, {"Phan", 45},
	{"Vũ", 39}, {"Võ", 30}, {"Đặng", 21}, {"Bùi", 20}, {"Đỗ", 14}, {"Hồ", 13}, {"Ngô", 13}, {"Dương", 10},
	{"Lý", 5}, {"Đinh", 6}, {"Trương", 6}, {"Lương", 4}, {"Đoàn", 4}, {"Mai", 3}, {"Tạ", 2}, {"Lò", 1}, {"Hà", 3},
}

var (
	middleFemale = []string{"Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng", "Thanh", "Minh", "Kim", "Phương", "Thùy", "Mỹ", "Bảo", "Diệu"}
	middleMale   = []string{"Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân", "Công", "Quốc", "Trọng", "Tiến"}
	givenFemale  = []string{"Anh", "Ánh", "Hằng", "Hạnh", "Hiền", "Hoa", "Hòa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc",
		"Nhung", "Phương", "Thảo", "Thủy", "Trang", "Yến", "Huyền", "Loan", "Quỳnh", "Dung", "Giang", "Hà", "Châu", "Oanh", "Ly"}
	givenMale = []string{"Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phúc",
		"Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Hiếu", "Lộc", "Thịnh", "Tùng", "Vinh", "Đông", "Hưng", "Kiên", "Toàn"}
	streets = []string{"Số %d ngõ %d phố Đội Cấn", "Thôn Yên Định %d, xóm %d", "Số %d đường Lê Lợi, tổ %d",
		"Xóm Đồng Tâm, số nhà %d, tổ %d", "Bản Pá Khoang, nhà %d, cụm %d", "Ấp Phước Hòa %d, số %d"}
	methods = []string{"monthly", "monthly", "monthly", "3-months", "6-months", "12-months"}
	groups  = []string{"other", "other", "other", "other", "poor", "near-poor"}
)

// Generator makes registrations from a seed: the same seed gives the same people.
type Generator struct {
	r      *rand.Rand
	places *app.Places
	total  int
	// StartMonth is the first month people start paying ("2026-01" when empty).
	StartMonth string
}

// New returns a generator over the official code lists.
func New(seed uint64, places *app.Places) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), places: places}
	for _, s := range surnames {
		g.total += s.weight
	}
	return g
}

func (g *Generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

// Name returns a full name of the gender.
func (g *Generator) Name(female bool) string {
	n := g.r.IntN(g.total)
	sur := surnames[0].name
	for _, s := range surnames {
		if n < s.weight {
			sur = s.name
			break
		}
		n -= s.weight
	}
	if female {
		return sur + " " + g.pick(middleFemale) + " " + g.pick(givenFemale)
	}
	if g.r.IntN(4) == 0 { // some names have two middle names
		return sur + " " + g.pick(middleMale) + " " + g.pick(middleMale) + " " + g.pick(givenMale)
	}
	return sur + " " + g.pick(middleMale) + " " + g.pick(givenMale)
}

// Form returns a valid TK1-TS for a new person.
func (g *Generator) Form() app.RegistrationForm {
	female := g.r.IntN(2) == 0
	gender, sex := "male", app.Male
	if female {
		gender, sex = "female", app.Female
	}
	year := 1966 + g.r.IntN(40) // aged 20 to 59 in 2026
	month, day := 1+g.r.IntN(12), 1+g.r.IntN(28)
	idp := g.places.IDProvinces[g.r.IntN(len(g.places.IDProvinces))].Code
	digit, _ := app.CenturySexDigitFor(sex, year)
	pid := fmt.Sprintf("%s%d%02d%06d", idp, digit, year%100, g.r.IntN(1000000))
	prov := g.places.Provinces[g.r.IntN(len(g.places.Provinces))]
	com := prov.Communes[g.r.IntN(len(prov.Communes))]
	birthProv := g.places.Provinces[g.r.IntN(len(g.places.Provinces))]
	birthCom := birthProv.Communes[g.r.IntN(len(birthProv.Communes))]
	ethnicity := "01"
	if g.r.IntN(7) == 0 {
		ethnicity = g.places.Ethnicities[1+g.r.IntN(len(g.places.Ethnicities)-1)].Code
	}
	start := g.StartMonth
	if start == "" {
		start = "2026-01"
	}
	phonePrefix := []string{"09", "03", "08", "07", "05"}[g.r.IntN(5)]
	return app.RegistrationForm{
		FullName: g.Name(female), Gender: gender, BirthDate: fmt.Sprintf("%04d-%02d-%02d", year, month, day),
		Nationality: "VN", Ethnicity: ethnicity, PersonalID: pid,
		Phone:             fmt.Sprintf("%s%08d", phonePrefix, g.r.IntN(100000000)),
		BirthRegistration: app.PlaceForm{Province: birthProv.Code, Commune: birthCom.Code},
		Address: app.AddressForm{Province: prov.Code, Commune: com.Code,
			Detail: fmt.Sprintf(g.pick(streets), 1+g.r.IntN(200), 1+g.r.IntN(30))},
		Income:     app.Amount(fmt.Sprint(1500000 + 50000*g.r.IntN(40))),
		Method:     g.pick(methods),
		StartMonth: start, SupportGroup: g.pick(groups),
	}
}
