package central

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
	"bhxhdesk/refdata"
)

// OnlineCode is the device part of the codes of dossiers citizens declare online (public
// service 602e, "Đăng ký tham gia BHXH tự nguyện trên Cổng Dịch vụ công"): AGENCY-YYMMDD-TT0001.
// The centre claims it in each office it numbers online dossiers for, so no desk can.
const OnlineCode = "TT"

// onlineDevice is what Office.Codes holds for OnlineCode: the portal, not a desk.
const onlineDevice = "*online*"

// OnlineActor is the timeline's user of what the citizen did online.
const OnlineActor = "online"

// OnlineOffice is an office as the citizen's pages offer it: one that takes online dossiers.
type OnlineOffice struct {
	Agency string
	OfficeListing
}

// SetOfficeListing lists an office for citizens (its name, province, commune and whether it
// takes online declarations), as the province's administrator sets it: `centrald office`.
func (s *Service) SetOfficeListing(ctx context.Context, agency string, l OfficeListing) (Office, error) {
	// Office codes are kept in capitals, as enrolment keeps them (Enroll).
	agency = strings.ToUpper(strings.TrimSpace(agency))
	l.Name, l.Address = strings.TrimSpace(l.Name), strings.TrimSpace(l.Address)
	if !namePattern.MatchString(agency) || l.Name == "" || len(l.Name) > 200 || len(l.Address) > 300 || len(l.Province) != 2 ||
		!digitsOnly(l.Province) || len(l.Commune) != 5 || !digitsOnly(l.Commune) {
		return Office{}, &app.Error{Kind: app.Invalid, Code: app.CodeBadOfficeListing, Args: map[string]string{"office": clip(agency)}}
	}
	var o Office
	err := s.Store.Update(ctx, func(tx Tx) error {
		cur, ok, err := tx.Office(agency)
		if err != nil {
			return err
		}
		if !ok {
			cur = Office{Agency: agency, Created: s.now(ctx)}
		}
		cur.Name, cur.Province, cur.Listing = l.Name, l.Province, &l
		if l.Online {
			// The office's online dossiers are numbered with OnlineCode: claimed now, so that the
			// administrator, not a citizen, learns when a desk already uses it.
			devs, err := tx.DevicesOf(cur.Agency)
			if err != nil {
				return err
			}
			for _, d := range devs {
				if strings.EqualFold(d.Name, OnlineCode) && d.Revoked.IsZero() {
					return &app.Error{Kind: app.Conflict, Code: app.CodeOnlineCodeTaken, Field: "office",
						Args: map[string]string{"office": cur.Agency, "device": OnlineCode}}
				}
			}
			if err := claimOnlineCode(&cur); err != nil {
				return err
			}
		}
		o = cur
		return tx.PutOffice(cur)
	})
	return o, err
}

// claimOnlineCode reserves OnlineCode in an office's dossier codes for the portal.
func claimOnlineCode(o *Office) error {
	if holder, ok := o.Codes[OnlineCode]; ok && holder != onlineDevice {
		return &app.Error{Kind: app.Unavailable, Code: app.CodeOnlineCodeTaken, Field: "office",
			Args: map[string]string{"office": o.Agency, "device": OnlineCode}}
	}
	if o.Codes == nil {
		o.Codes = map[string]string{}
	}
	o.Codes[OnlineCode] = onlineDevice
	return nil
}

// OfficeListingOf is an office as it is listed for citizens (ok false when it is not).
func (s *Service) OfficeListingOf(ctx context.Context, agency string) (OfficeListing, bool, error) {
	var (
		l  OfficeListing
		ok bool
	)
	err := s.Store.View(ctx, func(tx Tx) error {
		o, found, err := tx.Office(strings.ToUpper(strings.TrimSpace(agency)))
		if err != nil || !found || o.Listing == nil {
			return err
		}
		l, ok = *o.Listing, true
		return nil
	})
	return l, ok, err
}

// OnlineOffices lists the offices that take online declarations, in agency order.
func (s *Service) OnlineOffices(ctx context.Context) ([]OnlineOffice, error) {
	var out []OnlineOffice
	err := s.Store.View(ctx, func(tx Tx) error {
		all, err := tx.Offices()
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.Listing != nil && o.Listing.Online {
				out = append(out, OnlineOffice{Agency: o.Agency, OfficeListing: *o.Listing})
			}
		}
		return nil
	})
	return out, err
}

