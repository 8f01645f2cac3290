package ui_test

import (
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/desktest"
	"bhxhdesk/ui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/recordsui"
)

// TestDashboardCountsAndOpensItsLists builds a week of work and reads it on the dashboard:
// today's receipts, due today, overdue, waiting for payment, the 30-day chart with the on-time
// rate; then each tile opens its list with the rows the store holds.
func TestDashboardCountsAndOpensItsLists(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	w := aWeekOfWork(t, o, c)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	require.Equal(t, ui.PageHome, d.Page())
	readTheDashboard(t, d)
	eachTileOpensItsList(t, d, w)

	// The help desk's dashboard has no voucher tiles: it may not open their lists.
	d.signOut(t)
	d.signIn(t, "motcua")
	d.Show(ui.PageHome)
	d.Wait()
	_, hasExceptions := d.Home().Stats().Counts[intakeui.TileExceptions]
	assert.False(t, hasExceptions)
	assert.Nil(t, d.Home().Tiles[intakeui.TileExceptions])
}

// weekOfWork is the dossiers of aWeekOfWork the dashboard lists, and who made them.
type weekOfWork struct {
	intake                           *intake.Service
	sup                              *app.Session
	late, awaiting, today, withdrawn app.Dossier
}

// aWeekOfWork registers and processes a week of dossiers up to Monday 12/01: one done before
// its appointment and one overdue, both due on 10/01; one waiting for payment; two received
// today, one of them rejected at once.
func aWeekOfWork(t *testing.T, o *desk.Office, c *clock) weekOfWork {
	t.Helper()
	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	_, sup, err := o.Open("truongphong", password)
	require.NoError(t, err)
	sup.Idle = -1
	reg := func(seed uint64) app.Dossier {
		res, err := in.Register(help, intake.RegisterRequest{Form: fakeForm(t, seed), NotDuplicate: true})
		require.NoError(t, err)
		return res.Dossier
	}
	a, late := reg(91), reg(92) // Mon 05/01 → due Sat 10/01
	c.set(time.Date(2026, 1, 6, 9, 0, 0, 0, calendar.VN))
	b := reg(93) // Tue 06/01 → due Mon 12/01
	c.set(time.Date(2026, 1, 9, 10, 0, 0, 0, calendar.VN))
	records, _ := o.Services()
	done := desktest.Complete(t, in, records, sup, a.Code, "BL-2026-000091") // paid, book issued
	require.Equal(t, app.StateDone, done.State, "a's result returned on 09/01, before its appointment")
	_, err = in.Act(sup, b.Code, intake.ActRequest{Action: app.ActAdvance}) // check → finance: waits for payment
	require.NoError(t, err)
	c.set(time.Date(2026, 1, 12, 8, 30, 0, 0, calendar.VN))
	today := reg(94)
	withdrawn := reg(95) // received and rejected the same morning: counted, and listed, as received today
	_, err = in.Act(sup, withdrawn.Code, intake.ActRequest{Action: app.ActReject, Reason: "Người tham gia rút hồ sơ"})
	require.NoError(t, err)
	return weekOfWork{intake: in, sup: sup, late: late, awaiting: b, today: today, withdrawn: withdrawn}
}

