package officesync

import (
	"errors"
	"fmt"
	"strconv"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// Settings of offline transfer files.
const (
	settingTransferAnswered = "transfer/answered" // the last answer file applied
	settingTransferExported = "transfer/exported" // the last request file written
	seqTransfer             = "transfer"          // counter of request files written
)

// TransferOut is what a request file carries: every pending operation, the pull cursor, and
// the file's sequence number.
type TransferOut struct {
	Seq    uint64
	Ops    []contract.Op
	Cursor uint64
	Office app.Office
}

// ExportPending takes the next transfer sequence number and returns every pending operation
// with the cursor, for an offline transfer file. The operations stay in the outbox until the
// centre's answer is imported (or a network round acknowledges them).
func (s *Service) ExportPending(sess *app.Session) (TransferOut, error) {
	var out TransferOut
	if err := sess.Require(app.PermSync); err != nil {
		return out, err
	}
	err := s.Store.Update(func(tx Tx) error {
		var err error
		if out.Ops, err = tx.OutboxAfter(0, 0); err != nil {
			return err
		}
		if out.Cursor, err = cursorOf(tx); err != nil {
			return err
		}
		if out.Seq, err = tx.NextSeq(seqTransfer); err != nil {
			return err
		}
		if err := tx.PutSetting(settingTransferExported, []byte(strconv.FormatUint(out.Seq, 10))); err != nil {
			return err
		}
		o, _, err := tx.Office()
		out.Office = o
		if err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "sync.export", Detail: fmt.Sprintf("seq=%d ops=%d", out.Seq, len(out.Ops))})
	})
	return out, err
}

// ImportAnswer applies the centre's answer to request file seq: the acknowledgements (each
// operation leaves the outbox with its result) and the changes. An answer to a file this desk
// did not write, or one already applied or older than the last applied, is refused.
func (s *Service) ImportAnswer(sess *app.Session, seq uint64, results []contract.OpResult, page contract.Page) error {
	if err := sess.Require(app.PermSync); err != nil {
		return err
	}
	var ops []contract.Op
	err := s.Store.View(func(tx Tx) error {
		exported, err := settingUint(tx, settingTransferExported)
		if err != nil {
			return err
		}
		if seq > exported {
			return &app.Error{Kind: app.Invalid, Code: app.CodeTransferUnknown, Args: map[string]string{"seq": strconv.FormatUint(seq, 10)}}
		}
		answered, err := settingUint(tx, settingTransferAnswered)
		if err != nil {
			return err
		}
		if seq <= answered {
			return &app.Error{
				Kind: app.Conflict,
				Code: app.CodeTransferRepeated,
				Args: map[string]string{"seq": strconv.FormatUint(seq, 10), "last": strconv.FormatUint(answered, 10)},
			}
		}
		ops, err = tx.OutboxAfter(0, 0)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.Acknowledge(ops, results); err != nil {
		return err
	}
	if err := s.ApplyPage(page); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error {
		if err := tx.PutSetting(settingTransferAnswered, []byte(strconv.FormatUint(seq, 10))); err != nil {
			return err
		}
		return tx.Audit(
			app.AuditEntry{
				User:   sess.User.Name,
				Action: "sync.import_answer",
				Detail: fmt.Sprintf("seq=%d results=%d changes=%d", seq, len(results), len(page.Changes)),
			},
		)
	})
}

func settingUint(tx Tx, name string) (uint64, error) {
	raw, ok, err := tx.Setting(name)
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(raw), 10, 64)
}

// coverRank orders the statuses of a cover: created, issued, confirmed.
func coverRank(s app.CoverStatus) int {
	switch s {
	case app.CoverIssued:
		return 1
	case app.CoverConfirmed:
		return 2
	}
	return 0
}

// errorDetail is the technical detail an error carries for an administrator: its "detail"
// argument, or its text.
func errorDetail(err error) string {
	var e *app.Error
	if errors.As(err, &e) && e.Args["detail"] != "" {
		return e.Args["detail"]
	}
	return err.Error()
}
