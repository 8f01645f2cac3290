package officesync

import (
	"encoding/json"
	"fmt"
	"strconv"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/records"
)

// Service is the office side of synchronisation with the central intake and records services:
// it hands the engine the outbox in order, stores the centre's acknowledgements (an operation
// leaves the outbox only in the transaction that stores its acknowledgement), applies pulled
// changes through the same logic as local work (a voucher from the accounting feed is matched
// like one typed at the desk) and keeps what a person must decide as notices.
type Service struct {
	Store   Store
	Records *records.Service
	// Files writes a reference-data file pulled from the centre (rule tables, calendars,
	// workflows, trusted keys) under the desk's rules folder; nil drops such changes. An
	// Invalid error refuses the file (it would make the desk's reference data inconsistent):
	// the page is applied without it and a notice tells a person.
	Files func(path string, data []byte) error
	// FilesApplied is called after a page that wrote reference-data files is committed: the
	// desk loads them, so the next quote uses them.
	FilesApplied func()
	// Now is the clock; time.Now when nil.
	Now app.Clock
}

// keptAnchors is how many acknowledged heads the desk keeps.
const keptAnchors = 50

// AuditChain is the store's audit chain, when the store offers it for anchoring.
func (s *Service) AuditChain() (app.AuditChain, bool) {
	c, ok := app.ChainOf(s.Store)
	return c, ok
}

// Anchors are the audit heads the centre acknowledged, oldest first.
func (s *Service) Anchors() ([]contract.AuditAnchor, error) {
	var out []contract.AuditAnchor
	err := s.Store.View(func(tx Tx) (err error) { out, err = app.Anchors(tx); return err })
	return out, err
}

// KeepAnchor records a head the centre acknowledged.
func (s *Service) KeepAnchor(a contract.AuditAnchor) error {
	return s.Store.Update(func(tx Tx) error {
		var list []contract.AuditAnchor
		if raw, ok, err := tx.Setting(app.SettingAnchors); err != nil {
			return err
		} else if ok {
			if err := json.Unmarshal(raw, &list); err != nil {
				list = nil // a damaged list is replaced; the centre keeps its own
			}
		}
		if n := len(list); n > 0 && list[n-1].Seq == a.Seq && list[n-1].Hash == a.Hash {
			return nil
		}
		list = append(list, a)
		if len(list) > keptAnchors {
			list = list[len(list)-keptAnchors:]
		}
		raw, err := json.Marshal(list)
		if err != nil {
			return err
		}
		return tx.PutSetting(app.SettingAnchors, raw)
	})
}

// AnchorRefused records that the centre found the audit chain cut or rewritten behind the
// head it holds: a notice for the office's supervisor, once per reason and anchor.
func (s *Service) AnchorRefused(ans contract.AnchorAnswer) error {
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		id := fmt.Sprintf("audit:%s:%d", ans.Reason, ans.Last.Seq)
		if _, ok, err := tx.Notice(id); err != nil || ok {
			return err
		}
		return tx.PutNotice(app.Notice{ID: id, Kind: "audit_broken", Entity: "audit", Reason: ans.Reason,
			Args: map[string]string{"seq": strconv.FormatUint(ans.Last.Seq, 10)}, Created: now})
	})
}
