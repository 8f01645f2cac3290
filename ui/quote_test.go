package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/refdata"
	"bhxhdesk/ui"
)

func newDesk(t *testing.T, now string) (*ui.Desk, *app.Lang) {
	t.Helper()
	test.NewTempApp(t)
	ref := assets.MustLoad()
	when, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)
	var saved app.Lang
	d := ui.NewDesk(ui.Config{Ref: refdata.NewSource(ref, nil), Places: ref.Places, Catalog: ref.Catalog,
		Now: func() time.Time { return when }, OnLanguage: func(l app.Lang) { saved = l }}, nil)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(w.Content().MinSize())
	return d, &saved
}

func retype(e interface {
	SetText(string)
}, focus func(string), s string) {
	e.SetText("")
	focus(s)
}

func TestQuoteScreenWorkedExample(t *testing.T) {
	d, _ := newDesk(t, "2025-09-10T09:00:00+07:00")
	q := d.Quote()
	assert.Equal(t, "09/2025", q.Month.Text, "starts on the current month")
	assert.Equal(t, "1.500.000", q.Income.Text, "starts on the floor income")
	q.Group.SetSelected("Hộ nghèo")
	assert.Equal(t, "165.000 ₫", q.Payable.Text)
	assert.Equal(t, "Hạn nộp: 30/09/2025", q.Deadline.Text)

	retype(q.Month, func(s string) { test.Type(q.Month, s) }, "06/2024")
	assert.Equal(t, "231.000 ₫", q.Payable.Text, "the 2024 regime: 30% support")
}

func TestQuoteScreenShowsFieldProblemsLive(t *testing.T) {
	d, _ := newDesk(t, "2025-09-10T09:00:00+07:00")
	q := d.Quote()
	retype(q.Income, func(s string) { test.Type(q.Income, s) }, "1.520.000")
	assert.Equal(t, "—", q.Payable.Text)
	assert.Contains(t, q.Problem.Text, "[15] Mức thu nhập lựa chọn đóng: phải tăng theo bước 50.000 ₫: chọn 1.500.000 ₫ hoặc 1.550.000 ₫.")
	_, err := q.Last()
	assert.Equal(t, app.Invalid, app.KindOf(err))

	test.Tap(q.Raise)
	assert.Equal(t, "1.550.000", q.Income.Text, "the + button snaps onto the next allowed step")
	assert.Empty(t, q.Problem.Text)
	test.Tap(q.Lower)
	test.Tap(q.Lower)
	assert.Equal(t, "1.500.000", q.Income.Text, "never below the floor")

	retype(q.Income, func(s string) { test.Type(q.Income, s) }, "abc")
	assert.Contains(t, q.Problem.Text, "[15] Mức thu nhập lựa chọn đóng: số tiền chỉ gồm chữ số")
}

func TestQuoteScreenAheadAndYearly(t *testing.T) {
	d, _ := newDesk(t, "2025-09-10T09:00:00+07:00")
	q := d.Quote()
	assert.True(t, q.Months.Disabled(), "months apply only to ahead / missing")
	q.Method.SetSelected("Đóng trước nhiều năm")
	assert.False(t, q.Months.Disabled())
	test.Type(q.Months, "24")
	quote, err := q.Last()
	require.NoError(t, err)
	assert.Equal(t, app.Money(7_920_000-7_644_801), quote.Discount, "24 months at 0.31%/month (Decree 159/2025 art. 6: whole years)")
	assert.Equal(t, (quote.Gross - quote.Discount - quote.StateSupport).String(), q.Payable.Text)

	q.Method.SetSelected("12 tháng một lần")
	quote, err = q.Last()
	require.NoError(t, err)
	assert.Equal(t, 12, quote.Months)
	assert.Equal(t, "Hạn nộp: 31/03/2026", q.Deadline.Text, "12-month payments are due within the first 7 months")
}

func TestLanguageSwitchKeepsInput(t *testing.T) {
	d, saved := newDesk(t, "2025-09-10T09:00:00+07:00")
	q := d.Quote()
	q.Group.SetSelected("Hộ cận nghèo")
	retype(q.Income, func(s string) { test.Type(q.Income, s) }, "2.000.000")
	d.SetLang(app.EN)
	assert.Equal(t, app.EN, *saved, "the preference is reported to main")
	q = d.Quote()
	assert.Equal(t, "2.000.000", q.Income.Text)
	assert.Equal(t, "Near-poor household", q.Group.Selected)
	assert.Equal(t, "Pay by: 30/09/2025", q.Deadline.Text)
	assert.Equal(t, (app.Money(440_000) - app.Money(132_000)).String(), q.Payable.Text)
}
