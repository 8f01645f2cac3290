package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/refdata"
	"bhxhdesk/ui"
)

// TestAnOnlineDossierIsMarkedOnTheDesk: a citizen's online declaration (public service 602e)
// reaches the office's desk at its sync and shows in the officer's queue and on the dossier as
// declared online, with the centre's receipt time.
func TestAnOnlineDossierIsMarkedOnTheDesk(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	ctr := centraltest.Start(t, centraltest.Options{})
	token := ctr.Enroll(t, testOffice.Agency, testOffice.Device)
	_, err := ctr.Service.SetOfficeListing(context.Background(), testOffice.Agency,
		central.OfficeListing{Name: testOffice.Name, Province: testOffice.Province, Commune: testOffice.Commune, Online: true})
	require.NoError(t, err)
	ref := assets.MustLoad()
	form := fakeForm(t, 77)
	form.Method, form.StartMonth = "monthly", ""
	online, err := ctr.Service.DeclareOnline(context.Background(), ref, refdata.NewSource(ref, nil).Validator(), testOffice.Agency, form, "")
	require.NoError(t, err)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	startSync(t, o)
	_, sync := o.Services()
	_, admin := d.service(t, "admin")
	require.NoError(t, sync.SetCentral(admin, ctr.Server.URL, token))
	bar := d.SyncBar()
	test.Tap(bar.SyncNow)
	d.waitFor(t, "up to date", func() bool { return bar.Status().State == app.SyncUpToDate })

	d.open(t, ui.PageQueue)
	d.Queue().Reload()
	d.Wait()
	texts := strings.Join(visibleTexts(d.win.Content()), "\n")
	assert.Contains(t, texts, online.Code)
	assert.Contains(t, texts, "Nộp trực tuyến ·", "the queue marks the online dossier")
	assert.NotContains(t, texts, "Nộp trực tuyến · Nộp trực tuyến", "once")

	for i, r := range d.Queue().Rows.Rows() {
		if r.Code == online.Code {
			d.Queue().Rows.List.Select(i)
		}
	}
	d.Wait()
	texts = strings.Join(visibleTexts(d.win.Content()), "\n")
	assert.Contains(t, texts, "· Nộp trực tuyến", "the dossier says it was declared online")
}
