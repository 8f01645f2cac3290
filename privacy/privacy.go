package privacy

import (
	"crypto/rand"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/internal/envelope"

	"golang.org/x/crypto/argon2"
)

// Service carries out the office's duties for personal data (DOMAIN §9; Law 91/2025/QH15 and
// Decree 356/2025/NĐ-CP): the access log of who saw or changed a person's data, the export of
// one person's data on request, the purge of closed dossiers after the retention period, and
// the report of what this machine holds should it be lost (to notify within 72 hours).
type Service struct {
	Store Store
	// Now is the clock; time.Now when nil.
	Now app.Clock
}

// AccessLog lists every audit entry about one person — views, changes, prints, exports — in
// order (administrators and supervisors). The lookup records itself.
func (p *Service) AccessLog(sess *app.Session, pid string) ([]app.AuditEntry, error) {
	if err := sess.Require(app.PermAudit); err != nil {
		return nil, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	out, err := p.accesses(pid)
	if err != nil {
		return nil, err
	}
	err = p.Store.Update(func(tx Tx) error {
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "audit.access_log", Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return out, err
}

// accesses are the audit entries about a person (by the keyed reference, never the number).
func (p *Service) accesses(pid string) ([]app.AuditEntry, error) {
	ref := p.Store.PersonRef(pid)
	all, err := p.Store.AuditEntries(0)
	if err != nil {
		return nil, err
	}
	var out []app.AuditEntry
	for _, e := range all {
		if e.Person == ref {
			out = append(out, e)
		}
	}
	return out, nil
}

// PersonExport is everything the office holds about one person, for a request to see one's
// own data.
type PersonExport struct {
	Generated   time.Time         `json:"generated"`
	Office      app.Office        `json:"office"`
	PersonalID  string            `json:"personal_id"`
	Participant *app.Participant  `json:"participant,omitempty"`
	Dossiers    []app.Dossier     `json:"dossiers"`
	Vouchers    []app.VoucherView `json:"vouchers"`
	Cover       *app.BookCover    `json:"cover,omitempty"`
	Access      []app.AuditEntry  `json:"access"` // who saw or changed the data, when
}

// ExportPerson gathers one person's data (administrators and supervisors); the export is
// recorded in the audit log.
func (p *Service) ExportPerson(sess *app.Session, pid string) (PersonExport, error) {
	out := PersonExport{Generated: p.Now.Time(), Dossiers: []app.Dossier{}, Vouchers: []app.VoucherView{}}
	if err := sess.Require(app.PermAudit); err != nil {
		return out, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	access, err := p.accesses(pid)
	if err != nil {
		return out, err
	}
	out.PersonalID, out.Access = pid, access
	err = p.Store.Update(func(tx Tx) error {
		o, _, err := tx.Office()
		if err != nil {
			return err
		}
		out.Office = o
		if part, ok, err := tx.Participant(pid); err != nil {
			return err
		} else if ok {
			out.Participant = &part
		}
		sums, err := tx.ByPersonalID(pid)
		if err != nil {
			return err
		}
		for _, s := range sums {
			d, ok, err := tx.Dossier(s.Code)
			if err != nil {
				return err
			}
			if ok {
				out.Dossiers = append(out.Dossiers, d)
			}
		}
		if out.Vouchers, err = tx.VouchersOf(pid); err != nil {
			return err
		}
		if c, ok, err := tx.Cover(pid); err != nil {
			return err
		} else if ok {
			out.Cover = &c
		}
		if out.Participant == nil && len(out.Dossiers) == 0 && len(out.Vouchers) == 0 {
			return &app.Error{
				Kind:  app.NotFound,
				Code:  app.CodePersonNotFound,
				Field: "personal_id",
				Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
			}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "person.export", Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return out, err
}

// Exported files are never written in the clear: SealExport encrypts with a password the
// officer gives the citizen separately (argon2id, then AES-256-GCM).
const exportMagic = "BHXHEXP1"

// SealExport encrypts data under a password of at least 10 characters.
func SealExport(data []byte, password string) ([]byte, error) {
	if len([]rune(password)) < 10 {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodePasswordWeak, Field: "password"}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	k, err := exportKey(password, salt)
	if err != nil {
		return nil, err
	}
	return k.Seal(append([]byte(exportMagic), salt...), data, []byte(exportMagic))
}

// OpenExport decrypts a file made by SealExport.
func OpenExport(file []byte, password string) ([]byte, error) {
	if len(file) < len(exportMagic)+16+envelope.Overhead || string(file[:len(exportMagic)]) != exportMagic {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeExportDamaged}
	}
	salt := file[len(exportMagic) : len(exportMagic)+16]
	k, err := exportKey(password, salt)
	if err != nil {
		return nil, err
	}
	plain, err := k.Open(file[len(exportMagic)+16:], []byte(exportMagic))
	if err != nil {
		return nil, &app.Error{Kind: app.Forbidden, Code: app.CodeBadCredentials}
	}
	return plain, nil
}

func exportKey(password string, salt []byte) (*envelope.Key, error) {
	return envelope.New(argon2.IDKey([]byte(password), salt, 3, 64*1024, 2, envelope.KeySize))
}

// PurgeResult says which closed dossiers had their personal data removed, and how many closed
// ones were kept because the centre has not confirmed them or they are too recent.
type PurgeResult struct {
	Purged      []string `json:"purged"`
	Unconfirmed int      `json:"unconfirmed"` // closed, but not yet confirmed by the centre
	Recent      int      `json:"recent"`      // closed and confirmed, within the retention period
	DryRun      bool     `json:"dry_run"`
}

// BreachReport is what this machine holds, for the report due within 72 hours of its loss:
// the kinds of personal data and of how many people, what exists only here (not synced), the
// accounts, and who accessed what since a date.
type BreachReport struct {
	Generated   time.Time         `json:"generated"`
	Office      app.Office        `json:"office"`
	Since       time.Time         `json:"since"`
	Dossiers    map[app.State]int `json:"dossiers"`
	People      int               `json:"people"`   // distinct personal IDs with data on this machine
	Purged      int               `json:"purged"`   // dossiers whose personal data was already removed
	Vouchers    int               `json:"vouchers"` // payment vouchers
	Covers      int               `json:"covers"`
	Unsynced    int               `json:"unsynced"` // operations never sent: this data exists only here
	LastSync    time.Time         `json:"last_sync,omitzero"`
	Categories  []string          `json:"categories"` // kinds of personal data held
	Accounts    []AccountUse      `json:"accounts"`
	Accesses    map[string]int    `json:"accesses"`      // since Since: action → count
	PeopleSeen  int               `json:"people_viewed"` // distinct people whose data was viewed or printed since Since
	Exports     []app.AuditEntry  `json:"exports"`       // person exports, backups and transfer files since Since
	AuditIntact bool              `json:"audit_intact"`
}

// AccountUse is an account and its last activity.
type AccountUse struct {
	User     string    `json:"user"`
	Role     app.Role  `json:"role"`
	Disabled bool      `json:"disabled,omitempty"`
	Last     time.Time `json:"last,omitzero"`
	Actions  int       `json:"actions_since"`
}

// Report builds the breach report (administrators and supervisors).
func (p *Service) Report(sess *app.Session, since time.Time) (BreachReport, error) {
	r := BreachReport{Generated: p.Now.Time(), Since: since, Accesses: map[string]int{}, Exports: []app.AuditEntry{},
		Categories: []string{"personal_id", "full_name", "birth_date", "gender", "ethnicity", "phone", "email", "address",
			"birth_registration", "support_group (poverty status)", "income", "payments", "book_cover"}}
	if err := sess.Require(app.PermAudit); err != nil {
		return r, err
	}
	rep, err := p.Store.VerifyAudit()
	if err != nil {
		return r, err
	}
	r.AuditIntact = rep.OK
	err = p.Store.View(func(tx Tx) error {
		var err error
		if r.Office, _, err = tx.Office(); err != nil {
			return err
		}
		if r.Dossiers, err = tx.Counts(); err != nil {
			return err
		}
		if r.Unsynced, err = tx.PendingOps(); err != nil {
			return err
		}
		if r.LastSync, err = app.LastSync(tx); err != nil {
			return err
		}
		lines, err := tx.DigestLines()
		if err != nil {
			return err
		}
		for _, l := range lines {
			switch strings.SplitN(string(l), " ", 2)[0] {
			case "voucher":
				r.Vouchers++
			case "cover":
				r.Covers++
			}
		}
		people, purged, err := tx.PeopleHeld()
		r.People, r.Purged = people, purged
		if err != nil {
			return err
		}
		users, err := tx.Users()
		for _, u := range users {
			r.Accounts = append(r.Accounts, AccountUse{User: u.Name, Role: u.Role, Disabled: u.Disabled})
		}
		return err
	})
	if err != nil {
		return r, err
	}
	entries, err := p.Store.AuditEntries(0)
	if err != nil {
		return r, err
	}
	idx := map[string]int{}
	for i, a := range r.Accounts {
		idx[a.User] = i
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if i, ok := idx[e.User]; ok && e.At.After(r.Accounts[i].Last) {
			r.Accounts[i].Last = e.At
		}
		if e.At.Before(since) {
			continue
		}
		r.Accesses[e.Action]++
		if i, ok := idx[e.User]; ok {
			r.Accounts[i].Actions++
		}
		if e.Person != "" &&
			(strings.HasSuffix(e.Action, ".view") || strings.HasSuffix(e.Action, ".print") || strings.HasSuffix(e.Action, ".receipt")) {
			seen[e.Person] = true
		}
		switch e.Action {
		case "person.export", "store.backup", "sync.export":
			r.Exports = append(r.Exports, e)
		}
	}
	r.PeopleSeen = len(seen)
	sort.Slice(r.Accounts, func(i, j int) bool { return r.Accounts[i].User < r.Accounts[j].User })
	err = p.Store.Update(func(tx Tx) error {
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "audit.report", Detail: "since=" + since.Format(time.RFC3339)})
	})
	return r, err
}

// MarshalExport is the JSON of an export, indented for a person to read.
func MarshalExport(e PersonExport) ([]byte, error) { return json.MarshalIndent(e, "", "  ") }

// Purge removes the personal data of closed dossiers (returned or rejected) that the centre
// has confirmed and that closed before the cutoff: the dossier keeps its code, state and
// dates, and a SHA-256 of what was removed, which the audit log records too. Administrators
// only; a dry run says what would go.
func (p *Service) Purge(sess *app.Session, cutoff time.Time, dryRun bool) (PurgeResult, error) {
	res := PurgeResult{Purged: []string{}, DryRun: dryRun}
	if err := sess.Require(app.PermManageUsers); err != nil {
		return res, err
	}
	var candidates []string
	err := p.Store.View(func(tx Tx) error {
		pending := map[string]bool{}
		ops, err := tx.OutboxAfter(0, 0)
		if err != nil {
			return err
		}
		for _, op := range ops {
			pending[op.EntityID] = true
		}
		for _, st := range []app.State{app.StateDone, app.StateRejected} {
			codes, err := tx.DossiersInState(st)
			if err != nil {
				return err
			}
			for _, code := range codes {
				d, ok, err := tx.Dossier(code)
				if err != nil {
					return err
				}
				if !ok || d.Purged != nil {
					continue
				}
				es, known, err := tx.EntitySync(code)
				if err != nil {
					return err
				}
				if pending[code] || !known || (es.Status != app.OpApplied && es.Status != app.OpDuplicate) {
					res.Unconfirmed++
					continue
				}
				if d.ClosedAt().After(cutoff) {
					res.Recent++
					continue
				}
				candidates = append(candidates, code)
			}
		}
		return nil
	})
	if err != nil || dryRun {
		res.Purged = append(res.Purged, candidates...)
		return res, err
	}
	now := p.Now.Time()
	for start := 0; start < len(candidates); start += 100 {
		part := candidates[start:min(start+100, len(candidates))]
		var done []string
		err := p.Store.Update(func(tx Tx) error {
			done = done[:0]
			for _, code := range part {
				d, ok, err := tx.Dossier(code)
				if err != nil {
					return err
				}
				if !ok || d.Purged != nil { // gone or purged since the candidates were listed
					continue
				}
				hash, err := tx.PurgeDossier(&d, now)
				if err != nil {
					return err
				}
				if err := tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.purge", Entity: code, Detail: "sha256=" + hash,
					PersonalID: d.Form.PersonalID}); err != nil {
					return err
				}
				done = append(done, code)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Purged = append(res.Purged, done...)
	}
	return res, nil
}
