// Package citizen is the centre's public pages for citizens (public service 602e, "Đăng ký
// tham gia BHXH tự nguyện trên Cổng Dịch vụ công"): the TK1-TS declaration with the desk's own
// validation, duplicate rule and quote (the app domain), the choice of the receiving office,
// the receipt with its appointment date and PDF, the status of a dossier, and the verification
// of a printed cover's QR text. Server-rendered with html/template: every page works without
// JavaScript, and a small script adds the live checks and quote as the citizen types.
//
// Abuse and privacy: every post carries a CSRF token bound to a cookie; addresses and personal
// IDs are rate-limited; bodies are bounded; no personal data travels in a URL or reaches the
// log; the status page answers the same, in the same time, to a wrong code and to a wrong
// personal ID; a strict Content-Security-Policy allows only this site's own style and script.
package citizen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/intake"
	"bhxhdesk/pdf"
	"bhxhdesk/printout"
	"bhxhdesk/refdata"
)

//go:embed templates/*.html static/*
var files embed.FS

// maxForm bounds a posted form: a TK1-TS is a few hundred bytes.
const maxForm = 32 << 10

// Server serves the citizen's pages. Service is the centre; Ref the reference data in force
// (the embedded data with what the province published, as the desks apply it).
type Server struct {
	Service *central.Service
	Ref     *refdata.Source
	// Log receives a line per refused or failed request: never a personal number or a form.
	Log *slog.Logger
	// CSRFKey signs the forms' tokens; random when empty (one replica). Replicas behind a load
	// balancer share one key.
	CSRFKey []byte
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// StatusFloor is the least time a status or receipt lookup takes, found or not, so that its
	// timing tells nothing (default 250 ms).
	StatusFloor time.Duration
	// PerAddress bounds the posts of one address (an IPv6 address counts by its /64): Burst at
	// once, then one every Every (default 60, one a second); the live checks as a citizen types
	// have a bucket of their own, four times as large. Declarations bounds the declarations of an
	// address (default 20, then one every 3 minutes: a commune's service point sends a few a
	// day). PerID bounds the declarations and lookups of one personal ID (default 10, then one
	// every 2 minutes); the limiter keeps a hash, not the number.
	PerAddress, Declarations, PerID Limit
	// TrustedProxies are the load balancers in front: a request through one of them is counted
	// by the address it forwards (X-Forwarded-For, its last entry not itself a proxy). Requests
	// from elsewhere are counted by their connection's address whatever header they carry.
	TrustedProxies []netip.Prefix

	once      sync.Once
	tmpl      *template.Template
	csrf      *csrf
	byAddr    *limiter
	byCheck   *limiter
	byDeclare *limiter
	byID      *limiter // declarations of a personal ID
	byLookup  *limiter // status lookups of a personal ID
	offices   officeCache
}

// Limit is a rate limit: Burst requests at once, then one every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