// DeclareOnline receives a citizen's declaration (TK1-TS) for an office: the same validation,
// quote and duplicate rule as a desk's registration (the app domain, with the reference data in
// force), checked against every dossier the centre holds for the personal ID, numbered by the
// centre, received at the centre's time (the legal receipt time of an online dossier), planned
// on the office's workflow and calendar, and sent to every desk of the office as the office's
// record. The dossier returned is what the citizen's receipt prints.
//
// once is the form's one-time value: a declaration sent again with it (a reload, a double
// click) returns the dossier it made instead of making another; "" makes one each time.
func (s *Service) DeclareOnline(ctx context.Context, ref *refdata.Reference, val *app.Validator, office string,
	form app.RegistrationForm, once string,
) (app.Dossier, error) {
	reg, err := val.Validate(form)
	if err != nil {
		return app.Dossier{}, err
	}
	office = strings.ToUpper(strings.TrimSpace(office))
	now := s.now(ctx)
	quote, err := ref.Rules.Quote(app.QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(),
		LocalGroups: reg.LocalGroups, Paid: calendar.DateOf(now.In(calendar.VN)), Month: reg.StartMonth, Province: reg.Address.Province})
	if err != nil {
		return app.Dossier{}, err
	}
	form = reg.Form()
	d := app.Dossier{Office: office, Form: form, Quote: quote, Received: now, State: app.StateOpen, Handler: OnlineActor,
		Channel: app.ChannelOnline, Version: 1}
	err = s.Store.Update(ctx, func(tx Tx) error {
		o, ok, err := tx.Office(office)
		if err != nil {
			return err
		}
		if !ok || o.Listing == nil || !o.Listing.Online {
			return &app.Error{Kind: app.NotFound, Code: app.CodeOnlineOfficeUnknown, Field: "office", Args: map[string]string{"office": clip(office)}}
		}
		onceKey := ""
		if once != "" {
			h := sha256.Sum256([]byte(once))
			onceKey = "online-once/" + hex.EncodeToString(h[:16])
			if b, ok, err := tx.Meta(onceKey); err != nil {
				return err
			} else if ok {
				// Sent again: the dossier it made, when it is this person's.
				cur, found, err := tx.Dossier(string(b))
				if err != nil {
					return err
				}
				if found && cur.PersonalID == form.PersonalID {
					d, err = app.DossierPayload.Unmarshal(cur.Body)
					return err
				}
			}
		}
		province := o.Listing.Province
		wf := ref.Workflows.ForOffice(app.Office{Agency: o.Agency, Province: province, Workflow: app.WorkflowAdjustmentOf(o.Workflow)})
		plan, err := app.PlanSteps(ref.Calendars.For(province), wf.Steps, 0, now)
		if err != nil {
			return app.CalendarError(err)
		}
		d.Due, d.StepDue, d.Step, d.Workflow, d.Steps = plan.Due, plan.StepDue, wf.Steps[0].ID, app.WorkflowID(wf), wf.Steps
		if o.Codes[OnlineCode] != onlineDevice {
			if err := claimOnlineCode(&o); err != nil {
				return err
			}
			if err := tx.PutOffice(o); err != nil {
				return err
			}
		}
		day := now.In(calendar.VN).Format("060102")
		seq, err := nextMeta(tx, "online-seq/"+o.Agency+"/"+day)
		if err != nil {
			return err
		}
		if seq > 9999 {
			return app.Errorf(app.Unavailable, app.CodeDossierCodesExhausted)
		}
		d.Code = fmt.Sprintf("%s-%s-%s%04d", o.Agency, day, OnlineCode, seq)
		d.Timeline = []app.Event{{At: app.Stamp(now), User: OnlineActor, Action: app.ActReceive, ToStep: d.Step, Due: d.Due}}
		body, err := app.DossierPayload.Marshal(d)
		if err != nil {
			return err
		}
		if err := tx.PutDossier(Dossier{Code: d.Code, Office: o.Agency, PersonalID: form.PersonalID, Version: d.Version, Body: body,
			CentralReceived: now}); err != nil {
			return err
		}
		rec := app.IdentityRecord{Office: o.Agency, Dossier: d.Code, FullName: form.FullName, BirthDate: form.BirthDate, Gender: form.Gender}
		if _, err := s.linkPerson(tx, form.PersonalID, rec, now); err != nil {
			return err
		}
		// The same person in progress elsewhere (a walk-in, an earlier declaration): received
		// all the same — the page must not tell whoever typed a personal ID that its holder has a
		// dossier — and every office concerned is told, so a person keeps one; never merged.
		others, err := openDossiers(tx, form.PersonalID, d.Code)
		if err != nil {
			return err
		}
		if len(others) > 0 {
			if err := tellOfTwoOpenDossiers(tx, Dossier{Code: d.Code, Office: o.Agency, PersonalID: form.PersonalID}, others, now); err != nil {
				return err
			}
		}
		payload, err := json.Marshal(contract.OfficeRecordV1{Kind: "dossier", Record: body})
		if err != nil {
			return err
		}
		if onceKey != "" {
			if err := tx.PutMeta(onceKey, []byte(d.Code)); err != nil {
				return err
			}
		}
		// Every desk of the office takes it, as it takes a dossier another desk registered.
		return tx.AppendChange(o.Agency, contract.Change{Kind: app.ChangeOfficeRecord, Entity: d.Code, Payload: payload, At: now})
	})
	if err != nil {
		return app.Dossier{}, err
	}
	return d, nil
}

