package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/contract"
)

// world is what the centre holds, as the bench made it: the offices, and for the offices whose
// digests are checked, every digest line the centre must hold for them.
type world struct {
	offices []string
	checked map[string]bool

	mu       sync.Mutex
	lines    map[string][]contract.DigestLine // by office, checked offices only
	unknown  map[string]bool                  // offices where a push's fate is not known
	feed     map[string][]string              // feed vouchers posted, by office, checked offices only
	dossiers map[string][]sentDossier         // dossiers the desks sent, by office, checked offices only
	next     int64                            // the next person number
	seeded   int64                            // people seeded (numbers 0 … seeded-1)
	working  int                              // the desks' offices are offices[:working]
}

// posted records a feed voucher the centre took for a person of office.
func (w *world) posted(office, id string) {
	if !w.checked[office] {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.feed == nil {
		w.feed = map[string][]string{}
	}
	w.feed[office] = append(w.feed[office], id)
	w.lines[office] = append(w.lines[office], contract.VoucherLine(id))
}

// sentDossier is a dossier a desk sent, which the office's other desks must receive.
type sentDossier struct{ desk, code string }

// sent records a dossier a desk of a checked office sent and the centre acknowledged.
func (w *world) sent(office, desk, code string) {
	if !w.checked[office] {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dossiers == nil {
		w.dossiers = map[string][]sentDossier{}
	}
	w.dossiers[office] = append(w.dossiers[office], sentDossier{desk, code})
}

// sentIn is the dossiers the desks of office sent.
func (w *world) sentIn(office string) []sentDossier {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dossiers[office]
}

// feedOf is the feed vouchers posted for office.
func (w *world) feedOf(office string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.feed[office]
}

// uncertain marks an office whose digest cannot be checked: a push there never got an answer.
func (w *world) uncertain(office string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.unknown == nil {
		w.unknown = map[string]bool{}
	}
	w.unknown[office] = true
}

// newWorld numbers max(offices, seedOffices) offices: people are seeded over all of them, the
// desks work in the first `offices` (w.working), and the first `checked` are checked.
func newWorld(offices, seedOffices, checked int) *world {
	w := &world{checked: map[string]bool{}, lines: map[string][]contract.DigestLine{}, working: offices}
	for i := range max(offices, seedOffices) {
		// Office codes as agencies are numbered: the province (2 digits) and a serial.
		o := fmt.Sprintf("%02d%03d", 1+i%63, 1+i/63)
		w.offices = append(w.offices, o)
		if i < checked {
			w.checked[o] = true
		}
	}
	return w
}

// personID is the 12-digit personal ID of person n: unique and valid in form, and scattered
// as real ones are (the province of birth registration, then digits no neighbour shares): a
// multiplier coprime with 10⁸ permutes the serials.
func personID(n int64) string {
	return fmt.Sprintf("%03d1%08d", 1+n%90, (n*2654435761)%100_000_000)
}

// expect records the digest lines a person registered and paid at an office brings.
func (w *world) expect(office, code, pid, voucher string, pe app.Period) {
	if !w.checked[office] {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines[office] = append(w.lines[office], contract.DossierLine(code, 1), contract.VoucherLine(voucher),
		app.PeriodDigestLine(pid, pe))
}

// nameOf is person n's full name: a family and middle name, and a given name spelled from n's
// digits, so every person's name is their own and a valid name.
func nameOf(n int64) string {
	given := []string{"An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Minh", "Ngọc", "Phúc"}
	name := "Nguyễn Thị"
	for {
		name += " " + given[n%10]
		if n /= 10; n == 0 {
			return name
		}
	}
}

// person is one citizen's registration and first payment, as a desk makes them.
type person struct {
	dossier app.Dossier
	voucher app.Voucher
	period  app.Period
}

var (
	benchMonth = app.MonthOf(2026, time.December)
	benchDay   = calendar.Of(2026, 12, 1)
)

// makePerson builds person n's registration at office under code.
func makePerson(n int64, office, code string, at time.Time) person {
	pid := personID(n)
	form := app.RegistrationForm{FullName: nameOf(n), Gender: "female", BirthDate: "1990-05-17",
		Nationality: "VN", Ethnicity: "01", PersonalID: pid, Phone: "0912345678",
		BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"},
		Address:           app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 1 phố Đội Cấn"},
		Income:            "2200000", Method: "monthly", StartMonth: benchMonth.String(), SupportGroup: "other"}
	quote := app.Quote{Method: "monthly", Months: 1, FromMonth: benchMonth, ToMonth: benchMonth, Income: 2200000, MonthlyGross: 484000,
		Gross: 484000, Group: app.Other, SupportShare: 1000, SupportMonths: 1, MonthlySupport: 48400, StateSupport: 48400,
		Payable: 435600, Deadline: calendar.Of(2026, 12, 31), PovertyLine: 2200000, Floor: 2200000, Ceiling: 50600000,
		Rules:    []app.Version{{Table: "poverty_line", From: app.MonthOf(2022, 1), Source: "Nghị định 07/2021/NĐ-CP", Status: "confirmed"}},
		Warnings: []string{}}
	d := app.Dossier{Code: code, Office: office, Form: form, Quote: quote, Received: at, Due: calendar.Of(2026, 12, 8),
		StepDue: calendar.Of(2026, 12, 3), State: app.StateOpen, Step: "check", Workflow: "default@2025-07-01", Handler: "motcua",
		Timeline: []app.Event{{At: at, User: "motcua", Action: app.ActReceive, ToStep: "check", Due: calendar.Of(2026, 12, 8)}}, Version: 1}
	v := app.Voucher{ID: app.NewUUIDv7(at), Kind: app.KindPayment, ReceiptNo: fmt.Sprintf("BL-%d", n), PersonalID: pid,
		FullName: form.FullName, Amount: 435600, PaidOn: benchDay, FromMonth: benchMonth, Months: 1, Source: app.SourceDesk,
		Created: at, By: "canbo"}
	pe := app.Period{From: benchMonth, To: benchMonth, Method: "monthly", Income: 2200000, Rate: 2200, Gross: 484000,
		StateSupport: 48400, Paid: 435600, SupportMonths: 1, Voucher: v.ID, ReceiptNo: v.ReceiptNo, PaidOn: benchDay, Recorded: at}
	return person{dossier: d, voucher: v, period: pe}
}

// seed writes n people, spread over the offices, straight into the store in transactions of
// chunk people, as the centre would hold them after their desks had synced.
func seed(ctx context.Context, store central.Store, w *world, n int, progress func(done int)) error {
	const chunk = 500
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, calendar.VN)
	if ps, ok := store.(*central.PostgresStore); ok {
		return bulkSeed(ctx, ps, w, n, at, progress)
	}
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		var people []person
		err := store.Update(ctx, func(tx central.Tx) error {
			people = people[:0]
			for i := start; i < end; i++ {
				office := w.offices[i%len(w.offices)]
				p := makePerson(int64(i), office, fmt.Sprintf("%s-261102-S%06d", office, i), at)
				if err := putPerson(tx, p, at); err != nil {
					return err
				}
				people = append(people, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range people {
			w.expect(p.dossier.Office, p.dossier.Code, p.dossier.Form.PersonalID, p.voucher.ID, p.period)
		}
		if progress != nil {
			progress(end)
		}
	}
	w.next, w.seeded = int64(n), int64(n)
	return nil
}

// putPerson writes a person's records as the centre keeps them.
func putPerson(tx central.Tx, p person, at time.Time) error {
	d, err := centralDossier(p.dossier, at)
	if err != nil {
		return err
	}
	if err := tx.PutDossier(d); err != nil {
		return err
	}
	if err := tx.PutPerson(centralPerson(p)); err != nil {
		return err
	}
	v, err := centralVoucher(p, at)
	if err != nil {
		return err
	}
	return tx.PutVoucher(v)
}

func centralDossier(d app.Dossier, at time.Time) (central.Dossier, error) {
	body, err := app.DossierPayload.Marshal(d)
	return central.Dossier{Code: d.Code, Office: d.Office, PersonalID: d.Form.PersonalID, Version: 1, Body: body,
		CentralReceived: at}, err
}

func centralPerson(p person) central.Person {
	d := p.dossier
	rec := app.IdentityRecord{Office: d.Office, Dossier: d.Code, FullName: d.Form.FullName, BirthDate: d.Form.BirthDate, Gender: d.Form.Gender}
	return central.Person{PersonalID: d.Form.PersonalID, Identity: rec, Records: []app.IdentityRecord{rec},
		Offices: []string{d.Office}, Periods: []app.Period{p.period}, Version: 1}
}

func centralVoucher(p person, at time.Time) (central.Voucher, error) {
	vb, err := app.VoucherPayload.Marshal(p.voucher)
	return central.Voucher{ID: p.voucher.ID, PersonalID: p.voucher.PersonalID, Office: p.dossier.Office,
		Source: string(app.SourceDesk), Body: json.RawMessage(vb), Received: at}, err
}

// bulkSeed seeds a PostgreSQL centre with COPY (PostgresStore.BulkLoad), as a province's
// existing participants would be brought in: the same records putPerson writes.
func bulkSeed(ctx context.Context, store *central.PostgresStore, w *world, n int, at time.Time, progress func(done int)) error {
	const chunk = 20_000
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		var recs central.Records
		for i := start; i < end; i++ {
			office := w.offices[i%len(w.offices)]
			p := makePerson(int64(i), office, fmt.Sprintf("%s-261102-S%06d", office, i), at)
			d, err := centralDossier(p.dossier, at)
			if err != nil {
				return err
			}
			v, err := centralVoucher(p, at)
			if err != nil {
				return err
			}
			recs.Dossiers = append(recs.Dossiers, d)
			recs.Persons = append(recs.Persons, centralPerson(p))
			recs.Vouchers = append(recs.Vouchers, v)
			w.expect(office, p.dossier.Code, p.dossier.Form.PersonalID, p.voucher.ID, p.period)
		}
		if err := store.BulkLoad(ctx, recs); err != nil {
			return err
		}
		if progress != nil {
			progress(end)
		}
	}
	w.next, w.seeded = int64(n), int64(n)
	return nil
}
