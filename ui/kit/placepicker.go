package kit

import (
	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// PlacePicker picks a current province (34 since 2025-07-01, QĐ 19/2025/QĐ-TTg) and one of its
// communes (5-digit codes, no district level).
type PlacePicker struct {
	Province *widgets.TypeSelect
	Commune  *widgets.TypeSelect

	places   *app.Places
	communes []app.Commune // of the selected province
	province string        // the code the communes are of
	changed  func(part string)
}

// NewPlacePicker builds the picker on a province and commune ("" for none); changed receives
// "province" or "commune" after the officer picks one.
func NewPlacePicker(h *Host, province, commune string, changed func(part string)) *PlacePicker {
	p := &PlacePicker{places: h.Cfg.Places, changed: changed}
	names := make([]string, len(p.places.Provinces))
	for i, pr := range p.places.Provinces {
		names[i] = pr.Name
	}
	p.Province = widgets.NewTypeSelect(names, h.Cfg.Now)
	p.Province.PlaceHolder = h.T("ui.choose_province")
	p.Commune = widgets.NewTypeSelect(nil, h.Cfg.Now)
	p.Commune.PlaceHolder = h.T("ui.choose_commune")
	p.set(province, commune)
	p.Province.OnChanged = func(string) {
		if code, _ := p.Codes(); code == p.province {
			return // the same province chosen again keeps its commune
		}
		p.loadCommunes()
		p.changed("province")
	}
	p.Commune.OnChanged = func(string) { p.changed("commune") }
	return p
}

// set selects a province and commune by code ("" leaves them unselected).
func (p *PlacePicker) set(province, commune string) {
	p.Province.ClearSelected()
	for i, pr := range p.places.Provinces {
		if pr.Code == province {
			p.Province.SetSelectedIndex(i)
		}
	}
	p.loadCommunes()
	for i, c := range p.communes {
		if c.Code == commune {
			p.Commune.SetSelectedIndex(i)
		}
	}
}

func (p *PlacePicker) loadCommunes() {
	p.communes, p.province = nil, ""
	if i := p.Province.SelectedIndex(); i >= 0 {
		p.communes, p.province = p.places.Provinces[i].Communes, p.places.Provinces[i].Code
	}
	names := make([]string, len(p.communes))
	for i, c := range p.communes {
		names[i] = c.Name
	}
	cb := p.Commune.OnChanged
	p.Commune.OnChanged = nil
	p.Commune.ClearSelected()
	p.Commune.SetOptions(names)
	p.Commune.OnChanged = cb
}

// Codes returns the selected province and commune codes ("" for none).
func (p *PlacePicker) Codes() (province, commune string) {
	if i := p.Province.SelectedIndex(); i >= 0 {
		province = p.places.Provinces[i].Code
	}
	if i := p.Commune.SelectedIndex(); i >= 0 && i < len(p.communes) {
		commune = p.communes[i].Code
	}
	return province, commune
}
