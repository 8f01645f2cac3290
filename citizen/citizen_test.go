package citizen_test

import (
	"context"

	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/citizen"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/refdata"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

var ref = assets.MustLoad()

const pass = "mật khẩu đủ dài 12"

// portal is a centre on loopback serving both the desks' protocol and the citizens' pages.
type portal struct {
	*centraltest.Centre
	Pages  *citizen.Server
	Server *httptest.Server
}

func newPortal(t testing.TB, tune func(*citizen.Server)) *portal {
	t.Helper()
	c := centraltest.Start(t, centraltest.Options{NoHTTP: true})
	pages := &citizen.Server{Service: c.Service, Ref: refdata.NewSource(ref, nil), StatusFloor: 50 * time.Millisecond}
	if tune != nil {
		tune(pages)
	}
	api := (&central.Server{Service: c.Service, Catalog: ref.Catalog}).Handler()
	srv := httptest.NewServer(citizen.Mount(api, pages))
	t.Cleanup(srv.Close)
	_, err := c.Service.SetOfficeListing(context.Background(), "01001",
		central.OfficeListing{Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Online: true})
	require.NoError(t, err)
	return &portal{Centre: c, Pages: pages, Server: srv}
}

// browser is a client with cookies, as a citizen's browser.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (p *portal) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		base: p.Server.URL}
}

var tokenRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and returns its status and body.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// token is the CSRF token of the declaration page.
func (b *browser) token() string {
	b.t.Helper()
	_, body := b.get("/")
	m := tokenRE.FindStringSubmatch(body)
	require.NotNil(b.t, m, "the page carries a token")
	return m[1]
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// declaration is a valid TK1-TS as a citizen fills the page in.
func declaration(token string) url.Values {
	return url.Values{
		"csrf": {token}, "full_name": {"Nguyễn Thị Hoà"}, "gender": {"nu"}, "birth_date": {"17/05/1990"}, "ethnicity": {"01"},
		"personal_id": {"001190012345"}, "phone": {"0912345678"}, "birth_registration.province": {"01"},
		"birth_registration.commune": {"00004"}, "address.province": {"01"}, "address.commune": {"00004"},
		"address.detail": {"Số 12 ngõ 34 phố Đội Cấn"}, "income": {"2200000"}, "method": {"monthly"},
		"start_month": {today().Add(1).String()}, "support_group": {"poor"}, "office": {"01001"}, "consent": {"1"},
	}
}

func today() app.Month { return app.MonthOf(time.Now().Year(), time.Now().Month()) }

// officeDesk is the office's desk: a real encrypted store, enrolled at the centre.
type officeDesk struct {
	*desk.Desk
	officer *app.Session
	client  *central.Client
}

func newDesk(t *testing.T, p *portal, device string) *officeDesk {
	t.Helper()
	cfg := storage.Config{Dir: t.TempDir(), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
	d, _, err := desk.Init(cfg, ref, app.Office{Agency: "01001", Name: "BHXH Ba Đình", Province: "01", Commune: "00004", Device: device},
		app.User{Name: "admin"}, pass)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	admin, err := d.Intake.Login("admin", pass)
	require.NoError(t, err)
	require.NoError(t, d.Intake.AddUser(admin, app.User{Name: "canbo", Role: app.Officer}, pass))
	officer, err := d.Intake.Login("canbo", pass)
	require.NoError(t, err)
	officer.Idle = -1
	tok := p.Enroll(t, "01001", device)
	require.NoError(t, d.Sync.SetCentral(admin, p.Server.URL, tok))
	c, err := central.NewClient(central.ClientConfig{BaseURL: p.Server.URL, Token: tok})
	require.NoError(t, err)
	return &officeDesk{Desk: d, officer: officer, client: c}
}

func (d *officeDesk) sync(t *testing.T) {
	t.Helper()
	e := &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) { return d.client, nil }, Batch: 100, PageSize: 100}
	for range 5 {
		rep, err := e.Round(context.Background())
		require.NoError(t, err)
		if rep.Pending == 0 {
			return
		}
	}
	t.Fatal("the desk did not converge")
}

var (
	codeRE = regexp.MustCompile(`id="dossier-code">([^<]+)<`)
	rtRE   = regexp.MustCompile(`name="rt" value="([^"]+)"`)
)

