package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	gosync "sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// realDesk is a desk as an office runs it — the encrypted Badger store, the intake service,
// the sync engine — in an office of the bench's own (two desks an office), so its digest can
// be compared end to end with the centre's: the simulated desks speak the protocol, these keep
// what they receive.
type realDesk struct {
	*desk.Desk
	office, name string
	helpdesk     *app.Session
	engine       *sync.Engine
	gen          *fake.Generator
	registered   []app.RegistrationForm // people registered, not yet sent a feed voucher
}

const realPassword = "mật khẩu đủ dài 12"

// newRealDesks makes n desk stores under dir, enrolled with the centre; desk i uses replica
// (i + round) mod R, so a round after a replica died goes to another.
func newRealDesks(ctx context.Context, svc *central.Service, urls []string, dir string, n int) ([]*realDesk, error) {
	ref, err := assets.Load()
	if err != nil {
		return nil, err
	}
	var out []*realDesk
	for i := range n {
		office := fmt.Sprintf("99%03d", 1+i/2)
		name := fmt.Sprintf("R%d", i)
		cfg := storage.Config{Dir: fmt.Sprintf("%s/desk-%d", dir, i), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
		d, _, err := desk.Init(cfg, ref, app.Office{Agency: office, Name: "BHXH " + office, Province: "01", Commune: "00004", Device: name},
			app.User{Name: "admin"}, realPassword)
		if err != nil {
			return nil, fmt.Errorf("desk %s: %w", name, err)
		}
		rd := &realDesk{Desk: d, office: office, name: name, gen: fake.New(uint64(1000+i), ref.Places)}
		rd.gen.StartMonth = app.MonthOf(time.Now().Year(), time.Now().Month()).String()
		out = append(out, rd)
		admin, err := d.Intake.Login("admin", realPassword)
		if err != nil {
			return out, err
		}
		if err := d.Intake.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, realPassword); err != nil {
			return out, err
		}
		if rd.helpdesk, err = d.Intake.Login("motcua", realPassword); err != nil {
			return out, err
		}
		rd.helpdesk.Idle = -1
		_, tok, err := svc.Enroll(ctx, office, name, central.RoleDesk)
		if err != nil {
			return out, err
		}
		if err := d.Sync.SetCentral(admin, urls[i%len(urls)], tok); err != nil {
			return out, err
		}
		var clients []*central.Client
		for _, u := range urls {
			c, err := central.NewClient(central.ClientConfig{BaseURL: u, Token: tok, Timeout: time.Minute})
			if err != nil {
				return out, err
			}
			clients = append(clients, c)
		}
		var round int
		var mu gosync.Mutex
		rd.engine = &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) {
			mu.Lock()
			defer mu.Unlock()
			round++
			return clients[(i+round)%len(clients)], nil
		}}
	}
	return out, nil
}

// work registers a few walk-ins a round and syncs, until the deadline; after each round that
// synced, the accounting feed posts a voucher for each person the round sent.
func (rd *realDesk) work(ctx context.Context, svc *central.Service, w *world, deadline time.Time, think time.Duration, perRound int,
	patience time.Time,
) {
	for time.Now().Before(deadline) && ctx.Err() == nil {
		for range perRound {
			form := rd.gen.Form()
			res, err := rd.Intake.Register(rd.helpdesk, intake.RegisterRequest{Form: form, NotDuplicate: true})
			if err != nil {
				continue // the generator repeated a personal ID, or the form was refused: the next walk-in
			}
			rd.registered = append(rd.registered, res.Dossier.Form)
		}
		if _, err := rd.engine.Round(ctx); err == nil {
			for _, f := range rd.registered {
				in := app.VoucherInput{ID: app.NewUUIDv7(time.Now()), ReceiptNo: "TT-" + f.PersonalID, PersonalID: f.PersonalID, FullName: f.FullName,
					Amount: "435600", PaidOn: time.Now().Format(time.DateOnly), FromMonth: app.MonthOf(time.Now().Year(), time.Now().Month()).String(),
					Months: 1, Collector: "Đại lý thu 01"}
				if err := postUntil(ctx, svc, in, patience); err != nil {
					w.uncertain(rd.office) // the feed's fate unknown: this office's digest is not compared
				}
			}
			rd.registered = rd.registered[:0]
		}
		if think > 0 {
			sleepCtx(ctx, min(time.Duration(rand.Int64N(int64(think))), time.Until(deadline)))
		}
	}
}

// settle syncs until the desk has sent everything and pulled to the end (two quiet rounds in
// a row, so the other desk's last changes are in), then compares its digest with the centre's.
func (rd *realDesk) settle(ctx context.Context, until time.Time) (bool, error) {
	quiet := 0
	for quiet < 2 {
		rep, err := rd.engine.Round(ctx)
		switch {
		case err == nil && rep.Pending == 0 && rep.Pulled == 0:
			quiet++
		case err != nil && app.KindOf(err) != app.Transient:
			return false, err
		default:
			quiet = 0
		}
		if time.Now().After(until) {
			return false, fmt.Errorf("desk %s: not settled: %v", rd.name, err)
		}
		if err != nil {
			time.Sleep(time.Second)
		}
	}
	mine, n, err := rd.Sync.Digest()
	if err != nil {
		return false, err
	}
	r, err := rd.engine.Remote()
	if err != nil {
		return false, err
	}
	theirs, m, err := r.(*central.Client).Digest(ctx)
	if err != nil {
		return false, err
	}
	if mine != theirs {
		fmt.Fprintf(os.Stderr, "centralbench: real desk %s (office %s): digest %s (%d lines), the centre's %s (%d lines)\n",
			rd.name, rd.office, mine, n, theirs, m)
	}
	return mine == theirs, nil
}