func (s *Server) init() {
	s.once.Do(func() {
		s.tmpl = template.Must(template.New("").Funcs(template.FuncMap{
			"fid": fieldID,
			"in": func(p *page, field, typ, ac, hint string) map[string]any {
				return map[string]any{"page": p, "field": field, "type": typ, "ac": ac, "hint": hint}
			},
			"sel": func(p *page, field string, options []option, role string) map[string]any {
				return map[string]any{"page": p, "field": field, "options": options, "role": role}
			},
			"withQuote": func(p *page, q *quoteView) quoteData { return quoteData{p, q} },
		}).ParseFS(files, "templates/*.html"))
		s.csrf = newCSRF(s.CSRFKey)
		s.csrf.behindTLS = func(r *http.Request) bool {
			a, err := netip.ParseAddr(clientAddress(r))
			return err == nil && s.trusted(a) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
		}
		if s.PerAddress.Burst == 0 {
			s.PerAddress = Limit{Burst: 60, Every: time.Second}
		}
		if s.Declarations.Burst == 0 {
			s.Declarations = Limit{Burst: 20, Every: 3 * time.Minute}
		}
		if s.PerID.Burst == 0 {
			s.PerID = Limit{Burst: 10, Every: 2 * time.Minute}
		}
		if s.StatusFloor == 0 {
			s.StatusFloor = 250 * time.Millisecond
		}
		s.byAddr = newLimiter(s.PerAddress.Burst, s.PerAddress.Every)
		s.byCheck = newLimiter(4*s.PerAddress.Burst, s.PerAddress.Every/4)
		s.byDeclare = newLimiter(s.Declarations.Burst, s.Declarations.Every)
		s.byID = newLimiter(s.PerID.Burst, s.PerID.Every)
		s.byLookup = newLimiter(s.PerID.Burst, s.PerID.Every)
	})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Routes adds the pages to mux, at the root path: "/" the declaration, "/tra-cuu" the status,
// "/xac-minh" the verification of a cover's QR text, "/static/" the style and script.
func (s *Server) Routes(mux *http.ServeMux) {
	s.init()
	mux.Handle("GET /static/{file}", s.guard(nil, func(w http.ResponseWriter, r *http.Request, p *page) {
		data, err := fs.ReadFile(files, "static/"+r.PathValue("file"))
		if err != nil {
			s.notFound(w, r, p)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeContent(w, r, r.PathValue("file"), time.Time{}, bytes.NewReader(data))
	}))
	mux.Handle("GET /{$}", s.guard(nil, s.declarePage))
	mux.Handle("POST /{$}", s.guard(s.byAddr, s.declare))
	mux.Handle("POST /kiem-tra", s.guard(s.byCheck, s.check))
	mux.Handle("GET /xa", s.guard(nil, s.communes))
	mux.Handle("POST /bien-nhan", s.guard(s.byAddr, s.receipt))
	mux.Handle("GET /tra-cuu", s.guard(nil, s.statusPage))
	mux.Handle("POST /tra-cuu", s.guard(s.byAddr, s.status))
	mux.Handle("GET /xac-minh", s.guard(nil, s.verifyPage))
	mux.Handle("POST /xac-minh", s.guard(s.byAddr, s.verify))
	mux.Handle("/", s.guard(nil, s.notFound))
}

// notFound is the answer to a path the pages do not have, with their headers.
func (s *Server) notFound(w http.ResponseWriter, _ *http.Request, p *page) {
	p.Title = p.T("web.error")
	p.Data = map[string]string{"Message": p.T("web.err.not_found")}
	s.render(w, http.StatusNotFound, "error.html", p)
}

// page is what every template gets: the language, the texts, the CSRF token.
type page struct {
	Lang  app.Lang
	Other app.Lang // the language the switch offers
	Path  string
	CSRF  string
	ref   *refdata.Reference
	Title string
	Data  any
}

// T is a text of the catalogue in the page's language.
func (p *page) T(key string, args ...string) string { return p.ref.Catalog.T(p.Lang, key, args...) }

// guard wraps a handler with the headers, the language and, for a post (limit set), the size
// limit, the address's rate limit and the CSRF check.
func (s *Server) guard(limit *limiter, h func(http.ResponseWriter, *http.Request, *page)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		p := &page{Lang: langOf(w, r), Path: getPath(r.URL.Path), ref: s.Ref.Get()}
		p.Other = app.EN
		if p.Lang == app.EN {
			p.Other = app.VI
		}
		if limit != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.refuse(w, r, p, http.StatusRequestEntityTooLarge, "web.err.too_large")
				} else {
					s.refuse(w, r, p, http.StatusBadRequest, "web.err.bad_form")
				}
				return
			}
			if ok, wait := limit.allow(s.clientKey(r), s.now()); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
				s.refuse(w, r, p, http.StatusTooManyRequests, "web.err.too_many")
				return
			}
			if !s.csrf.valid(r) {
				s.refuse(w, r, p, http.StatusForbidden, "web.err.csrf")
				return
			}
		}
		p.CSRF = s.csrf.token(w, r)
		h(w, r, p)
	})
}

// sameOrigin reports whether a post came from this site's own page: a browser names the page's
// origin on every post, and another site's must never get its values shown back as a form.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	_, host, ok := strings.Cut(o, "://")
	return ok && host == r.Host
}

// getPath is the page a language link leads to: a page answering posts only is shown through
// the page whose form posts to it.
func getPath(path string) string {
	switch path {
	case "/bien-nhan":
		return "/tra-cuu"
	case "/kiem-tra":
		return "/"
	}
	return path
}

