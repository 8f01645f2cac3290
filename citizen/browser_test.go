package citizen_test

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/intake"
)

// shots, when set, is where the browser test leaves its screenshots (make screenshots: docs/).
var shots = flag.String("shots", "", "folder for the citizen pages' screenshots")

// chromium finds Debian's Chromium. Without it the browser tests are skipped, unless
// BHXH_BROWSER=required (make test sets it): then they fail.
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BHXH_BROWSER") == "required" {
		t.Fatal("chromium is not installed (scripts/setup-debian.sh web installs it)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile, as the README says to.
func newBrowser(t testing.TB, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
		chromedp.Flag("lang", "vi-VN"),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))))
	return ctx
}

// choose picks an option of a select as a person does: the value, then the change event the
// page's script listens to.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js := `(function(){var s=document.querySelector(` + quoteJS(sel) + `);s.value=` + quoteJS(value) +
			`;s.dispatchEvent(new Event("change",{bubbles:true}));return s.value;})()`
		got, err := chromedp.Evaluate[string](js)(ctx, t)
		if err == nil && got != value {
			return fmt.Errorf("%s has no option %q", sel, value)
		}
		return err
	})
}

// clear empties a text field, as selecting its text and deleting it does.
func clear(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[string](`(function(){var e=document.getElementById(`+quoteJS(id)+`);e.value='';return e.value;})()`)(ctx, t)
		return err
	})
}

func quoteJS(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// TestInARealBrowser: a citizen on a 360-pixel phone declares — the quote shows as they type,
// a mistake is shown beside its field and in the summary, fixed, the declaration is received
// with a code and a receipt PDF; the office's desk (a real store) receives it at its sync, an
// officer requests completion offline, the desk syncs, and the status page says so.
func TestInARealBrowser(t *testing.T) {
	ctx := newBrowser(t, 360, 780)
	p := newPortal(t, nil)
	officer := newDesk(t, p, "K7")
	base := p.Server.URL
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		require.NoError(t, err, "%s", sel)
		return s
	}

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("f-full_name")),
		chromedp.SendKeys(chromedp.ID("f-full_name"), "Nguyễn Thị Hoà"),
		chromedp.Click(chromedp.CSS(`input[name=gender][value=nu]`)),
		chromedp.SendKeys(chromedp.ID("f-birth_date"), "17/05/1990"),
		choose("#f-ethnicity", "01"),
		chromedp.SendKeys(chromedp.ID("f-personal_id"), "00119001234"), // one digit short
		chromedp.SendKeys(chromedp.ID("f-phone"), "0912345678"),
		choose("#f-birth_registration-province", "01"),
		chromedp.WaitReady(chromedp.CSS(`#f-birth_registration-commune option[value="00004"]`)),
		choose("#f-birth_registration-commune", "00004"),
		choose("#f-address-province", "01"),
		chromedp.WaitReady(chromedp.CSS(`#f-address-commune option[value="00004"]`)),
		choose("#f-address-commune", "00004"),
		chromedp.SendKeys(chromedp.ID("f-address-detail"), "Số 12 ngõ 34 phố Đội Cấn"),
		choose("#f-support_group", "poor"),
		chromedp.SendKeys(chromedp.ID("f-income"), "2200000"),
		chromedp.Click(chromedp.ID("f-phone")), // leaving the income asks for the quote
		chromedp.WaitVisible(chromedp.ID("payable")),
	))
	quote := text("#quote")
	assert.Contains(t, quote, "242.000 ₫", "the state's 50% of 22% × 2,200,000, shown before submitting")
	assert.Contains(t, quote, "Người tham gia phải nộp")

	// The personal ID is checked as the citizen leaves it.
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`p.err[data-for="personal_id"]`))))
	assert.Contains(t, text(`p.err[data-for="personal_id"]`), "12")

	require.NoError(t, chromedp.Do(ctx,
		choose("#f-office", "01001"),
		chromedp.Click(chromedp.ID("f-consent")),
		chromedp.Click(chromedp.CSS(`button.primary[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("summary")),
	))
	assert.Contains(t, text("#summary"), "[06] Số định danh cá nhân")
	if *shots != "" {
		shoot(t, ctx, filepath.Join(*shots, "citizen-errors-360.png"))
	}

	require.NoError(t, chromedp.Do(ctx,
		clear("f-personal_id"),
		// Enter in a field sends the declaration (not the hidden button that lists communes).
		chromedp.SendKeys(chromedp.ID("f-personal_id"), "001190012345\r"),
		chromedp.WaitVisible(chromedp.ID("dossier-code")),
	))
	code := text("#dossier-code")
	assert.Regexp(t, `^01001-\d{6}-TT0001$`, code)
	if *shots != "" {
		shoot(t, ctx, filepath.Join(*shots, "citizen-received-360.png"))
	}

	// The receipt PDF, fetched with the page's own form.
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async function(){
		var f=document.querySelector('form[action="/bien-nhan"]');
		var r=await fetch('/bien-nhan',{method:'POST',body:new URLSearchParams(new FormData(f)),credentials:'same-origin'});
		var b=new Uint8Array(await r.arrayBuffer()); var s=''; for (var i=0;i<b.length;i++){s+=String.fromCharCode(b[i]);}
		return btoa(s);})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	pdf := pdfText(t, raw)
	assert.Contains(t, pdf, "Nguyễn Thị Hoà")
	assert.Contains(t, pdf, code)

	// The office's desk receives it, an officer asks for completion offline, the desk syncs.
	officer.sync(t)
	_, err = officer.Intake.Act(officer.officer, code, intake.ActRequest{Action: app.ActReturn,
		Missing: []string{"Giấy xác nhận hộ nghèo năm 2027"}})
	require.NoError(t, err)
	officer.sync(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/tra-cuu"),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), code),
		chromedp.SendKeys(chromedp.ID("f-personal_id"), "001190012345"),
		chromedp.Click(chromedp.CSS(`button.primary[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("state")),
	))
	assert.Equal(t, "Cần bổ sung hồ sơ", strings.TrimSpace(text("#state")))
	assert.Contains(t, text("#detail"), "Giấy xác nhận hộ nghèo năm 2027")
	if *shots != "" {
		shoot(t, ctx, filepath.Join(*shots, "citizen-status-360.png"))
		wide := newBrowser(t, 1280, 900)
		require.NoError(t, chromedp.Do(wide, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("f-full_name"))))
		shoot(t, wide, filepath.Join(*shots, "citizen-declare-1280.png"))
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("f-full_name"))))
		shoot(t, ctx, filepath.Join(*shots, "citizen-declare-360.png"))
	}
}

// shoot saves the whole page as a PNG.
func shoot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, png, 0o644))
}
