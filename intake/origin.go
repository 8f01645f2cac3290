package intake

import (
	"crypto/sha256"
	"strings"

	"bhxhdesk/app"
)

// NoteOrigin notices a store opened on another machine or in another folder than before — a
// data folder copied (or moved) — and gives this copy its own device code, so that it and the
// folder it came from never hand out the same dossier code (the centre would take only the
// first of two citizens' dossiers under one code). The change is audited and left as a notice
// for the administrator. A store of an earlier version only records where it is. here names
// the machine and the folder (desk.origin).
func (s *Service) NoteOrigin(here string) (bool, error) {
	moved := false
	err := s.Store.Update(func(tx Tx) error {
		was, ok, err := tx.Setting(app.SettingOrigin)
		if err != nil || (ok && string(was) == here) {
			return err
		}
		if ok {
			o, _, err := tx.Office()
			if err != nil {
				return err
			}
			prev := o.Device
			o.Device = copyDevice(prev, here)
			if err := tx.PutOffice(o); err != nil {
				return err
			}
			from, _, _ := strings.Cut(string(was), "\n")
			if err := tx.PutNotice(app.Notice{ID: "device-moved:" + o.Device, Kind: "device_moved", Entity: o.Device, Reason: "device_moved",
				Args: map[string]string{"from": prev, "to": o.Device, "host": from}, Created: s.Now.Time()}); err != nil {
				return err
			}
			if err := tx.Audit(app.AuditEntry{User: "system", Action: "store.moved", Detail: "device " + prev + "→" + o.Device}); err != nil {
				return err
			}
			moved = true
		}
		return tx.PutSetting(app.SettingOrigin, []byte(here))
	})
	return moved, err
}

// copyDevice is a copy's device code: the code with one more character drawn from where the
// copy is ("K7" → "K7M"), or its last one replaced when there is no room. A restore's "R" is
// never drawn.
func copyDevice(code, where string) string {
	const alphabet = "ABCDEFGHJKLMNPQSTUVWXYZ"
	h := sha256.Sum256([]byte(where))
	c := string(alphabet[int(h[0])%len(alphabet)])
	if len(code) < 4 {
		return code + c
	}
	if code[len(code)-1:] == c {
		c = string(alphabet[(int(h[0])+1)%len(alphabet)])
	}
	return code[:len(code)-1] + c
}