// clientKey is what a request is rate-limited by: its client's address (IPv6 by its /64).
func (s *Server) clientKey(r *http.Request) string {
	addr, err := netip.ParseAddr(clientAddress(r))
	if err != nil {
		return clientAddress(r)
	}
	if s.trusted(addr) {
		// Through a load balancer of ours: the last address it was given that is not ours.
		// Every line of the header, in order: a proxy may add its own line after the client's.
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if !s.trusted(a) {
				addr = a
				break
			}
		}
	}
	if addr.Is6() && !addr.Is4In6() {
		pfx, _ := addr.Prefix(64)
		return pfx.String()
	}
	return addr.Unmap().String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// langOf is the page's language: ?lang= (kept in a cookie), else the cookie, else Vietnamese.
func langOf(w http.ResponseWriter, r *http.Request) app.Lang {
	if l := r.URL.Query().Get("lang"); l == string(app.EN) || l == string(app.VI) {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		return app.Lang(l)
	}
	if c, err := r.Cookie("lang"); err == nil && c.Value == string(app.EN) {
		return app.EN
	}
	return app.VI
}

// refuse answers a request the guard turned away, as a page (or JSON for the script).
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, p *page, status int, key string) {
	if s.Log != nil {
		s.Log.Warn("citizen refused", "path", r.URL.Path, "status", status, "why", key)
	}
	if r.Header.Get(csrfHeader) != "" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, status, map[string]any{"error": p.T(key)})
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/" && r.PostForm != nil && sameOrigin(r) {
		// A declaration turned away (too many posts, a form from before a restart) is shown again
		// with everything typed, a fresh token and the reason on top: nothing is lost.
		p.CSRF = s.csrf.token(w, r)
		s.showForm(w, r, p, status, valuesOf(r), []problem{{Field: "form", ID: "declare", Message: p.T(key)}})
		return
	}
	p.Title = p.T("web.error")
	p.Data = map[string]string{"Message": p.T(key)}
	s.render(w, status, "error.html", p)
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	if s.Log != nil {
		s.Log.Error("citizen page", "err", err)
	}
	http.Error(w, "Có lỗi ngoài dự kiến / An unexpected error", http.StatusInternalServerError)
}

// formOf reads the declaration from a posted form.
func formOf(r *http.Request) app.RegistrationForm { return FormOf(r.PostForm) }

// FormOf is the declaration in a form's values: its fields are named as the interchange keys
// (DESIGN §4), nested ones with a dot; "months" completes an ahead or missing-time method.
func FormOf(v url.Values) app.RegistrationForm {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	method := get("method")
	if method == string(app.Ahead) || method == string(app.Missing) {
		method += ":" + get("months")
	}
	return app.RegistrationForm{
		FullName: get("full_name"), Gender: get("gender"), BirthDate: get("birth_date"), Nationality: "VN", Ethnicity: get("ethnicity"),
		PersonalID: get("personal_id"), OldSICode: get("old_si_code"), Phone: get("phone"), Email: get("email"),
		BirthRegistration: app.PlaceForm{Province: get("birth_registration.province"), Commune: get("birth_registration.commune")},
		Address:           app.AddressForm{Province: get("address.province"), Commune: get("address.commune"), Detail: get("address.detail")},
		Income:            app.Amount(get("income")), Method: method, StartMonth: get("start_month"), SupportGroup: get("support_group"),
		LocalGroups: v["local_groups"], Requests: get("other_requests"),
	}
}

// problems are a validation error's messages by field, in the page's language, and in order.
type problem struct{ Field, ID, Message string }

func problemsOf(p *page, err error, v url.Values) ([]problem, bool) {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		out := make([]problem, 0, len(ve.Problems))
		for _, fp := range ve.Problems {
			f := FieldOf(fp.Field, v)
			out = append(out, problem{Field: f, ID: fieldID(f), Message: p.ref.Catalog.Problem(p.Lang, fp)})
		}
		return out, true
	}
	var ae *app.Error
	if errors.As(err, &ae) && ae.Kind != app.Internal {
		field := FieldOf(ae.Field, v)
		if field == "" {
			field = "form"
		}
		return []problem{{Field: field, ID: fieldID(field), Message: p.ref.Catalog.Message(p.Lang, err)}}, true
	}
	return nil, false
}

// FieldOf is the page's field a problem of the form's field belongs to: the page asks the
// months of an ahead or missing-time payment in a field of their own, so a problem of the
// method is the months' when those were asked.
func FieldOf(field string, v url.Values) string {
	if m := strings.TrimSpace(v.Get("method")); field == "method" && (m == string(app.Ahead) || m == string(app.Missing)) {
		return "months"
	}
	return field
}

