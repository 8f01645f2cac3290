package ui_test

import (
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/storage"
	"bhxhdesk/ui"
)

const password = "mật khẩu dài 12"

var testOffice = app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}

// clock is a settable clock shared by the store, the services and the screens.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// storeDesk is a desk over a real office store in a temp dir.
type storeDesk struct {
	*ui.Desk
	office *desk.Office
	clock  *clock
	win    fyne.Window
	saved  []string // files the receipt was written to
	dir    string

	mu     sync.Mutex
	paints []func() // handed to the UI thread by background work
}

// Wait lets the background work finish and runs what it paints on this goroutine, the test's
// UI thread, until nothing is left (painting may start more work).
func (d *storeDesk) Wait() {
	for {
		d.Desk.Wait()
		d.mu.Lock()
		paints := d.paints
		d.paints = nil
		d.mu.Unlock()
		if len(paints) == 0 {
			return
		}
		for _, p := range paints {
			p()
		}
	}
}

// newOffice returns an office store in a temp dir whose clock starts on Monday 2026-01-05 at
// 08:00 in Vietnam (cheap argon2id).
func newOffice(t *testing.T) (*desk.Office, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN)}
	cfg := storage.Config{Dir: filepath.Join(t.TempDir(), "bhxh-desk"), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1},
		Now: c.now, CacheMB: 16}
	o := desk.NewOffice(cfg, assets.MustLoad())
	t.Cleanup(func() { assert.NoError(t, o.Close()) })
	return o, c
}

// setUp creates the office with accounts of every role, all with the same password, outside
// the screens.
func setUp(t *testing.T, o *desk.Office) {
	t.Helper()
	_, err := o.Init(testOffice, app.User{Name: "admin", FullName: "Quản trị"}, password)
	require.NoError(t, err)
	in, admin, err := o.Open("admin", password)
	require.NoError(t, err)
	for _, u := range []app.User{
		{Name: "motcua", FullName: "Lê Thị Mai", Role: app.Helpdesk},
		{Name: "canbo", FullName: "Trần Văn Đức", Role: app.Officer},
		{Name: "truongphong", FullName: "Phạm Quốc Hùng", Role: app.Supervisor},
	} {
		require.NoError(t, in.AddUser(admin, u, password))
	}
}

// openDesk shows a desk over the office in a 1024×700 window (an office screen of 1024×768); printed receipts go to files in
// a temp dir.
func openDesk(t *testing.T, o *desk.Office, c *clock) *storeDesk {
	t.Helper()
	return openDeskOn(t, o, o, c)
}

// openDeskOn is openDesk with the desk seeing the office through office (a wrapper of o).
func openDeskOn(t *testing.T, office ui.Office, o *desk.Office, c *clock) *storeDesk {
	t.Helper()
	test.NewTempApp(t)
	ref := assets.MustLoad()
	sd := &storeDesk{office: o, clock: c, dir: t.TempDir()}
	sd.Desk = ui.NewDesk(ui.Config{Ref: o.Ref(), Places: ref.Places, Catalog: ref.Catalog,
		Now: c.now, Office: office, Do: func(f func()) {
			sd.mu.Lock()
			sd.paints = append(sd.paints, f)
			sd.mu.Unlock()
		}, SaveAs: func(name string, done func(io.WriteCloser, error)) {
			path := filepath.Join(sd.dir, name)
			sd.saved = append(sd.saved, path)
			f, err := os.Create(path)
			done(f, err)
		}}, nil)
	sd.win = test.NewTempWindow(t, sd.Content())
	sd.win.Resize(fyne.NewSize(1024, 700))
	t.Cleanup(sd.Wait)
	return sd
}

// signIn signs an account in through the login screen.
func (d *storeDesk) signIn(t *testing.T, user string) {
	t.Helper()
	l := d.Login()
	require.NotNil(t, l, "the sign-in screen shows")
	l.User.SetText(user)
	test.Type(l.Password, password)
	l.Password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	d.Wait()
	require.Nil(t, d.Login(), "signed in as %s: %s", user, l.Problem.Text)
}

// signOut signs out through the header.
func (d *storeDesk) signOut(t *testing.T) {
	t.Helper()
	test.Tap(d.SignOut)
	d.Wait()
	require.NotNil(t, d.Login())
}

// service signs an account in beside the screens, to check what the store holds.
func (d *storeDesk) service(t *testing.T, user string) (*intake.Service, *app.Session) {
	t.Helper()
	in, sess, err := d.office.Open(user, password)
	require.NoError(t, err)
	sess.Idle = -1
	return in, sess
}

// replace replaces an entry's text the way an officer does: clear, then type.
func replace(e interface {
	fyne.Focusable
	SetText(string)
}, s string) {
	e.SetText("")
	test.Type(e, s)
}

// shot checks that the window's content fits 1024×700 and, when UI_SHOTS names a folder,
// saves the rendered window there as name.png for a person to look at.
func (d *storeDesk) shot(t *testing.T, name string) {
	t.Helper()
	d.Wait()
	// The GL driver lays out again whenever a minimum size changes (a problem label appears);
	// the test driver does not, so refresh the tree before measuring.
	d.win.Content().Refresh()
	for _, o := range d.win.Canvas().Overlays().List() {
		o.Refresh()
	}
	min := d.win.Content().MinSize()
	assert.LessOrEqual(t, min.Width, float32(1024), "%s: the window fits 1024 px wide (needs %.0f)", name, min.Width)
	assert.LessOrEqual(t, min.Height, float32(700), "%s: the window fits 700 px high", name)
	if b := d.Body(); b != nil {
		// A page taller than the window scrolls; none may be wider (it would scroll sideways).
		assert.LessOrEqual(t, b.Content.MinSize().Width, b.Size().Width+1, "%s: the page fits the window's width", name)
	}
	dir := os.Getenv("UI_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, png.Encode(f, d.win.Canvas().Capture()))
}

// open opens a page through the left navigation.
func (d *storeDesk) open(t *testing.T, p ui.Page) {
	t.Helper()
	b := d.Nav(p)
	require.NotNil(t, b, "the navigation offers %s", p)
	test.Tap(b)
	d.Wait()
	require.Equal(t, p, d.Page())
}

// fyneKeyReturn is the Enter key.
var fyneKeyReturn = fyne.KeyEvent{Name: fyne.KeyReturn}
