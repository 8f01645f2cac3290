// Package assets embeds the data the program ships with: rule tables, working-day calendars,
// code lists of places and ethnic groups, translations and the Unicode font. Everything that can
// change by law or by year lives here as data, each file documented in the folder's README.md.
package assets

import (
	"embed"
	"fmt"
	"io/fs"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/catalog"
	"bhxhdesk/refdata"
	"bhxhdesk/seal"
)

// FS holds the embedded files. Of the fonts only the Vietnamese subsets the printouts use are
// embedded; the full Noto Sans files beside them are the subsetter's input
// (internal/fontsubset/gen), read from disk.
//
//go:embed rules calendar places i18n workflows keys fonts/NotoSansVN-Regular.ttf fonts/NotoSansVN-Bold.ttf fonts/OFL.txt
var FS embed.FS

// Reference is everything loaded from the embedded data, checked (see app.Reference).
type Reference = refdata.Reference

// Load reads and checks every embedded table. It fails loudly, naming the file and entry, when
// a table is inconsistent. overrides are folders of rule and calendar files (same names as
// in rules/ and calendar/, and workflows/ and keys/ folders) that replace or add to the
// embedded ones: an administrator's corrections.
func Load(overrides ...fs.FS) (*Reference, error) {
	rules, err := app.LoadRules(FS, "rules", overrides...)
	if err != nil {
		return nil, err
	}
	cals, err := calendar.Load(FS, "calendar", overrides...)
	if err != nil {
		return nil, err
	}
	places, err := app.LoadPlaces(FS, "places")
	if err != nil {
		return nil, err
	}
	cat, err := catalog.LoadCatalog(FS, "i18n")
	if err != nil {
		return nil, err
	}
	wfs, err := app.LoadWorkflows(FS, "workflows", overrides...)
	if err != nil {
		return nil, err
	}
	keys, err := seal.LoadTrustedKeys(FS, "keys", overrides...)
	if err != nil {
		return nil, err
	}
	return &Reference{Rules: rules, Calendars: cals, Places: places, Catalog: cat, Workflows: wfs, Keys: keys}, nil
}

// MustLoad is Load for tests and benchmarks.
func MustLoad() *Reference {
	r, err := Load()
	if err != nil {
		panic(fmt.Sprintf("assets: %v", err))
	}
	return r
}