// fieldID is the HTML id of a field's input.
func fieldID(field string) string { return "f-" + strings.ReplaceAll(field, ".", "-") }

// quoteView is a quote as the pages show it.
type quoteView struct {
	Period, Monthly, Gross, State, Local, Discount, Interest, Payable, Deadline string
	Basis                                                                       []string
	Warnings                                                                    []string
	// Methods are what the same declaration pays by each regular method, to compare.
	Methods []string
}

// withMethods adds to v what the form would pay by each regular method.
func withMethods(p *page, v *quoteView, f app.RegistrationForm, paid calendar.Date) *quoteView {
	if k, _, _ := strings.Cut(f.Method, ":"); k == string(app.Ahead) || k == string(app.Missing) {
		return v // a payment of its own kind: nothing to compare it with
	}
	for _, m := range []string{"monthly", "3-months", "6-months", "12-months"} {
		f.Method = m
		if q, err := p.ref.Rules.QuoteForm(f, paid); err == nil {
			v.Methods = append(v.Methods, p.T("method."+m)+": "+q.Payable.String())
		}
	}
	return v
}

func quoteOf(p *page, q app.Quote) *quoteView {
	v := &quoteView{
		Period:   p.T("web.quote.period", "from", q.FromMonth.VNString(), "to", q.ToMonth.VNString(), "months", strconv.Itoa(q.Months)),
		Monthly:  q.MonthlyGross.String(),
		Gross:    q.Gross.String(),
		Payable:  q.Payable.String(),
		Deadline: q.Deadline.VNString(),
	}
	if q.StateSupport > 0 {
		v.State = "−" + q.StateSupport.String()
	}
	if q.LocalSupport > 0 {
		v.Local = "−" + q.LocalSupport.String()
	}
	if q.Discount > 0 {
		v.Discount = "−" + q.Discount.String()
	}
	if q.Interest > 0 {
		v.Interest = "+" + q.Interest.String()
	}
	for _, r := range q.Rules {
		v.Basis = append(v.Basis, p.T("table."+r.Table)+": "+r.Source)
	}
	for _, w := range q.Warnings {
		v.Warnings = append(v.Warnings, citizenWarning(p, w))
	}
	return v
}

// citizenWarning says to the citizen what a quote's warning means for them (the catalogue's
// wording is for the officer).
func citizenWarning(p *page, w string) string {
	kind, rest, _ := strings.Cut(w, ":")
	table, from, _ := strings.Cut(rest, ":")
	switch kind {
	case "rule_reported":
		return p.T("web.warn.reported", "table", p.T("table."+table))
	case "rule_pending":
		if m, err := app.ParseMonth(from); err == nil {
			from = m.VNString()
		}
		return p.T("web.warn.pending", "table", p.T("table."+table), "from", from)
	}
	return p.ref.Catalog.Warning(p.Lang, w)
}

