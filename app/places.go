package app

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Province is a current province or centrally-run city (tỉnh, thành phố) after 2025-07-01
// (Quyết định 19/2025/QĐ-TTg): 34 of them, with communes (xã, phường, đặc khu) and no district.
type Province struct {
	Code     string    `json:"code"`
	Name     string    `json:"name"`
	Communes []Commune `json:"communes"`
}

// Commune is a commune-level unit with its 5-digit code.
type Commune struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Ethnicity is one of the 54 ethnic groups (dân tộc), field [05]; 01 is Kinh.
type Ethnicity struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Places holds the code lists a form is checked against: current provinces and communes, the 63
// historical province codes found in personal IDs, and the ethnic groups. Read-only once loaded.
type Places struct {
	Provinces   []Province
	Ethnicities []Ethnicity
	IDProvinces []Commune // historical 3-digit codes (Circular 07/2016/TT-BCA); Commune reused as code+name

	province  map[string]*Province
	commune   map[string]map[string]string // province → commune code → name
	idProv    map[string]string
	ethnicity map[string]string
}

// LoadPlaces reads provinces.json, id_provinces.json and ethnicities.json from dir of fsys and
// checks them: codes well-formed and unique, 54 ethnic groups, 63 historical province codes.
func LoadPlaces(fsys fs.FS, dir string) (*Places, error) {
	var cur struct {
		Provinces []Province `json:"provinces"`
	}
	var ids struct {
		Provinces []Commune `json:"provinces"`
	}
	var eth struct {
		Ethnicities []Ethnicity `json:"ethnicities"`
	}
	for name, v := range map[string]any{"provinces.json": &cur, "id_provinces.json": &ids, "ethnicities.json": &eth} {
		data, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("places: %w", err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			return nil, fmt.Errorf("places %s: %w", name, err)
		}
	}
	p := &Places{
		Provinces: cur.Provinces, Ethnicities: eth.Ethnicities, IDProvinces: ids.Provinces,
		province: map[string]*Province{}, commune: map[string]map[string]string{},
		idProv: map[string]string{}, ethnicity: map[string]string{},
	}
	for i := range p.Provinces {
		pr := &p.Provinces[i]
		if len(pr.Code) != 2 || !AllDigits(pr.Code) || pr.Name == "" || p.province[pr.Code] != nil {
			return nil, fmt.Errorf("places provinces.json: bad or repeated province %q", pr.Code)
		}
		p.province[pr.Code] = pr
		cm := make(map[string]string, len(pr.Communes))
		for _, c := range pr.Communes {
			if len(c.Code) != 5 || !AllDigits(c.Code) || c.Name == "" || cm[c.Code] != "" {
				return nil, fmt.Errorf("places provinces.json: bad or repeated commune %q in %s", c.Code, pr.Code)
			}
			cm[c.Code] = c.Name
		}
		p.commune[pr.Code] = cm
	}
	for _, c := range p.IDProvinces {
		if len(c.Code) != 3 || !AllDigits(c.Code) || p.idProv[c.Code] != "" {
			return nil, fmt.Errorf("places id_provinces.json: bad or repeated code %q", c.Code)
		}
		p.idProv[c.Code] = c.Name
	}
	for _, e := range p.Ethnicities {
		if len(e.Code) != 2 || !AllDigits(e.Code) || p.ethnicity[e.Code] != "" {
			return nil, fmt.Errorf("places ethnicities.json: bad or repeated code %q", e.Code)
		}
		p.ethnicity[e.Code] = e.Name
	}
	if len(p.idProv) != 63 || len(p.ethnicity) != 54 {
		return nil, fmt.Errorf("places: want 63 historical province codes and 54 ethnic groups, have %d and %d", len(p.idProv), len(p.ethnicity))
	}
	sort.Slice(p.Provinces, func(i, j int) bool { return p.Provinces[i].Code < p.Provinces[j].Code })
	for i := range p.Provinces {
		p.province[p.Provinces[i].Code] = &p.Provinces[i]
	}
	return p, nil
}

// Province returns a current province by its 2-digit code.
func (p *Places) Province(code string) (*Province, bool) {
	pr, ok := p.province[code]
	return pr, ok
}

// CommuneName returns the name of a commune of a current province.
func (p *Places) CommuneName(province, commune string) (string, bool) {
	n, ok := p.commune[province][commune]
	return n, ok
}

// HasCommunes reports whether the commune list of a province is loaded (used to decide whether
// an unknown commune is an error).
func (p *Places) HasCommunes(province string) bool { return len(p.commune[province]) > 0 }

// IDProvinceName returns the historical province of a personal ID's first three digits.
func (p *Places) IDProvinceName(code string) (string, bool) {
	n, ok := p.idProv[code]
	return n, ok
}

// EthnicityName returns the name of an ethnic group by its 2-digit code.
func (p *Places) EthnicityName(code string) (string, bool) {
	n, ok := p.ethnicity[code]
	return n, ok
}

// ParseEthnicity accepts a code ("1" or "01") or a name ("Kinh", "kinh"), returning the code.
func (p *Places) ParseEthnicity(s string) (string, error) {
	t := NormalizeText(s)
	if AllDigits(t) && len(t) <= 2 {
		if len(t) == 1 {
			t = "0" + t
		}
		if _, ok := p.ethnicity[t]; ok {
			return t, nil
		}
	}
	k := FoldKey(t)
	for _, e := range p.Ethnicities {
		if FoldKey(e.Name) == k && k != "" {
			return e.Code, nil
		}
	}
	return "", Errorf(Invalid, CodeEthnicityUnknown, "value", s)
}

// AddressLine is "detail, commune, province" with the official names.
func (p *Places) AddressLine(a AddressForm) string {
	parts := []string{}
	if a.Detail != "" {
		parts = append(parts, a.Detail)
	}
	if c, ok := p.CommuneName(a.Province, a.Commune); ok {
		parts = append(parts, c)
	}
	if pr, ok := p.Province(a.Province); ok {
		parts = append(parts, pr.Name)
	}
	return strings.Join(parts, ", ")
}