// openDossiers lists the dossiers of a personal ID still in progress, but except.
func openDossiers(tx Tx, pid, except string) ([]Dossier, error) {
	p, ok, err := tx.Person(pid)
	if err != nil || !ok {
		return nil, err
	}
	var out []Dossier
	for _, r := range p.Records {
		if r.Dossier == except {
			continue
		}
		cur, ok, err := tx.Dossier(r.Dossier)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		var st struct {
			State app.State `json:"state"`
		}
		if err := json.Unmarshal(cur.Body, &st); err != nil {
			return nil, err
		}
		if !st.State.Closed() {
			out = append(out, cur)
		}
	}
	return out, nil
}

// tellOfTwoOpenDossiers tells every office concerned that a person has two dossiers in progress
// (an online declaration and a walk-in at a desk that had not synced yet, or walk-ins at two
// offices): a person decides which to keep and rejects the other; nothing is merged.
func tellOfTwoOpenDossiers(tx Tx, d Dossier, others []Dossier, now time.Time) error {
	for _, o := range others {
		other := o.Code
		if o.Office != d.Office {
			other += " (" + o.Office + ")"
		}
		args := map[string]string{"code": d.Code, "other": other, "value": app.PersonalID(d.PersonalID).Masked()}
		payload, err := json.Marshal(contract.OpResult{Status: app.OpConflict, Reason: "duplicate_open_dossier", Args: args})
		if err != nil {
			return err
		}
		for _, office := range unique(d.Office, o.Office) {
			if err := tx.AppendChange(office, contract.Change{Kind: app.ChangeOpConflict, Entity: d.Code, Payload: payload, At: now}); err != nil {
				return err
			}
		}
	}
	return nil
}

func unique(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// nextMeta increments a counter of the centre's bookkeeping and returns its new value.
func nextMeta(tx Tx, name string) (int, error) {
	n := 0
	if b, ok, err := tx.Meta(name); err != nil {
		return 0, err
	} else if ok {
		if n, err = strconv.Atoi(string(b)); err != nil {
			return 0, fmt.Errorf("meta %s: %w", name, err)
		}
	}
	n++
	return n, tx.PutMeta(name, []byte(strconv.Itoa(n)))
}

// OnlineStatus is a dossier for the citizen's status page: found only when both the code and the
// personal ID match, and answered the same way (found false) when either does not, so that the
// page reveals nothing to someone who lacks both. The personal IDs are compared in constant time.
// fresh reads the primary database (a receipt asked for just after declaring), not a standby.
func (s *Service) OnlineStatus(ctx context.Context, code, pid string, fresh bool) (app.Dossier, bool, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	var (
		d     app.Dossier
		found bool
	)
	read := s.Store.View
	if fresh {
		read = s.Store.Update
	}
	err := read(ctx, func(tx Tx) error {
		cur, ok, err := tx.Dossier(code)
		if err != nil {
			return err
		}
		held := cur.PersonalID
		if !ok {
			held = "\x00" // compared all the same, never equal to a personal ID
		}
		a, b := sha256.Sum256([]byte(held)), sha256.Sum256([]byte(strings.TrimSpace(pid)))
		if subtle.ConstantTimeCompare(a[:], b[:]) != 1 || !ok {
			return nil
		}
		d, err = app.DossierPayload.Unmarshal(cur.Body)
		found = err == nil
		return err
	})
	return d, found, err
}

// RuleFiles are the reference-data files published to every office, the latest of each path:
// what the citizen's pages apply on top of the embedded data, as the desks do.
func (s *Service) RuleFiles(ctx context.Context) ([]app.RuleFile, error) {
	var out []app.RuleFile
	err := s.Store.View(ctx, func(tx Tx) error {
		byPath := map[string]int{}
		var after uint64
		for {
			chs, err := tx.Changes([]string{"*"}, after, 500, "")
			if err != nil {
				return err
			}
			for _, ch := range chs {
				after = ch.Seq
				if ch.Kind != app.ChangeRuleFile {
					continue
				}
				var f contract.RuleFileV1
				if err := json.Unmarshal(ch.Payload, &f); err != nil {
					return err
				}
				if i, ok := byPath[f.Path]; ok {
					out[i] = f
					continue
				}
				byPath[f.Path] = len(out)
				out = append(out, f)
			}
			if len(chs) < 500 {
				return nil
			}
		}
	})
	return out, err
}