// quoteData is what the quote template shows: a quote on a page.
type quoteData struct {
	*page
	Quote *quoteView
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// group is a labelled group of options (an optgroup).
type group struct {
	Label   string
	Options []option
}

// formView is the declaration page's data.
type formView struct {
	Values      map[string]string
	Problems    []problem
	ByField     map[string]string
	Quote       *quoteView
	QuoteErr    string
	Provinces   []option
	BirthProvs  []option
	AddrComm    []option
	BirthComm   []option
	Ethnicities []option
	Groups      []option
	LocalGroups []option
	Methods     []option
	Genders     []option
	Offices     []group
	NoOffices   bool
}

// declarePage is the empty declaration.
func (s *Server) declarePage(w http.ResponseWriter, r *http.Request, p *page) {
	v := map[string]string{"start_month": app.MonthOfDate(s.today()).Add(1).String(), "method": "monthly", "once": newOnce()}
	if pr := r.URL.Query().Get("tinh"); len(pr) == 2 {
		v["address.province"] = pr // a province chosen without the script (no personal data)
	}
	s.showForm(w, r, p, http.StatusOK, v, nil)
}

func (s *Server) today() calendar.Date { return calendar.DateOf(s.now().In(calendar.VN)) }

// showForm renders the declaration with values, its problems and the quote.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, p *page, status int, values map[string]string, probs []problem) {
	ref := p.ref
	fv := formView{Values: values, Problems: probs, ByField: map[string]string{}}
	for _, pr := range probs {
		if _, ok := fv.ByField[pr.Field]; !ok {
			fv.ByField[pr.Field] = pr.Message
		}
	}
	sel := func(field, value string) bool { return values[field] == value }
	for _, pr := range ref.Places.Provinces {
		fv.Provinces = append(fv.Provinces, option{pr.Code, pr.Name, sel("address.province", pr.Code)})
		fv.BirthProvs = append(fv.BirthProvs, option{pr.Code, pr.Name, sel("birth_registration.province", pr.Code)})
	}
	communes := func(prov, field string) []option {
		pr, ok := ref.Places.Province(prov)
		if !ok {
			return nil
		}
		out := make([]option, 0, len(pr.Communes))
		for _, c := range pr.Communes {
			out = append(out, option{c.Code, c.Name, sel(field, c.Code)})
		}
		return out
	}
	fv.AddrComm = communes(values["address.province"], "address.commune")
	fv.BirthComm = communes(values["birth_registration.province"], "birth_registration.commune")
	for _, e := range ref.Places.Ethnicities {
		fv.Ethnicities = append(fv.Ethnicities, option{e.Code, e.Name, sel("ethnicity", e.Code)})
	}
	for _, g := range app.SupportGroups {
		fv.Groups = append(fv.Groups, option{string(g), p.T("group." + string(g)), sel("support_group", string(g))})
	}
	for _, g := range ref.Rules.LocalGroups[values["address.province"]] {
		name := g.NameVI
		if p.Lang == app.EN {
			name = g.NameEN
		}
		fv.LocalGroups = append(fv.LocalGroups, option{g.ID, name, strings.Contains(","+values["local_groups"]+",", ","+g.ID+",")})
	}
	for _, m := range []struct{ v, key string }{{"monthly", "method.monthly"}, {"3-months", "method.3-months"}, {"6-months", "method.6-months"},
		{"12-months", "method.12-months"}, {"ahead", "method.ahead"}, {"missing", "method.missing"}} {
		fv.Methods = append(fv.Methods, option{m.v, p.T(m.key), sel("method", m.v)})
	}
	fv.Genders = []option{{"nam", p.T("web.gender.male"), sel("gender", "nam")}, {"nu", p.T("web.gender.female"), sel("gender", "nu")}}
	offices, err := s.offices.get(r.Context(), s.Service)
	if err != nil {
		s.fail(w, err)
		return
	}
	byProv := map[string]*group{}
	var provs []string
	for _, o := range offices {
		g, ok := byProv[o.Province]
		if !ok {
			name := o.Province
			if pr, ok := ref.Places.Province(o.Province); ok {
				name = pr.Name
			}
			g = &group{Label: name}
			byProv[o.Province] = g
			provs = append(provs, o.Province)
		}
		label := o.Name
		if c, ok := ref.Places.CommuneName(o.Province, o.Commune); ok {
			label += " — " + c
		}
		g.Options = append(g.Options, option{o.Agency, label, sel("office", o.Agency)})
	}
	sort.Strings(provs)
	for _, pr := range provs {
		fv.Offices = append(fv.Offices, *byProv[pr])
	}
	fv.NoOffices = len(offices) == 0
	f := formFromValues(values)
	if q, err := ref.Rules.QuoteForm(f, s.today()); err == nil {
		fv.Quote = withMethods(p, quoteOf(p, q), f, s.today())
	} else if values["income"] != "" {
		fv.QuoteErr = p.ref.Catalog.Message(p.Lang, err)
	}
	p.Title = p.T("web.declare.title")
	p.Data = fv
	s.render(w, status, "declare.html", p)
}

// valuesOf are a posted form's values by field, to show it again.
func valuesOf(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, vs := range r.PostForm {
		if k == csrfField {
			continue
		}
		out[k] = strings.TrimSpace(strings.Join(vs, ","))
	}
	return out
}

// formFromValues is FormOf for values kept in a map.
func formFromValues(v map[string]string) app.RegistrationForm {
	vs := url.Values{}
	for k, x := range v {
		if k == "local_groups" {
			if x != "" {
				vs[k] = strings.Split(x, ",")
			}
			continue
		}
		vs.Set(k, x)
	}
	return FormOf(vs)
}

