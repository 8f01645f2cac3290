// Package intake is the offline intake service (tiếp nhận hồ sơ, TNHS): the office's set-up
// and accounts, registration on form TK1-TS with its duplicate checks and quote, the dossier's
// way through the province's workflow (act, list, receipt, requote, drafts) and the office's
// adjustment of that workflow.
//
// It owns the use cases, not the data: values, rules and records are app's, and it reaches the
// store only through its own Store and Tx (a view of app.Store, app.TxStore). It may import app
// and contract; it must not import storage, central, desk or ui.
package intake