// readTheDashboard reads the week on the dashboard: the tiles' counts, the 30-day chart and the
// on-time rate.
func readTheDashboard(t *testing.T, d *recDesk) {
	h := d.Home()
	st := h.Stats()
	// Unsynced: five registrations, an action on each of b and the withdrawn dossier, and a's
	// eight — its first step, its voucher (the voucher, the period, the book cover's data, the
	// dossier paid), the cover issued (the cover, the dossier) and its result returned.
	assert.Equal(
		t,
		map[intakeui.Tile]int{intakeui.TileReceivedToday: 2, intakeui.TileDueToday: 1, intakeui.TileOverdue: 1, intakeui.TileAwaitingPayment: 1,
			intakeui.TileCovers: 0, intakeui.TileExceptions: 0, intakeui.TileUnsynced: 5 + 2 + 8, intakeui.TileLastSync: 0},
		st.Counts,
	)
	assert.Equal(t, "1", h.Values[intakeui.TileOverdue].Text)
	assert.Equal(t, "chưa lần nào", h.Values[intakeui.TileLastSync].Text)
	require.Len(t, st.Days, 30)
	last := st.Days[29]
	assert.Equal(t, calendar.Of(2026, 1, 12), last.Day)
	byDay := map[calendar.Date]intakeui.DayStat{}
	for _, s := range st.Days {
		byDay[s.Day] = s
	}
	assert.Equal(t, 2, byDay[calendar.Of(2026, 1, 5)].Received)
	assert.Equal(t, 1, byDay[calendar.Of(2026, 1, 6)].Received)
	assert.Equal(t, 2, byDay[calendar.Of(2026, 1, 12)].Received)
	assert.Equal(t, intakeui.DayStat{Day: calendar.Of(2026, 1, 10), Due: 2, OnTime: 1}, byDay[calendar.Of(2026, 1, 10)],
		"two appointments on 10/01: a on time, the other still pending")
	rate, ok := st.OnTimeRate()
	require.True(t, ok)
	assert.Equal(t, 50, rate)
	assert.Equal(t, "Đúng hẹn: 50%", h.Rate.Text)
	assert.Equal(t, st.Days, h.Chart.Days(), "the chart draws the same days")
	d.shot(t, "home")
}

// eachTileOpensItsList taps each tile of the dashboard: it opens its list, with the rows the
// store lists.
func eachTileOpensItsList(t *testing.T, d *recDesk, w weekOfWork) {
	list := func(kind intake.ListKind, value string) []string {
		rows, err := w.intake.List(w.sup, intake.ListRequest{Kind: kind, Value: value})
		require.NoError(t, err)
		var codes []string
		for _, r := range rows {
			codes = append(codes, r.Code)
		}
		return codes
	}
	codes := func() []string {
		var out []string
		for _, r := range d.Queue().Rows.Rows() {
			out = append(out, r.Code)
		}
		return out
	}
	test.Tap(d.Home().Tiles[intakeui.TileOverdue])
	d.Wait()
	require.Equal(t, ui.PageQueue, d.Page())
	assert.Equal(t, []string{w.late.Code}, codes())
	assert.Equal(t, list(intake.ListOverdue, ""), codes())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[intakeui.TileAwaitingPayment])
	d.Wait()
	assert.Equal(t, []string{w.awaiting.Code}, codes())
	assert.Equal(t, list(intake.ListStep, "finance"), codes())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[intakeui.TileReceivedToday])
	d.Wait()
	assert.Equal(t, []string{w.today.Code, w.withdrawn.Code}, codes(), "the rows the tile counted, the rejected one too")
	assert.Equal(t, "2", d.Home().Values[intakeui.TileReceivedToday].Text)
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[intakeui.TileCovers])
	d.Wait()
	assert.Equal(t, ui.PageRecords, d.Page())
	assert.Equal(t, recordsui.TabCovers, d.Records().Tab())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[intakeui.TileUnsynced])
	d.Wait()
	assert.Equal(t, ui.PageSync, d.Page())
}