// declare receives a declaration: shown again with its problems, or received.
func (s *Server) declare(w http.ResponseWriter, r *http.Request, p *page) {
	values := valuesOf(r)
	if r.PostForm.Get("refresh") != "" {
		// Without the script, choosing a province posts the form to list its communes.
		s.showForm(w, r, p, http.StatusOK, values, nil)
		return
	}
	form := formOf(r)
	ref := s.Ref.Get()
	probs := []problem{}
	if _, err := s.Ref.Validator().Validate(form); err != nil {
		ps, ok := problemsOf(p, err, r.PostForm)
		if !ok {
			s.fail(w, err)
			return
		}
		probs = ps
	}
	office := strings.TrimSpace(r.PostForm.Get("office"))
	if office == "" {
		probs = append(probs, problem{Field: "office", ID: fieldID("office"), Message: p.T("field.office") + ": " + p.T("err.required")})
	}
	if !r.PostForm.Has("consent") {
		probs = append(probs, problem{Field: "consent", ID: fieldID("consent"), Message: p.T("web.err.consent")})
	}
	if len(probs) > 0 {
		s.showForm(w, r, p, http.StatusUnprocessableEntity, values, probs)
		return
	}
	now := s.now()
	if ok, _ := s.byDeclare.allow(s.clientKey(r), now); !ok {
		s.refuse(w, r, p, http.StatusTooManyRequests, "web.err.too_many")
		return
	}
	if ok, _ := s.byID.allow(idKey(form.PersonalID), now); !ok {
		s.refuse(w, r, p, http.StatusTooManyRequests, "web.err.too_many")
		return
	}
	d, err := s.Service.DeclareOnline(r.Context(), ref, s.Ref.Validator(), office, form, r.PostForm.Get("once"))
	if err != nil {
		if ps, ok := problemsOf(p, err, r.PostForm); ok {
			s.showForm(w, r, p, http.StatusUnprocessableEntity, values, ps)
			return
		}
		s.fail(w, err)
		return
	}
	p.Title = p.T("web.received.title")
	v := s.received(r.Context(), p, d)
	v.Token = s.receiptToken(r, d.Code, d.Form.PersonalID)
	p.Data = v
	s.render(w, http.StatusOK, "received.html", p)
}

// receiptToken lets the browser that declared, and only it, download the receipt: an HMAC of
// the dossier, the personal ID and the browser's CSRF cookie. Anyone else looks the dossier up.
func (s *Server) receiptToken(r *http.Request, code, pid string) string {
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return ""
	}
	return s.csrf.mac("receipt\x00" + code + "\x00" + pid + "\x00" + ck.Value)
}

// receivedView is the page after a declaration was received.
type receivedView struct {
	Code, Received, Due, Office, Name, PersonalID, Token string
	Quote                                                *quoteView
	Steps                                                []string
}

func (s *Server) received(ctx context.Context, p *page, d app.Dossier) receivedView {
	v := receivedView{Code: d.Code, Received: d.Received.In(calendar.VN).Format("15:04 02/01/2006"), Due: d.Due.VNString(),
		Office: s.officeName(ctx, d.Office), Name: d.Form.FullName, PersonalID: d.Form.PersonalID, Quote: quoteOf(p, d.Quote)}
	for _, st := range d.Steps {
		v.Steps = append(v.Steps, st.Name(p.Lang)+" ("+p.T("web.days", "n", strconv.Itoa(st.Days))+")")
	}
	return v
}

func (s *Server) officeName(ctx context.Context, agency string) string {
	if l, ok, err := s.Service.OfficeListingOf(ctx, agency); err == nil && ok {
		return l.Name
	}
	return agency
}

// check is the script's live check: the problems of the fields and the quote, as JSON.
func (s *Server) check(w http.ResponseWriter, r *http.Request, p *page) {
	form := formOf(r)
	out := map[string]any{}
	probs := map[string]string{}
	if _, err := s.Ref.Validator().Validate(form); err != nil {
		ps, _ := problemsOf(p, err, r.PostForm)
		for _, pr := range ps {
			if _, ok := probs[pr.Field]; !ok {
				probs[pr.Field] = pr.Message
			}
		}
	}
	out["problems"] = probs
	if q, err := p.ref.Rules.QuoteForm(form, s.today()); err == nil {
		var buf bytes.Buffer
		if err := s.tmpl.ExecuteTemplate(&buf, "quote", quoteData{p, withMethods(p, quoteOf(p, q), form, s.today())}); err != nil {
			s.fail(w, err)
			return
		}
		out["quote"] = buf.String()
	} else {
		out["quote_error"] = p.ref.Catalog.Message(p.Lang, err)
	}
	writeJSON(w, http.StatusOK, out)
}

