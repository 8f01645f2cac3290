// The desk program: the Fyne desktop application of the offline voluntary-insurance desk
// (bàn tiếp nhận BHXH tự nguyện). This is the only file that imports Fyne's app package; every
// other package tests without cgo or a display.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/ui"
)

var version = "dev"

const prefLang = "language"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	langFlag := flag.String("lang", "", "language for this session: vi or en (default: the saved choice, else vi)")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	ref, err := assets.Load()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bhxh-desk: dữ liệu quy định lỗi / rule data is inconsistent: %v\n", err)
		os.Exit(2)
	}
	a := fyneapp.NewWithID("vn.bhxh.desk")
	lang := app.Lang(a.Preferences().StringWithFallback(prefLang, string(app.VI)))
	if *langFlag != "" {
		lang = app.Lang(*langFlag)
	}
	if lang != app.VI && lang != app.EN {
		lang = app.VI
	}
	w := a.NewWindow(ref.Catalog.T(lang, "app.title"))
	desk := ui.NewDesk(ui.Config{
		Rules: ref.Rules, Places: ref.Places, Catalog: ref.Catalog, Calendars: ref.Calendars, Lang: lang,
		OnLanguage: func(l app.Lang) { a.Preferences().SetString(prefLang, string(l)) },
	}, w.SetTitle)
	w.SetContent(desk.Content())
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
}
