package syncui

import (
	"errors"
	"strconv"

	"bhxhdesk/app"
	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SyncBar is the status bar at the bottom of every signed-in screen (thanh trạng thái đồng
// bộ): what the sync engine is doing in plain words — offline, syncing, the error a person must
// fix, up to date —, when it last synced completely, how many operations wait to be sent, and
// a "Sync now" button.
type SyncBar struct {
	h  *kit.Host
	st app.SyncStatus

	Icon  *widget.Icon
	State *widget.Label
	// Why shows the whole reason of an offline or failed state, which the bar only names.
	Why     *widget.Button
	Last    *widget.Label
	Pending *widget.Label
	SyncNow *widget.Button

	content fyne.CanvasObject
}

// NewSyncBar builds the bar showing st; kick (nil: no button) asks for a round.
func NewSyncBar(h *kit.Host, st app.SyncStatus, kick func()) *SyncBar {
	b := &SyncBar{h: h}
	b.Icon = widget.NewIcon(theme.InfoIcon())
	b.State = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.State.Truncation = fyne.TextTruncateEllipsis
	b.Last = widget.NewLabel("")
	b.Pending = widget.NewLabel("")
	b.Why = widget.NewButtonWithIcon(h.T("ui.sync.why"), theme.InfoIcon(), func() { h.Alert(b.detail()) })
	b.Why.Importance = widget.LowImportance
	right := container.NewHBox(b.Why, b.Last, widget.NewSeparator(), b.Pending)
	if kick != nil {
		b.SyncNow = widget.NewButtonWithIcon(h.T("ui.sync.now"), theme.ViewRefreshIcon(), kick)
		right.Add(b.SyncNow)
	}
	b.content = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, b.Icon, right, b.State))
	b.Set(st)
	return b
}

// detail is the whole of the state and its reason, for the Why dialog.
func (b *SyncBar) detail() string {
	t := b.h.T
	if b.st.Reason == nil {
		return b.State.Text
	}
	reason := b.h.Msg(b.st.Reason)
	if b.st.State == app.SyncFailed {
		return t("ui.sync.state.failed", "reason", reason)
	}
	return t("ui.sync.state.offline_reason", "reason", reason)
}

// Content is the bar's root object.
func (b *SyncBar) Content() fyne.CanvasObject { return b.content }

// Status is the status shown.
func (b *SyncBar) Status() app.SyncStatus { return b.st }

// Set shows a status.
func (b *SyncBar) Set(st app.SyncStatus) {
	b.st = st
	t := b.h.T
	reason := ""
	if st.Reason != nil {
		reason = b.h.Msg(st.Reason)
	}
	var text string
	switch st.State {
	case app.SyncSyncing:
		text, b.State.Importance = t("ui.sync.state.syncing"), widget.MediumImportance
		b.Icon.SetResource(theme.ViewRefreshIcon())
	case app.SyncFailed:
		text, b.State.Importance = t("ui.sync.state.failed", "reason", reason), widget.DangerImportance
		b.Icon.SetResource(theme.ErrorIcon())
	case app.SyncUpToDate:
		text, b.State.Importance = t("ui.sync.state.uptodate"), widget.SuccessImportance
		b.Icon.SetResource(theme.ConfirmIcon())
	case app.SyncWaiting:
		text, b.State.Importance = t("ui.sync.state.waiting"), widget.MediumImportance
		b.Icon.SetResource(theme.HistoryIcon())
	default:
		text, b.State.Importance = t("ui.sync.state.offline"), widget.WarningImportance
		if NotEnrolled(st.Reason) {
			text = t("ui.sync.state.not_enrolled")
		}
		b.Icon.SetResource(theme.WarningIcon())
	}
	if st.State == app.SyncFailed {
		text = t("ui.sync.state.failed_short")
	}
	// The bar names the state; the whole reason is one click away (Chi tiết), never cut off.
	b.State.SetText(text)
	if reason != "" {
		b.Why.Show()
	} else {
		b.Why.Hide()
	}
	if st.LastSuccess.IsZero() {
		b.Last.SetText(t("ui.sync.never"))
	} else {
		b.Last.SetText(t("ui.sync.last", "time", kit.VNTime(st.LastSuccess)))
	}
	b.Pending.SetText(t("ui.sync.pending", "count", strconv.Itoa(st.Pending)))
	if st.State == app.SyncSyncing && (st.Sent > 0 || st.Received > 0) {
		// A long first sync says how far it is: sent of what was waiting, and received.
		b.Pending.SetText(t("ui.sync.progress", "sent", kit.Grouped(int64(st.Sent)), "to_send", kit.Grouped(int64(st.ToSend)),
			"received", kit.Grouped(int64(st.Received))))
	}
}

// NotEnrolled says whether a reason is that the desk is not enrolled with the centre.
func NotEnrolled(err error) bool {
	var ae *app.Error
	return errors.As(err, &ae) && ae.Code == app.CodeNotEnrolled
}
