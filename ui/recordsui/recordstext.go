package recordsui

import (
	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// problemText is a row problem in words: "field: message", or the message alone when it names
// no field.
func (r *Session) problemText(p app.FieldProblem) string {
	return r.Msg(&app.Error{Field: p.Field, Code: p.Code, Args: p.Args})
}

// exceptionText is why a voucher waits for an officer's decision, in words.
func (r *Session) exceptionText(st app.VoucherState) string {
	return r.T("err."+st.Exception, widgets.FlatArgs(st.Args)...)
}

// methodText names a payment method ("ahead:12" → "Đóng trước nhiều năm (12 tháng)").
func (r *Session) methodText(m string) string { return r.Cfg.Catalog.MethodName(r.Cfg.Lang, m) }