// communes lists a province's communes for the script's select (no personal data in the URL:
// only a province code).
func (s *Server) communes(w http.ResponseWriter, r *http.Request, p *page) {
	pr, ok := p.ref.Places.Province(r.URL.Query().Get("tinh"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "province"})
		return
	}
	out := make([][2]string, 0, len(pr.Communes))
	for _, c := range pr.Communes {
		out = append(out, [2]string{c.Code, c.Name})
	}
	groups := [][2]string{}
	for _, g := range p.ref.Rules.LocalGroups[pr.Code] {
		name := g.NameVI
		if p.Lang == app.EN {
			name = g.NameEN
		}
		groups = append(groups, [2]string{g.ID, name})
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Vary", "Cookie")
	writeJSON(w, http.StatusOK, map[string]any{"communes": out, "local_groups": groups})
}

// lookup finds a dossier by code and personal ID, rate-limited per personal ID, and always
// takes StatusFloor: found, not found and a wrong personal ID look and last the same.
func (s *Server) lookup(r *http.Request) (app.Dossier, bool, bool, error) {
	start := time.Now()
	defer func() {
		if d := s.StatusFloor - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}()
	pid := strings.TrimSpace(r.PostForm.Get("personal_id"))
	if ok, _ := s.byLookup.allow(idKey(pid), s.now()); !ok {
		return app.Dossier{}, false, true, nil
	}
	d, found, err := s.Service.OnlineStatus(r.Context(), r.PostForm.Get("code"), pid, false)
	return d, found, false, err
}

func (s *Server) statusPage(w http.ResponseWriter, _ *http.Request, p *page) {
	p.Title = p.T("web.status.title")
	p.Data = statusView{}
	s.render(w, http.StatusOK, "status.html", p)
}