// TestTheDashboardWarnsAdministratorsOfStaleRulesAndShowsChangedAmounts: on 06/12/2026 the
// 2027 calendar is only projected and 2026's fund rate is missing; a dossier quoted under the
// stale data waits on the dashboard and in its queue, and the officer gives the new amount.
func TestTheDashboardWarnsAdministratorsOfStaleRulesAndShowsChangedAmounts(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	c.set(time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.VN))
	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	// A dossier quoted while the desk still had the old 2027 data (the 2,200,000 line proposed).
	current := o.Ref().Get()
	stale := *current
	staleRules, err := app.LoadRules(assets.FS, "rules", fstest.MapFS{"rules/poverty_line.json": {Data: []byte(
		`{"table":"poverty_line","entries":[
		{"from":"2016-01","value":700000,"source":"QĐ 59/2015","status":"confirmed","to":"2021-12"},
		{"from":"2022-01","value":1500000,"source":"NĐ 07/2021","status":"confirmed"},
		{"from":"2027-01","value":2200000,"source":"NĐ 351/2025","status":"proposed"}]}`)}})
	require.NoError(t, err)
	stale.Rules = staleRules
	o.Ref().Set(&stale)
	f := fakeForm(t, 7)
	f.Income, f.StartMonth, f.SupportGroup, f.LocalGroups = "2200000", "2027-01", "other", nil
	res, err := in.Register(help, intake.RegisterRequest{Form: f, NotDuplicate: true})
	require.NoError(t, err)
	o.Ref().Set(current)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "admin")
	h := d.Home()
	assert.True(t, h.Outlook.Visible())
	assert.Contains(t, h.Outlook.Text, "Cảnh báo dữ liệu quy định")
	assert.Contains(t, h.Outlook.Text, "Lịch ngày làm việc năm 2027 mới là dự kiến")
	assert.Contains(t, h.Outlook.Text, "Chưa có lãi suất đầu tư quỹ năm 2026")
	d.signOut(t)

	d.signIn(t, "canbo")
	h = d.Home()
	assert.False(t, h.Outlook.Visible(), "officers see the amounts, administrators the data")
	require.Equal(t, 1, h.Stats().Counts[intakeui.TileQuoteChanged])
	test.Tap(h.Tiles[intakeui.TileQuoteChanged])
	d.Wait()
	require.Equal(t, ui.PageQueue, d.Page())
	rows := d.Queue().State().Rows
	require.Len(t, rows, 1)
	assert.Equal(t, res.Dossier.Code, rows[0].Code)

	d.Queue().Rows.List.Select(0)
	d.Wait()
	require.Equal(t, ui.PageDossier, d.Page())
	ds := d.Dossier()
	require.NotNil(t, ds.Requote)
	assert.Contains(t, ds.QuoteChanged.Text, "418.000 ₫")
	assert.Contains(t, ds.QuoteChanged.Text, "387.200 ₫")
	test.Tap(ds.Requote)
	d.Wait()
	ds = d.Dossier()
	assert.Equal(t, app.Money(387_200), ds.Shown().Quote.Payable)
	assert.Nil(t, ds.Requote, "nothing left to change")
	assert.Contains(t, ds.Status.Text, "387.200 ₫")
}

// TestAQueuePaintsOnlyTheListLastAskedFor: a dashboard tile shows the queue (which loads the
// list it showed before) and then chooses the tile's list (a second load); the two loads run on
// goroutines and may finish in either order. Whichever paints last, the queue shows the tile's
// list — before, the earlier list could win and stay on screen.
func TestAQueuePaintsOnlyTheListLastAskedFor(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	w := aWeekOfWork(t, o, c)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Home().Tiles[intakeui.TileOverdue])
	d.Wait()
	d.Show(ui.PageHome)
	d.Wait()

	test.Tap(d.Home().Tiles[intakeui.TileAwaitingPayment])
	sd := d.storeDesk
	sd.Desk.Wait() // both loads done, nothing painted yet
	sd.mu.Lock()
	paints := sd.paints
	sd.paints = nil
	sd.mu.Unlock()
	require.GreaterOrEqual(t, len(paints), 2, "the tile loads the queue more than once")
	rows := func() []string {
		var out []string
		for _, r := range d.Queue().Rows.Rows() {
			out = append(out, r.Code)
		}
		return out
	}
	// Forward and backward: whatever order the loads ended in, one of the two paints the
	// earlier list last.
	for _, backward := range []bool{false, true} {
		for i := range paints {
			if backward {
				i = len(paints) - 1 - i
			}
			paints[i]()
		}
		assert.Equal(t, []string{w.awaiting.Code}, rows(), "painted backward: %v", backward)
	}
}
