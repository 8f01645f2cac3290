package desk

import (
	"bhxhdesk/app"
	"bhxhdesk/central"
)

// ExportTransfer writes an offline transfer file with every pending operation of the desk (see
// central.SealTransfer). The desk must hold its device token (enrolment).
func (d *Desk) ExportTransfer(sess *app.Session) ([]byte, int, error) {
	_, token, err := d.Sync.Central()
	if err != nil {
		return nil, 0, err
	}
	if token == "" {
		return nil, 0, ErrNoToken
	}
	out, err := d.Sync.ExportPending(sess)
	if err != nil {
		return nil, 0, err
	}
	th := central.TokenHash(token)
	h := central.TransferHeader{Kind: central.TransferRequest, Office: out.Office.Agency, Device: central.TransferID(th),
		Seq: out.Seq, Created: d.Intake.Now.Time()}
	file, err := central.SealTransfer(h, th, central.TransferRequestBody{Ops: out.Ops, Cursor: out.Cursor})
	return file, len(out.Ops), err
}

// ImportTransferAnswer applies the centre's answer file to this desk's request (see
// officesync.Service.ImportAnswer): refused when it was altered, is for another desk, or was applied.
func (d *Desk) ImportTransferAnswer(sess *app.Session, file []byte) (central.TransferAnswerBody, error) {
	var body central.TransferAnswerBody
	_, token, err := d.Sync.Central()
	if err != nil {
		return body, err
	}
	if token == "" {
		return body, ErrNoToken
	}
	o, err := d.Office()
	if err != nil {
		return body, err
	}
	th := central.TokenHash(token)
	h, err := central.OpenTransfer(file, th, &body)
	if err != nil {
		return body, err
	}
	if h.Kind != central.TransferAnswer || h.Office != o.Agency || h.Device != central.TransferID(th) {
		return body, &app.Error{Kind: app.Invalid, Code: app.CodeTransferDamaged, Args: map[string]string{"why": "not for this desk"}}
	}
	return body, d.Sync.ImportAnswer(sess, h.Seq, body.Results, body.Page)
}

// ErrNoToken: the desk has no device token yet; an administrator enrols it first.
var ErrNoToken = &app.Error{Kind: app.Unavailable, Code: app.CodeNotEnrolled}
