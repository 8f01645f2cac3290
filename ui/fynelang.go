package ui

import (
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"bhxhdesk/app"
	"bhxhdesk/catalog"
)

// fyneLanguage makes Fyne's own texts — the file dialogs' buttons and headings, Yes/No, the
// text menus, the calendar's day names — speak the desk's language. Fyne picks their language
// from the system's locale and ships no Vietnamese; the desk's catalogue holds them (keys
// "fyne.*", in vi.fyne.json and en.fyne.json) and lays them over the language Fyne would pick
// on this system, and under the desk's own language tag, each time the language changes.
func fyneLanguage(cat *catalog.Catalog, l app.Lang) {
	texts := cat.Prefixed(l, "fyne.")
	if len(texts) == 0 {
		return
	}
	msgs := make(map[string]any, len(texts))
	for k, v := range texts {
		switch k {
		case "file.name", "file.parent": // plural messages in Fyne's bundle
			msgs[k] = map[string]string{"other": v}
		default:
			msgs[k] = v
		}
	}
	data, err := json.Marshal(msgs)
	if err != nil {
		return
	}
	for _, loc := range []fyne.Locale{lang.SystemLocale(), fyne.Locale(l)} {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			fyne.LogError("desk texts for Fyne's widgets", err)
		}
	}
}