// toldOfTwo reports whether a desk holds a notice of the person's two dossiers in progress.
func toldOfTwo(t *testing.T, d *officeDesk, code, other string) bool {
	t.Helper()
	admin, err := d.Intake.Login("admin", pass)
	require.NoError(t, err)
	notices, err := d.Sync.Notices(admin, false)
	require.NoError(t, err)
	for _, n := range notices {
		if n.Reason == "duplicate_open_dossier" && n.Args["code"] == code && n.Args["other"] == other {
			return true
		}
	}
	return false
}

// TestACitizenDeclaresOnlineAndTheOfficeProcessesItOffline: the declaration with an error is
// shown again with the error beside its field and in a linked summary; fixed, it is received
// with a code, the appointment date of the office's workflow and calendar, and a receipt PDF;
// the office's desk receives it at its next sync, marked online, and an officer requests
// completion with no network; after the desk syncs, the status page says what is missing.
func TestACitizenDeclaresOnlineAndTheOfficeProcessesItOffline(t *testing.T) {
	p := newPortal(t, nil)
	officer := newDesk(t, p, "K7")
	b := p.browser(t)

	form := declaration(b.token())
	form.Set("personal_id", "00119001234") // eleven digits
	form.Set("income", "1500000")          // under the 2027 floor
	resp, body := b.post("/", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
	assert.Contains(t, body, `<a href="#f-personal_id">`, "the summary links to the field")
	assert.Regexp(t, `id="f-personal_id"[^>]*aria-invalid="true"`, body)
	assert.Contains(t, body, "[06] Số định danh cá nhân")
	assert.Contains(t, body, "2.200.000", "the income's floor in force is named")
	assert.Contains(t, body, `value="Nguyễn Thị Hoà"`, "what was typed is kept")

	form.Set("personal_id", "001190012345")
	form.Set("income", "2200000")
	resp, body = b.post("/", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	m := codeRE.FindStringSubmatch(body)
	require.NotNil(t, m, body)
	code := m[1]
	assert.Regexp(t, `^01001-\d{6}-TT0001$`, code)
	d, found, err := p.Service.OnlineStatus(context.Background(), code, "001190012345", false)
	require.NoError(t, err)
	require.True(t, found)
	assert.Contains(t, body, d.Due.VNString(), "the appointment date is on the page")
	assert.Equal(t, app.ChannelOnline, d.Channel)
	assert.Equal(t, app.Money(242_000), d.Quote.StateSupport, "the desk's rules: 50% × 22% × 2,200,000")

	// The receipt PDF, read back: for the browser that declared, and only for it.
	rt := rtRE.FindStringSubmatch(body)
	require.NotNil(t, rt, "the receipt form carries its token")
	receipt := url.Values{"csrf": form["csrf"], "code": {code}, "personal_id": {"001190012345"}, "rt": {rt[1]}}
	other := p.browser(t)
	receipt2 := url.Values{"csrf": {other.token()}, "code": {code}, "personal_id": {"001190012345"}, "rt": {rt[1]}}
	resp, _ = other.post("/bien-nhan", receipt2)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "another browser with the code, the personal ID and the token gets no receipt")
	resp, pdfBody := b.post("/bien-nhan", receipt)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	text := pdfText(t, []byte(pdfBody))
	assert.Contains(t, text, "Nguyễn Thị Hoà")
	assert.Contains(t, text, code)

	// The office's desk receives it and processes it offline.
	officer.sync(t)
	got, err := officer.Intake.Dossier(officer.officer, code)
	require.NoError(t, err, "the office's desk holds the online dossier")
	assert.Equal(t, app.ChannelOnline, got.Channel)
	rows, err := officer.Intake.List(officer.officer, intake.ListRequest{Kind: intake.ListSearch, Value: "Nguyễn Thị Hoà"})
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	assert.Equal(t, app.ChannelOnline, rows[0].Channel, "the queue marks it")
	_, err = officer.Intake.Act(officer.officer, code, intake.ActRequest{Action: app.ActReturn, Reason: "thiếu giấy tờ",
		Missing: []string{"Giấy xác nhận hộ nghèo năm 2027"}})
	require.NoError(t, err)

	// Before the desk syncs, the citizen still sees it received.
	resp, body = b.post("/tra-cuu", url.Values{"csrf": form["csrf"], "code": {code}, "personal_id": {"001190012345"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Đã tiếp nhận")
	officer.sync(t)
	_, body = b.post("/tra-cuu", url.Values{"csrf": form["csrf"], "code": {code}, "personal_id": {"001190012345"}})
	assert.Contains(t, body, "Cần bổ sung hồ sơ")
	assert.Contains(t, body, "Giấy xác nhận hộ nghèo năm 2027", "what is missing is said")

	// A second declaration of the same person is received like any other — the page tells no
	// one that a personal ID has a dossier — and the office is told of the two in progress.
	resp, body = b.post("/", declaration(form.Get("csrf")))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.NotContains(t, body, "đã có hồ sơ")
	second := codeRE.FindStringSubmatch(body)[1]
	officer.sync(t)
	assert.True(t, toldOfTwo(t, officer, second, code), "the office is told of the two dossiers in progress")

	// A walk-in of the same person at the desk, after it synced, finds the online dossier.
	reg := got.Form
	_, err = officer.Intake.Register(officer.officer, intake.RegisterRequest{Form: reg, NotDuplicate: true})
	assert.Equal(t, app.Conflict, app.KindOf(err), "%v", err)
}

// TestTheStatusPageRevealsNothingWithoutBoth: a wrong personal ID and a wrong code get the same
// answer as each other, and in a time that does not tell them apart from a right one.
func TestTheStatusPageRevealsNothingWithoutBoth(t *testing.T) {
	p := newPortal(t, func(s *citizen.Server) {
		s.StatusFloor = 120 * time.Millisecond
		s.PerID = citizen.Limit{Burst: 100, Every: time.Millisecond}
		s.PerAddress = citizen.Limit{Burst: 1000, Every: time.Millisecond}
	})
	b := p.browser(t)
	tok := b.token()
	resp, body := b.post("/", declaration(tok))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	code := codeRE.FindStringSubmatch(body)[1]

	ask := func(c, pid string) (string, time.Duration) {
		start := time.Now()
		_, body := b.post("/tra-cuu", url.Values{"csrf": {tok}, "code": {c}, "personal_id": {pid}})
		return body, time.Since(start)
	}
	wrongID, _ := ask(code, "001190099999")
	wrongCode, _ := ask("01001-000000-TT0001", "001190012345")
	// The same page either way, but for the code typed, which is shown again.
	assert.Equal(t, strings.ReplaceAll(wrongID, code, "X"), strings.ReplaceAll(wrongCode, "01001-000000-TT0001", "X"))
	assert.NotContains(t, wrongID, "Nguyễn")
	assert.NotContains(t, wrongID, "Đã tiếp nhận")
	assert.NotContains(t, wrongID, "Ba Đình", "not even the office")

	// Timing: the medians of right and wrong lookups differ by less than the floor's noise.
	var right, wrong []time.Duration
	for range 7 {
		_, d := ask(code, "001190012345")
		right = append(right, d)
		_, d = ask(code, "001190099999")
		wrong = append(wrong, d)
	}
	for _, d := range append(right, wrong...) {
		assert.GreaterOrEqual(t, d, 120*time.Millisecond, "every answer waits for the floor")
	}
	diff := median(right) - median(wrong)
	assert.Less(t, diff.Abs(), 40*time.Millisecond, "right %v, wrong %v", right, wrong)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}

// TestAbuseIsTurnedAway: a post without the form's token is refused, as is one from another
// site's page; a flood from one address is throttled; a body over the limit is refused; no
// personal number reaches a URL or the log.
func TestAbuseIsTurnedAway(t *testing.T) {
	var log strings.Builder
	p := newPortal(t, func(s *citizen.Server) {
		s.PerAddress = citizen.Limit{Burst: 5, Every: time.Hour}
		s.Log = newLog(&log)
	})
	b := p.browser(t)
	tok := b.token()

	form := declaration(tok)
	form.Del("csrf")
	resp, body := b.post("/", form)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "Trang đã cũ")

	req, _ := http.NewRequest(http.MethodPost, b.base+"/", strings.NewReader(declaration(tok).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a post from another site's page")

	big := url.Values{"csrf": {tok}, "full_name": {strings.Repeat("a", 40<<10)}}
	resp, _ = b.post("/", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	statuses := map[int]int{}
	for range 10 {
		resp, _ := b.post("/tra-cuu", url.Values{"csrf": {tok}, "code": {"x"}, "personal_id": {"001190012345"}})
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		}
	}
	assert.Positive(t, statuses[http.StatusTooManyRequests], "a flood from one address is throttled: %v", statuses)

	resp, err = b.c.Get(b.base + "/")
	require.NoError(t, err)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	assert.NotContains(t, log.String(), "001190012345", "no personal number in the log")
}

// TestThePageAndTheDeskQuoteAndRefuseAlike: the same inputs (shared cases) through the page's
// live check and through a desk's registration give the same quote and the same problems.
func TestThePageAndTheDeskQuoteAndRefuseAlike(t *testing.T) {
	p := newPortal(t, nil)
	b := p.browser(t)
	tok := b.token()
	d := newDesk(t, p, "K9")
	refused, quoted := 0, 0
	t.Cleanup(func() {
		assert.GreaterOrEqual(t, refused, 5, "the cases exercise refusals")
		assert.GreaterOrEqual(t, quoted, 4, "and quotes")
	})
	for _, tc := range sharedCases {
		t.Run(tc.name, func(t *testing.T) {
			form := declaration(tok)
			for k, v := range tc.set {
				form.Set(k, v)
			}
			resp, err := b.c.Do(jsonPost(t, b.base+"/kiem-tra", form, tok))
			require.NoError(t, err)
			var got struct {
				Problems map[string]string `json:"problems"`
				Quote    string            `json:"quote"`
			}
			decodeJSON(t, resp, &got)

			res, err := d.Intake.Register(d.officer, intake.RegisterRequest{Form: formOf(form), NotDuplicate: true})
			want := map[string]string{}
			if err != nil {
				for _, fp := range problemsOfErr(err) {
					// The page asks an ahead payment's months in a field of their own.
					if f := citizen.FieldOf(fp.Field, form); want[f] == "" {
						want[f] = ref.Catalog.Problem(app.VI, fp)
					}
				}
			}
			assert.Equal(t, want, got.Problems, "the same problems, worded the same")
			if len(want) > 0 {
				refused++
			}
			if err == nil {
				quoted++
				assert.Contains(t, got.Quote, res.Dossier.Quote.Payable.String(), "the same amount to pay")
				if res.Dossier.Quote.StateSupport > 0 {
					assert.Contains(t, got.Quote, res.Dossier.Quote.StateSupport.String())
				}
			}
			// Registered people are pending: the next case is another person.
		})
	}
}

// pdfText is a PDF's text as poppler reads it.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	return string(out)
}

// TestAWalkInBeforeTheDeskSyncedIsShownNotMerged: a citizen declares online; before the
// office's desk pulls it, the same person walks in and is registered there (the desk cannot know).
// At the next sync the desk holds both and a person is told of the two dossiers in progress:
// one to keep, one to reject — never two participants silently.
func TestAWalkInBeforeTheDeskSyncedIsShownNotMerged(t *testing.T) {
	p := newPortal(t, nil)
	d := newDesk(t, p, "K7")
	b := p.browser(t)
	resp, body := b.post("/", declaration(b.token()))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	online := codeRE.FindStringSubmatch(body)[1]

	form := formOf(declaration(""))
	res, err := d.Intake.Register(d.officer, intake.RegisterRequest{Form: form, NotDuplicate: true})
	require.NoError(t, err, "the desk, not synced yet, takes the walk-in")
	d.sync(t)

	_, err = d.Intake.Dossier(d.officer, online)
	require.NoError(t, err, "the desk now holds the online dossier too")
	admin, err := d.Intake.Login("admin", pass)
	require.NoError(t, err)
	notices, err := d.Sync.Notices(admin, false)
	require.NoError(t, err)
	var told bool
	for _, n := range notices {
		if n.Reason == "duplicate_open_dossier" {
			told = true
			assert.Equal(t, res.Dossier.Code, n.Args["code"])
			assert.Equal(t, online, n.Args["other"])
			msg := ref.Catalog.T(app.VI, "err."+n.Reason, flatten(n.Args)...)
			assert.Contains(t, msg, online)
			assert.NotContains(t, msg, "001190012345", "the personal ID is masked")
		}
	}
	assert.True(t, told, "a person is told of the two dossiers in progress: %+v", notices)
}

func flatten(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// TestWithoutTheScript: with no JavaScript, choosing a province and pressing the button lists
// its communes with what was typed kept; the quote and its comparison by method are on the page.
func TestWithoutTheScript(t *testing.T) {
	p := newPortal(t, nil)
	b := p.browser(t)
	form := url.Values{"csrf": {b.token()}, "full_name": {"Trần Văn An"}, "address.province": {"48"}, "income": {"2200000"},
		"method": {"monthly"}, "start_month": {today().Add(1).String()}, "refresh": {"1"}}
	resp, body := b.post("/", form)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `value="Trần Văn An"`)
	assert.Contains(t, body, `<option value="20194"`, "a commune of Đà Nẵng is offered")
	assert.NotContains(t, body, `<option value="00004"`, "Hà Nội's are not")
	assert.Contains(t, body, `id="payable"`, "the quote is on the page")
	assert.Contains(t, body, "Hằng tháng: 387.200 ₫", "and what each method would pay")
	assert.Contains(t, body, "12 tháng một lần: 4.646.400 ₫")
}

// TestTheGuardKeepsWhatWasTyped: a declaration turned away — too many from one address, or a
// form from before the server restarted — comes back with every value and the reason on top.
func TestTheGuardKeepsWhatWasTyped(t *testing.T) {
	p := newPortal(t, func(s *citizen.Server) { s.Declarations = citizen.Limit{Burst: 1, Every: time.Hour} })
	b := p.browser(t)
	tok := b.token()
	resp, _ := b.post("/", declaration(tok))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	next := declaration(tok)
	next.Set("personal_id", "001190012399")
	next.Set("full_name", "Lê Thị Bích")
	resp, body := b.post("/", next)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Contains(t, body, `value="Lê Thị Bích"`, "nothing typed is lost")
	assert.Contains(t, body, "quá nhiều yêu cầu")

	stale := declaration("a token of a server that restarted")
	resp, body = b.post("/", stale)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, `value="Nguyễn Thị Hoà"`)
	assert.Regexp(t, tokenRE, body, "with a fresh token to send it again")
}

// TestAnOfficeCodeInAnyCase: the province lists "01001" as "01001", a desk enrols it the same;
// an agency typed in lower case is the same office.
func TestAnOfficeCodeInAnyCase(t *testing.T) {
	p := newPortal(t, nil)
	_, err := p.Service.SetOfficeListing(context.Background(), "hn.bd", central.OfficeListing{Name: "BHXH thử", Province: "01",
		Commune: "00004", Online: true})
	require.NoError(t, err)
	l, ok, err := p.Service.OfficeListingOf(context.Background(), "HN.BD")
	require.NoError(t, err)
	require.True(t, ok, "listed under the code in capitals, as enrolment keeps it")
	assert.Equal(t, "BHXH thử", l.Name)
}

// TestBehindALoadBalancer: through a trusted proxy each citizen is counted by the address the
// proxy forwards; a header from anyone else changes nothing.
func TestBehindALoadBalancer(t *testing.T) {
	p := newPortal(t, func(s *citizen.Server) {
		s.PerAddress = citizen.Limit{Burst: 2, Every: time.Hour}
		s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	b := p.browser(t)
	tok := b.token()
	post := func(xff string) int {
		req, _ := http.NewRequest(http.MethodPost, b.base+"/xac-minh", strings.NewReader(url.Values{"csrf": {tok}, "qr": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := b.c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 2 {
		assert.Equal(t, http.StatusOK, post("203.0.113.7"))
	}
	assert.Equal(t, http.StatusTooManyRequests, post("203.0.113.7"), "one citizen's bucket is empty")
	assert.Equal(t, http.StatusOK, post("198.51.100.9"), "another's is not")
	assert.Equal(t, http.StatusOK, post("2001:db8:1:2::1"))
	assert.Equal(t, http.StatusOK, post("2001:db8:1:2::2"))
	assert.Equal(t, http.StatusTooManyRequests, post("2001:db8:1:2::3"), "an IPv6 /64 is one client")

	// A client's own line first, the proxy's appended after it: the proxy's counts.
	twoLines := func(own string) int {
		req, _ := http.NewRequest(http.MethodPost, b.base+"/xac-minh", strings.NewReader(url.Values{"csrf": {tok}, "qr": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Add("X-Forwarded-For", own)
		req.Header.Add("X-Forwarded-For", "203.0.113.7")
		resp, err := b.c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusTooManyRequests, twoLines("192.0.2.1"), "a client cannot choose its bucket")
	assert.Equal(t, http.StatusTooManyRequests, twoLines("192.0.2.2"))
}

// TestVerifyingATextThatIsNoSeal: garbage is said to be no seal and nothing of it is shown as a
// book's; an empty text asks for one.
func TestVerifyingATextThatIsNoSeal(t *testing.T) {
	p := newPortal(t, nil)
	b := p.browser(t)
	tok := b.token()
	resp, body := b.post("/xac-minh", url.Values{"csrf": {tok}, "qr": {"BHXH1.Nguyễn Văn Giả.<b>x</b>"}})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "KHÔNG PHẢI CON DẤU HỢP LỆ")
	assert.NotContains(t, body, `id="seal-status"`)
	assert.NotContains(t, body, "<b>x</b>", "what was pasted is escaped")
	resp, body = b.post("/xac-minh", url.Values{"csrf": {tok}, "qr": {"  "}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "vui lòng dán nội dung")
}

// TestADeclarationSentTwiceMakesOneDossier: a reload of the receipt page or a double click
// sends the same form again: the citizen gets the same dossier, and no office is told of two.
func TestADeclarationSentTwiceMakesOneDossier(t *testing.T) {
	p := newPortal(t, nil)
	d := newDesk(t, p, "K7")
	b := p.browser(t)
	_, page := b.get("/")
	once := regexp.MustCompile(`name="once" value="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, once, "the form carries its one-time value")
	form := declaration(tokenRE.FindStringSubmatch(page)[1])
	form.Set("once", once[1])
	_, first := b.post("/", form)
	_, again := b.post("/", form)
	c1, c2 := codeRE.FindStringSubmatch(first), codeRE.FindStringSubmatch(again)
	require.NotNil(t, c1)
	require.NotNil(t, c2)
	assert.Equal(t, c1[1], c2[1], "one dossier")
	d.sync(t)
	admin, err := d.Intake.Login("admin", pass)
	require.NoError(t, err)
	notices, err := d.Sync.Notices(admin, false)
	require.NoError(t, err)
	for _, n := range notices {
		assert.NotEqual(t, "duplicate_open_dossier", n.Reason, "no office is told of two: %+v", n)
	}

	// Another person with the same one-time value (a form copied) is not given that dossier.
	other := declaration(form.Get("csrf"))
	other.Set("once", once[1])
	other.Set("personal_id", "001190012388")
	_, third := b.post("/", other)
	c3 := codeRE.FindStringSubmatch(third)
	require.NotNil(t, c3, third)
	assert.NotEqual(t, c1[1], c3[1])
}

// TestTheOnlineCodeIsTheCentres: no desk may be enrolled as TT, and an office with a desk
// named so cannot be listed for online declarations until it is renamed.
func TestTheOnlineCodeIsTheCentres(t *testing.T) {
	p := newPortal(t, nil)
	_, _, err := p.Service.Enroll(context.Background(), "01002", "tt", central.RoleDesk)
	assert.Equal(t, app.Invalid, app.KindOf(err), "%v", err)
}

// TestAnotherSitesPostIsNotShownBack: a post from another site's page is refused without
// showing its values as a ready-to-send form.
func TestAnotherSitesPostIsNotShownBack(t *testing.T) {
	p := newPortal(t, nil)
	b := p.browser(t)
	form := declaration("x")
	form.Set("phone", "0987654321")
	req, _ := http.NewRequest(http.MethodPost, b.base+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.NotContains(t, string(body), "0987654321")
	assert.NotContains(t, string(body), `name="full_name"`)
}