// statusView is the status page's data.
type statusView struct {
	Asked, Found             bool
	Code, State, Detail, Due string
	Office                   string
	Events                   []string
	Asking                   string // the code asked for, shown again
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, p *page) {
	d, found, limited, err := s.lookup(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	if limited {
		s.refuse(w, r, p, http.StatusTooManyRequests, "web.err.too_many")
		return
	}
	p.Title = p.T("web.status.title")
	v := statusView{Asked: true, Found: found, Asking: strings.TrimSpace(r.PostForm.Get("code"))}
	if found {
		v.Code, v.Due, v.Office = d.Code, d.Due.VNString(), s.officeName(r.Context(), d.Office)
		v.State, v.Detail = statusOf(p, d)
		for _, ev := range d.Timeline {
			line := ev.At.In(calendar.VN).Format("02/01/2006 15:04") + " — " + p.T("web.event."+string(ev.Action))
			v.Events = append(v.Events, line)
		}
	}
	p.Data = v
	s.render(w, http.StatusOK, "status.html", p)
}

// statusOf is what a citizen is told of a dossier: received, being processed, needs
// completion (with what is missing), rejected (with the reason), result ready.
func statusOf(p *page, d app.Dossier) (string, string) {
	last := app.Event{}
	if n := len(d.Timeline); n > 0 {
		last = d.Timeline[n-1]
	}
	reason := strings.TrimSpace(last.Reason)
	missing := strings.Join(d.Missing, "; ")
	switch {
	case d.State == app.StateRejected:
		return p.T("web.state.rejected"), firstNonEmpty(d.Reason, reason)
	case d.State == app.StateDone:
		return p.T("web.state.done"), ""
	case d.State == app.StateReturned:
		return p.T("web.state.returned"), firstNonEmpty(missing, d.Reason, reason)
	case len(d.Timeline) <= 1:
		return p.T("web.state.received"), ""
	}
	return p.T("web.state.processing"), ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// receipt is the receipt PDF of an online dossier, for the browser that declared it (the
// receipt token of the page it was given). It prints in Vietnamese: it is the legal receipt.
func (s *Server) receipt(w http.ResponseWriter, r *http.Request, p *page) {
	code, pid := strings.TrimSpace(r.PostForm.Get("code")), strings.TrimSpace(r.PostForm.Get("personal_id"))
	want := s.receiptToken(r, code, pid)
	if want == "" || !hmac.Equal([]byte(want), []byte(r.PostForm.Get("rt"))) {
		s.refuse(w, r, p, http.StatusForbidden, "web.err.receipt_elsewhere")
		return
	}
	d, found, err := s.Service.OnlineStatus(r.Context(), code, pid, true)
	if err != nil {
		s.fail(w, err)
		return
	}
	if !found || d.Channel != app.ChannelOnline {
		s.refuse(w, r, p, http.StatusNotFound, "web.status.none")
		return
	}
	office := app.Office{Agency: d.Office, Name: d.Office}
	if l, ok, err := s.Service.OfficeListingOf(r.Context(), d.Office); err == nil && ok {
		office.Name, office.Province, office.Commune, office.Address = l.Name, l.Province, l.Commune, l.Address
	}
	cat := p.ref.Catalog
	data := printout.ReceiptData(cat, p.ref.Places, intake.ReceiptInfo{Dossier: d, Office: office,
		Receiver: app.User{Name: central.OnlineActor, FullName: cat.T(app.VI, "web.receipt.receiver")}}, app.VI)
	data.ResultChannel = cat.T(app.VI, "web.receipt.channel")
	var buf bytes.Buffer
	if err := pdf.Receipt(&buf, data); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="bien-nhan-`+d.Code+`.pdf"`)
	_, _ = w.Write(buf.Bytes())
}

// verifyView is the verification page's data.
type verifyView struct {
	Asked, Valid                          bool
	Empty                                 string
	Outcome, Message, Status, Office, Key string
	Name, BookNumber, Issued              string
	QR                                    string
}

func (s *Server) verifyPage(w http.ResponseWriter, _ *http.Request, p *page) {
	p.Title = p.T("web.verify.title")
	p.Data = verifyView{}
	s.render(w, http.StatusOK, "verify.html", p)
}

// verify checks a cover's QR text against the keys the centre publishes to every desk: what
// `bhxh verify` says offline.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, p *page) {
	text := strings.TrimSpace(r.PostForm.Get("qr"))
	p.Title = p.T("web.verify.title")
	if text == "" {
		p.Data = verifyView{Empty: p.T("web.verify.empty")}
		s.render(w, http.StatusUnprocessableEntity, "verify.html", p)
		return
	}
	v := p.ref.Keys.Verify(text, s.now())
	view := verifyView{Asked: true, Valid: v.Valid(), Outcome: p.T("verify.outcome." + string(v.Outcome)),
		Message: v.Message(p.ref.Catalog, p.Lang), QR: text}
	// What a seal says is shown only when its signature is a known key's: a forged text must
	// not be displayed as if it were a book's.
	if v.Decoded && v.Valid() {
		sl := v.Seal
		view.Status = p.T("web.seal." + sl.Status.String())
		view.Office, view.Name, view.BookNumber = sl.Office, sl.Name, sl.BookNumber()
		view.Issued = sl.Issued.In(calendar.VN).Format("02/01/2006 15:04")
		if v.KeyKnown {
			view.Key = v.Key.Office + "/" + v.Key.Device
		}
	}
	p.Title = p.T("web.verify.title")
	p.Data = view
	s.render(w, http.StatusOK, "verify.html", p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newOnce is a declaration form's one-time value: sent again with it, the declaration returns
// the dossier it made (a reload of the receipt page, a double click).
func newOnce() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// officeCache keeps the offices the pages list for a short while: every page and every refused
// declaration shows them, and they change when the province lists one.
type officeCache struct {
	mu      sync.Mutex
	at      time.Time
	offices []central.OnlineOffice
}

func (c *officeCache) get(ctx context.Context, svc *central.Service) ([]central.OnlineOffice, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offices != nil && time.Since(c.at) < 30*time.Second {
		return c.offices, nil
	}
	os, err := svc.OnlineOffices(ctx)
	if err != nil {
		return nil, err
	}
	c.offices, c.at = append([]central.OnlineOffice{}, os...), time.Now()
	return c.offices, nil
}
