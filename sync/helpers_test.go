package sync_test

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

var ref = assets.MustLoad()

// clock is a settable clock shared by an office's store and services.
type clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time                  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration)             { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func vn(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, calendar.VN) }

const pass = "mật khẩu đủ dài 12"

var cheapKDF = storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}

// office is one district office's desk in a temp dir, with an account of each role.
type office struct {
	*desk.Desk
	cfg                      storage.Config
	clock                    *clock
	helpdesk, officer, super *app.Session
	agency                   string
	token                    string
}

func newOffice(t testing.TB, agency, province, commune, device string) *office {
	t.Helper()
	clk := &clock{t: vn(2026, 1, 5, 8)}
	cfg := storage.Config{Dir: t.TempDir(), KDF: cheapKDF, Now: clk.now, CacheMB: 16}
	d, _, err := desk.Init(cfg, ref, app.Office{Agency: agency, Name: "BHXH " + agency, Province: province, Commune: commune, Device: device},
		app.User{Name: "admin"}, pass)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	admin, err := d.Intake.Login("admin", pass)
	require.NoError(t, err)
	for _, u := range []app.User{{Name: "motcua", Role: app.Helpdesk}, {Name: "canbo", Role: app.Officer}, {Name: "truongphong",
		Role: app.Supervisor}} {
		require.NoError(t, d.Intake.AddUser(admin, u, pass))
	}
	o := &office{Desk: d, cfg: cfg, clock: clk, agency: agency}
	o.helpdesk, o.officer, o.super = o.login(t, "motcua"), o.login(t, "canbo"), o.login(t, "truongphong")
	return o
}

func (o *office) login(t testing.TB, user string) *app.Session {
	t.Helper()
	s, err := o.Intake.Login(user, pass)
	require.NoError(t, err)
	s.Idle = -1
	return s
}

// register registers n fake people from a seed and returns their dossiers.
func (o *office) register(t testing.TB, seed uint64, n int) []app.Dossier {
	t.Helper()
	g := fake.New(seed, ref.Places)
	var out []app.Dossier
	for len(out) < n {
		res, err := o.Intake.Register(o.helpdesk, intake.RegisterRequest{Form: g.Form(), NotDuplicate: true})
		if app.KindOf(err) == app.Conflict { // the generator repeated a personal ID
			continue
		}
		require.NoError(t, err)
		out = append(out, res.Dossier)
	}
	return out
}

// centre is a reference central server on loopback.
type centre struct{ *centraltest.Centre }

func newCentre(t testing.TB, wrap func(h httpHandler) httpHandler) *centre {
	t.Helper()
	return &centre{centraltest.Start(t, centraltest.Options{Wrap: wrap})}
}

// enrol gives an office a device token and stores the central URL at the office.
func (c *centre) enrol(t testing.TB, o *office, url string) {
	t.Helper()
	tok := c.Enroll(t, o.agency, "DESK-"+o.agency)
	o.token = tok
	admin := o.login(t, "admin")
	require.NoError(t, o.Sync.SetCentral(admin, url, tok))
}

// engine is an office's engine against a URL with a short request timeout.
func (o *office) engine(t testing.TB, url string, batch int, timeout time.Duration) *sync.Engine {
	t.Helper()
	c, err := central.NewClient(central.ClientConfig{BaseURL: url, Token: o.token, Timeout: timeout})
	require.NoError(t, err)
	return &sync.Engine{Local: o.Sync, Remote: func() (sync.Remote, error) { return c, nil }, Batch: batch, PageSize: 100}
}

// converge runs rounds until one succeeds with nothing pending; only transient failures are
// expected on the way. Safe to call from several goroutines.
func converge(e *sync.Engine, max int) (rounds, failures int, err error) {
	for i := 0; i < max; i++ {
		rep, err := e.Round(context.Background())
		rounds++
		if err == nil && rep.Pending == 0 {
			return rounds, failures, nil
		}
		if err != nil {
			if app.KindOf(err) != app.Transient {
				return rounds, failures, fmt.Errorf("round %d: %w", rounds, err)
			}
			failures++
		}
	}
	return rounds, failures, fmt.Errorf("no convergence after %d rounds", max)
}

// centralOps counts the operations the centre stored, by device.
func (c *centre) ops(t testing.TB) map[string]map[string]int {
	t.Helper()
	return centraltest.StoredOps(t, c.Store)
}

func (c *centre) dossiers(t testing.TB) map[string]central.Dossier {
	t.Helper()
	return centraltest.Dossiers(t, c.Store)
}
