// Package e2e drives the real desk program (bin/bhxh-desk) in a real window on a virtual
// display, as an officer does: keys and pasted Vietnamese text through the X server (xdotool,
// xclip), the mouse where a person would use it, the window title to know the screen, and what
// the program leaves behind — the PDFs it saved, read back with poppler, and the store, read
// with the command line — to know what it did. The tests run under `make e2e` (and `make test`),
// which sets BHXH_E2E_DESK and BHXH_E2E_CLI and starts Xvfb; without them they are skipped.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// Desk is the desk program running in its window.
type Desk struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
	// Home is the officer's home folder (Documents inside, where the file dialogs start); Data
	// the store's folder; Shots where screenshots go.
	Home, Data, Shots string
	wid               string
}

// binaries are the desk program and the command line under test.
func binaries(t *testing.T) (desk, cli string) {
	desk, cli = os.Getenv("BHXH_E2E_DESK"), os.Getenv("BHXH_E2E_CLI")
	if desk == "" || cli == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("BHXH_E2E_DESK, BHXH_E2E_CLI and DISPLAY are set by make e2e")
	}
	return desk, cli
}

// Start runs the desk program on the store in data, with home as the officer's home folder,
// and waits for its window.
func Start(t *testing.T, home, data string, args ...string) *Desk {
	t.Helper()
	bin, _ := binaries(t)
	d := &Desk{t: t, out: &bytes.Buffer{}, done: make(chan error, 1), Home: home, Data: data, Shots: shotsDir(t)}
	for _, sub := range []string{"Documents", ".config", ".cache", "tmp", "run"} {
		dir := filepath.Join(home, sub)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.cmd = exec.Command(bin, append([]string{"--data", data}, args...)...)
	d.cmd.Env = append(os.Environ(), "HOME="+home, "TMPDIR="+filepath.Join(home, "tmp"), "XDG_RUNTIME_DIR="+filepath.Join(home, "run"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(d.kill)
	deadline := time.Now().Add(30 * time.Second)
	for d.wid == "" && time.Now().Before(deadline) {
		d.Alive()
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(d.cmd.Process.Pid)).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			d.wid = f[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d.wid == "" {
		d.fail("no window within 30 s")
	}
	// Without a window manager the keyboard follows the pointer: keep it over the window.
	d.xdo("windowmove", d.wid, "0", "0")
	d.xdo("windowfocus", "--sync", d.wid)
	d.xdo("mousemove", "--window", d.wid, "500", "300")
	time.Sleep(500 * time.Millisecond)
	return d
}

// SignIn signs an account in from the sign-in screen (after a sign-out the user name is
// empty or the last one's) and waits for the home page.
func (d *Desk) SignIn(user, password string) {
	d.t.Helper()
	d.WaitTitle("Đăng nhập")
	d.Wait(500)        // a store closing behind the screen (sign-out, restore) finishes first
	d.Key("shift+Tab") // the user name, whichever field has the cursor
	d.Key("ctrl+a")
	d.Type(user)
	d.Key("Tab")
	d.Type(password)
	d.Key("Return")
	d.WaitTitle(" · " + user)
}

// Size resizes the window (the screen is the virtual display's).
func (d *Desk) Size(w, h int) {
	d.xdo("windowsize", "--sync", d.wid, strconv.Itoa(w), strconv.Itoa(h))
	time.Sleep(400 * time.Millisecond)
}

// Title is the window's title.
func (d *Desk) Title() string {
	out, err := exec.Command("xdotool", "getwindowname", d.wid).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// WaitTitle waits until the title contains every part, and returns it.
func (d *Desk) WaitTitle(parts ...string) string {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d.Alive()
		title := d.Title()
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(title, p)
		}
		if ok {
			return title
		}
		if time.Now().After(deadline) {
			d.fail(fmt.Sprintf("the title never said %q: %q", parts, title))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Key presses keys (xdotool names: "Tab", "ctrl+s", "Return", "space").
func (d *Desk) Key(keys ...string) {
	d.t.Helper()
	d.Alive()
	for _, k := range keys {
		d.xdo("key", "--clearmodifiers", k)
		time.Sleep(120 * time.Millisecond)
	}
}

// Type types text as an officer does: ASCII from the keyboard, anything else pasted from the
// clipboard, as an input method (Unikey) delivers Vietnamese.
func (d *Desk) Type(text string) {
	d.t.Helper()
	d.Alive()
	ascii := true
	for _, r := range text {
		ascii = ascii && r < unicode.MaxASCII
	}
	if !ascii {
		d.Paste(text)
		return
	}
	d.xdo("type", "--delay", "25", text)
	time.Sleep(150 * time.Millisecond)
}

// Paste puts text on the clipboard and pastes it with Ctrl+V.
func (d *Desk) Paste(text string) {
	d.t.Helper()
	// xclip stays in the background to serve the clipboard: its output goes nowhere, so
	// nothing waits for it.
	cmd := exec.Command("xclip", "-selection", "clipboard")
	cmd.Stdin = strings.NewReader(text)
	if err := cmd.Run(); err != nil {
		d.fail(fmt.Sprintf("xclip: %v", err))
	}
	time.Sleep(100 * time.Millisecond)
	d.Key("ctrl+v")
}

// Click clicks at a point of the window.
func (d *Desk) Click(x, y int) {
	d.t.Helper()
	d.xdo("mousemove", "--window", d.wid, strconv.Itoa(x), strconv.Itoa(y))
	d.xdo("click", "1")
	time.Sleep(300 * time.Millisecond)
}

// DoubleClick double-clicks at a point of the window (a file in Fyne's file dialog: opens it).
func (d *Desk) DoubleClick(x, y int) {
	d.t.Helper()
	d.xdo("mousemove", "--window", d.wid, strconv.Itoa(x), strconv.Itoa(y))
	d.xdo("click", "--repeat", "2", "--delay", "80", "1")
	time.Sleep(300 * time.Millisecond)
}

// navY are the rows of the left navigation of an administrator's desk, by label: the
// navigation is drawn at the same place on every screen size.
var navY = map[string]int{"Trang chủ": 94, "Cài đặt": 332, "Tài khoản": 372, "Dữ liệu cá nhân": 412}

// ClickNav clicks an entry of the left navigation, as an officer does.
func (d *Desk) ClickNav(label string) {
	d.t.Helper()
	y, ok := navY[label]
	if !ok {
		d.t.Fatalf("no navigation entry %q", label)
	}
	d.Click(80, y)
}

// Wait lets the program work (a save, a PDF) for a moment.
func (d *Desk) Wait(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond); d.Alive() }

// Shot saves a screenshot of the screen as Shots/name.png.
func (d *Desk) Shot(name string) string {
	p := filepath.Join(d.Shots, name+".png")
	_ = exec.Command("import", "-window", "root", p).Run()
	if w, h := d.Geometry(); os.Getenv("E2E_DEBUG") != "" {
		out, _ := exec.Command("xdotool", "getwindowgeometry", d.wid).Output()
		d.t.Logf("%s: window %d×%d %s", name, w, h, strings.Join(strings.Fields(string(out)), " "))
	}
	return p
}

// Pixel is the colour of the screen at x, y (red, green, blue, 0–255).
func (d *Desk) Pixel(x, y int) (r, g, b int) {
	out, err := exec.Command("import", "-window", "root", "-crop", fmt.Sprintf("1x1+%d+%d", x, y), "-depth", "8", "txt:-").Output()
	if err != nil {
		return -1, -1, -1
	}
	// "# ImageMagick pixel enumeration: …\n0,0: (47,111,237)  #2F6FED  srgb(47,111,237)"
	if i := strings.Index(string(out), ")  #"); i >= 0 && len(out) >= i+10 {
		i += 3
		v, err := strconv.ParseUint(string(out[i+1:i+7]), 16, 32)
		if err == nil {
			return int(v >> 16), int(v >> 8 & 0xff), int(v & 0xff)
		}
	}
	return -1, -1, -1
}

// WaitProgress waits, up to timeout, until the progress dialog whose bar starts at x, y (a
// strong blue while work goes on) is gone: long work is waited for, not guessed.
func (d *Desk) WaitProgress(x, y int, timeout time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r, g, b := d.Pixel(x, y)
		if !(b > 180 && r < 120 && g < 170) {
			return
		}
		d.Wait(250)
	}
	d.fail(fmt.Sprintf("the progress dialog was still there after %s", timeout))
}

// Geometry is the window's size.
func (d *Desk) Geometry() (w, h int) {
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", d.wid).Output()
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(l, "WIDTH="); ok {
			w, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(l, "HEIGHT="); ok {
			h, _ = strconv.Atoi(v)
		}
	}
	return w, h
}

// Alive fails the test when the program has exited.
func (d *Desk) Alive() {
	d.t.Helper()
	select {
	case err := <-d.done:
		d.done <- err
		d.t.Fatalf("the desk program exited (%v):\n%s", err, d.out.String())
	default:
	}
}

// Quit closes the program with Ctrl+Q and waits for it to exit.
func (d *Desk) Quit() {
	d.t.Helper()
	d.Key("ctrl+q")
	select {
	case err := <-d.done:
		d.done <- err
		if err != nil {
			d.t.Fatalf("the desk program exited with %v:\n%s", err, d.out.String())
		}
	case <-time.After(20 * time.Second):
		d.fail("Ctrl+Q did not close the program")
	}
}

// Exited reports whether the program has exited.
func (d *Desk) Exited() bool {
	select {
	case err := <-d.done:
		d.done <- err
		return true
	default:
		return false
	}
}

func (d *Desk) kill() {
	if d.cmd.Process != nil && !d.Exited() {
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

func (d *Desk) xdo(args ...string) {
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		d.t.Logf("xdotool %v: %v %s", args, err, out)
	}
}

func (d *Desk) fail(msg string) {
	d.t.Helper()
	shot := d.Shot(strings.NewReplacer("/", "-", " ", "-").Replace(d.t.Name()) + "-failed")
	d.t.Fatalf("%s (screenshot %s)\nprogram output:\n%s", msg, shot, d.out.String())
}

// shotsDir is where screenshots go: E2E_SHOTS, else a temporary folder.
func shotsDir(t *testing.T) string {
	if dir := os.Getenv("E2E_SHOTS"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		return dir
	}
	return t.TempDir()
}

// CLI runs the command line on a store as an officer; it returns the exit status and output.
func CLI(t *testing.T, data, user string, stdin string, args ...string) (int, string) {
	t.Helper()
	_, cli := binaries(t)
	cmd := exec.Command(cli, append([]string{"--data", data}, args...)...)
	cmd.Env = append(os.Environ(), "BHXH_USER="+user, "BHXH_PASSWORD="+Password, "BHXH_NEW_PASSWORD="+Password)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

// Password is every account's password in these tests.
const Password = "matkhau-thu-nghiem-2026"

// PDFText is a PDF's text (poppler's pdftotext), its spaces folded.
func PDFText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// WaitFile waits for a file to exist with some content.
func WaitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			time.Sleep(200 * time.Millisecond)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("%s was not written (the folder holds %v)", path, names)
}

// WaitNewFile waits for a file with the extension to appear in dir that is not among those
// listed before (ListFiles), and returns its path once written.
func WaitNewFile(t *testing.T, dir, ext string, before []string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, f := range ListFiles(dir, ext) {
			if !slices.Contains(before, f) {
				WaitFile(t, f)
				return f
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no new %s file in %s (it holds %v)", ext, dir, ListFiles(dir, ""))
	return ""
}

// ListFiles lists the files of dir whose names end in ext, leaving out the hidden temporary
// files a file written whole-or-nothing goes through before its rename.
func ListFiles(dir, ext string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}
