package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui"
)

// TestDashboardCountsAndOpensItsLists builds a week of work and reads it on the dashboard:
// today's receipts, due today, overdue, waiting for payment, the 30-day chart with the on-time
// rate; then each tile opens its list with the rows the store holds.
func TestDashboardCountsAndOpensItsLists(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	intake, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	_, sup, err := o.Open("truongphong", password)
	require.NoError(t, err)
	sup.Idle = -1
	reg := func(seed uint64) app.Dossier {
		res, err := intake.Register(help, app.RegisterRequest{Form: fakeForm(t, seed), NotDuplicate: true})
		require.NoError(t, err)
		return res.Dossier
	}
	a, late := reg(91), reg(92) // Mon 05/01 → due Sat 10/01
	c.set(time.Date(2026, 1, 6, 9, 0, 0, 0, calendar.VN))
	b := reg(93) // Tue 06/01 → due Mon 12/01
	c.set(time.Date(2026, 1, 9, 10, 0, 0, 0, calendar.VN))
	for range a.Steps {
		_, err := intake.Act(sup, a.Code, app.ActRequest{Action: app.ActAdvance})
		require.NoError(t, err)
	}
	done, err := intake.Dossier(sup, a.Code)
	require.NoError(t, err)
	require.Equal(t, app.StateDone, done.State, "a's result returned on 09/01, before its appointment")
	_, err = intake.Act(sup, b.Code, app.ActRequest{Action: app.ActAdvance}) // check → finance: waits for payment
	require.NoError(t, err)
	c.set(time.Date(2026, 1, 12, 8, 30, 0, 0, calendar.VN))
	today := reg(94)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	require.Equal(t, ui.PageHome, d.Page())
	h := d.Home()
	st := h.Stats()
	assert.Equal(t, map[ui.Tile]int{ui.TileReceivedToday: 1, ui.TileDueToday: 1, ui.TileOverdue: 1, ui.TileAwaitingPayment: 1,
		ui.TileCovers: 0, ui.TileExceptions: 0, ui.TileUnsynced: 5 + 4, ui.TileLastSync: 0}, st.Counts)
	assert.Equal(t, "1", h.Values[ui.TileOverdue].Text)
	assert.Equal(t, "chưa lần nào", h.Values[ui.TileLastSync].Text)
	require.Len(t, st.Days, 30)
	last := st.Days[29]
	assert.Equal(t, calendar.Of(2026, 1, 12), last.Day)
	byDay := map[calendar.Date]ui.DayStat{}
	for _, s := range st.Days {
		byDay[s.Day] = s
	}
	assert.Equal(t, 2, byDay[calendar.Of(2026, 1, 5)].Received)
	assert.Equal(t, 1, byDay[calendar.Of(2026, 1, 6)].Received)
	assert.Equal(t, 1, byDay[calendar.Of(2026, 1, 12)].Received)
	assert.Equal(t, ui.DayStat{Day: calendar.Of(2026, 1, 10), Due: 2, OnTime: 1}, byDay[calendar.Of(2026, 1, 10)],
		"two appointments on 10/01: a on time, the other still pending")
	rate, ok := st.OnTimeRate()
	require.True(t, ok)
	assert.Equal(t, 50, rate)
	assert.Equal(t, "Đúng hẹn: 50%", h.Rate.Text)
	assert.Equal(t, st.Days, h.Chart.Days(), "the chart draws the same days")
	d.shot(t, "home")

	// Each tile opens its list, with what the store lists.
	list := func(kind app.ListKind, value string) []string {
		rows, err := intake.List(sup, app.ListRequest{Kind: kind, Value: value})
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
	test.Tap(h.Tiles[ui.TileOverdue])
	d.Wait()
	require.Equal(t, ui.PageQueue, d.Page())
	assert.Equal(t, []string{late.Code}, codes())
	assert.Equal(t, list(app.ListOverdue, ""), codes())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[ui.TileAwaitingPayment])
	d.Wait()
	assert.Equal(t, []string{b.Code}, codes())
	assert.Equal(t, list(app.ListStep, "finance"), codes())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[ui.TileReceivedToday])
	d.Wait()
	assert.Equal(t, []string{today.Code}, codes())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[ui.TileCovers])
	d.Wait()
	assert.Equal(t, ui.PageRecords, d.Page())
	assert.Equal(t, ui.TabCovers, d.Records().Tab())
	d.Show(ui.PageHome)
	d.Wait()
	test.Tap(d.Home().Tiles[ui.TileUnsynced])
	d.Wait()
	assert.Equal(t, ui.PageSync, d.Page())

	// The help desk's dashboard has no voucher tiles: it may not open their lists.
	d.signOut(t)
	d.signIn(t, "motcua")
	d.Show(ui.PageHome)
	d.Wait()
	_, hasExceptions := d.Home().Stats().Counts[ui.TileExceptions]
	assert.False(t, hasExceptions)
	assert.Nil(t, d.Home().Tiles[ui.TileExceptions])
}
