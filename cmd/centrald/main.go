// Command centrald is the reference central server of the offline voluntary-insurance desk: the
// intake service (dossiers), the records service (participants, periods, book covers) and the
// accounting feed (payment vouchers), with the sync protocol the desks speak (DESIGN §3). It
// runs with nothing else installed — its data then lives in an encrypted Badger folder
// (--data DIR) — or, for a province or the nation, on PostgreSQL (--db postgres://…, or the
// CENTRALD_DB environment variable), where any number of replicas serve one database.
//
//	centrald serve   --data DIR --addr 127.0.0.1:8080 [--tls-cert F --tls-key F [--client-ca F]]
//	centrald enroll  --data DIR --office CODE --device NAME     (prints the device token)
//	centrald enroll  --data DIR --feed --device NAME            (a token for the accounting system)
//	centrald device revoke  --data DIR --office CODE --device NAME  (a lost desk: token and key withdrawn)
//	centrald device reenrol --data DIR --office CODE --device NAME  (a new token; the old one refused)
//	centrald voucher post --data DIR FILE.json                  (vouchers from the accounting feed)
//	centrald history --data DIR FILE.json                       (the national records of people)
//	centrald publish --data DIR --path rules/X.json FILE        (reference data to every office)
//	centrald reviews --data DIR [--all] [--json]                (identity reviews)
//
// Every command takes --db URL in place of --data DIR. On Badger, while `serve` runs it holds
// the store; the other commands then reach it through its admin endpoint with the admin token
// it keeps in DIR/admin.json (readable by its owner only). On PostgreSQL every command works
// on the database directly, beside the running replicas; no admin token exists.
//
// Exit status: 0 success; 1 refused by a rule; 2 usage error or unreadable input.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/catalog"
	"bhxhdesk/central"
	"bhxhdesk/citizen"
	"bhxhdesk/refdata"
	"bhxhdesk/storage"
)

var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `centrald — máy chủ trung tâm tham chiếu / reference central server %s

  centrald serve   --data DIR --addr 127.0.0.1:8080 [--tls-cert F --tls-key F [--client-ca F]]
                   [--citizen-addr ADDR] [--trusted-proxy CIDR,…]   (the citizens' pages: README "Citizens declare online")
  centrald serve   --db postgres://… [--db-read postgres://standby…] --addr :8080 …
  centrald enroll  --data DIR --office CODE --device NAME | --feed --device NAME [--json]
  centrald device revoke|reenrol --data DIR --office CODE --device NAME [--json]
  centrald voucher post --data DIR FILE.json|-
  centrald publish --data DIR --path rules/X.json FILE
  centrald reviews --data DIR [--all] [--json]
  centrald report  --data DIR --province PP --month YYYY-MM [--json]   (the sum of the offices' monthly reports)
  centrald office  --data DIR --office CODE --name NAME --province PP --commune CCCCC [--address A] [--online=false]
                   (lists the office on the citizens' pages; it takes online declarations unless --online=false)
  centrald import  --data DIR FILE [--out ANSWER]           (a desk's offline transfer file)
  centrald history --data DIR [--json] FILE.json|-          (the national records of people: months of contributions,
                   compulsory insurance, pension — [{"personal_id","months","first_joined","compulsory_from",
                   "compulsory_to","pension","source"}]; the offices' desks receive it)
  centrald version

  Every command takes --db URL (or CENTRALD_DB) in place of --data DIR: the store on PostgreSQL.
`

// adminFile is where a running server leaves its address and admin token.
const adminFile = "admin.json"

type adminInfo struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, version)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if cmd == "voucher" {
		if len(rest) == 0 || rest[0] != "post" {
			fmt.Fprintf(stderr, usage, version)
			return 2
		}
		cmd, rest = "voucher post", rest[1:]
	}
	if cmd == "device" {
		if len(rest) == 0 || (rest[0] != "revoke" && rest[0] != "reenrol") {
			fmt.Fprintf(stderr, usage, version)
			return 2
		}
		cmd, rest = "device "+rest[0], rest[1:]
	}
	if cmd == "version" {
		fmt.Fprintln(stdout, version)
		return 0
	}
	fset := flag.NewFlagSet("centrald "+cmd, flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data folder (the embedded store)")
	db := fset.String("db", os.Getenv("CENTRALD_DB"), "the central database on PostgreSQL (postgres://…), in place of --data")
	dbRead := fset.String("db-read", "", "a streaming standby for read-only work (serve --db)")
	keysEvery := fset.Duration("keys-every", 2*time.Minute, "publish the trusted-keys file at most this often while desks enrol (serve)")
	keyFile := fset.String("key-file", "", "the data key file (default DIR/central.key)")
	addr := fset.String("addr", "127.0.0.1:8080", "listen address (serve)")
	cert := fset.String("tls-cert", "", "TLS certificate (PEM); TLS 1.3 only (serve)")
	key := fset.String("tls-key", "", "TLS private key (PEM) (serve)")
	clientCA := fset.String("client-ca", "", "require client certificates signed by this CA (serve)")
	office := fset.String("office", "", "agency code of the office (enroll)")
	device := fset.String("device", "", "name of the desk: letters, digits, . _ - (enroll)")
	feed := fset.Bool("feed", false, "enrol the accounting system's feed instead of a desk (enroll)")
	pathF := fset.String("path", "", "where the file goes in the desks' rules folder, e.g. rules/reference_level.json (publish)")
	all := fset.Bool("all", false, "include decided reviews (reviews)")
	asJSON := fset.Bool("json", false, "print JSON")
	answerOut := fset.String("out", "", "where to write the answer file (import; default FILE.answer)")
	officeName := fset.String("name", "", "the office's name as citizens see it (office)")
	province := fset.String("province", "", "the office's two-digit province code (office)")
	commune := fset.String("commune", "", "the office's five-digit commune code (office)")
	address := fset.String("address", "", "the office's address (office)")
	month := fset.String("month", "", "the month, YYYY-MM (report)")
	online := fset.Bool("online", true, "the office takes declarations citizens make online, public service 602e (office)")
	citizenAddr := fset.String("citizen-addr", "",
		"serve the citizens' pages on their own listener, same TLS certificate, no client certificate (serve; needed with --client-ca)")
	proxies := fset.String("trusted-proxy", "", "comma-separated addresses or CIDRs of the load balancers whose X-Forwarded-For is trusted (serve)")
	if err := fset.Parse(rest); err != nil {
		return 2
	}
	if *data == "" && *db == "" {
		fmt.Fprintln(stderr, "centrald: cần --data DIR hoặc --db URL / --data DIR or --db URL is required")
		return 2
	}
	where := storeAt{dir: *data, keyFile: *keyFile, db: *db, dbRead: *dbRead, keysEvery: *keysEvery}
	ref, err := assets.Load()
	if err != nil {
		fmt.Fprintln(stderr, "centrald:", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "centrald: "+ref.Catalog.Message(app.VI, err)+" / "+ref.Catalog.Message(app.EN, err))
		if k := app.KindOf(err); k == app.Invalid || k == app.Conflict || k == app.Forbidden {
			return 1
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var req central.AdminRequest
	switch cmd {
	case "serve":
		trusted, err := parsePrefixes(*proxies)
		if err != nil {
			fmt.Fprintln(stderr, "centrald: --trusted-proxy:", err)
			return 2
		}
		pages := pagesConfig{addr: *citizenAddr, trusted: trusted}
		if *clientCA != "" && *citizenAddr == "" {
			fmt.Fprintln(stderr, "centrald: --client-ca requires a desk's certificate on every connection: the citizens' pages need"+
				" --citizen-addr to be reachable / with --client-ca, serve the citizens' pages with --citizen-addr")
		}
		if *citizenAddr != "" {
			pages.listen = central.ListenConfig{Addr: *citizenAddr, CertFile: *cert, KeyFile: *key}
		}
		return serve(
			ctx,
			where,
			central.ListenConfig{Addr: *addr, CertFile: *cert, KeyFile: *key, ClientCAFile: *clientCA},
			pages,
			ref.Catalog,
			stdout,
			stderr,
		)
	case "enroll":
		req = central.AdminRequest{Cmd: "enroll", Office: *office, Device: *device, Feed: *feed}
	case "device revoke", "device reenrol":
		if *office == "" || *device == "" {
			fmt.Fprintf(stderr, usage, version)
			return 2
		}
		req = central.AdminRequest{Cmd: strings.TrimPrefix(cmd, "device "), Office: *office, Device: *device}
	case "history", "voucher post", "publish":
		if fset.NArg() != 1 {
			fmt.Fprintf(stderr, usage, version)
			return 2
		}
		raw, err := readArg(fset.Arg(0), stdin)
		if err != nil || !json.Valid(raw) {
			fmt.Fprintln(stderr, "centrald: tệp phải là JSON / the file must be JSON:", err)
			return 2
		}
		req = central.AdminRequest{Cmd: "vouchers", Data: raw}
		if cmd == "history" {
			req.Cmd = "history"
		}
		if cmd == "publish" {
			if *pathF == "" || path.Clean(*pathF) != *pathF {
				fmt.Fprintln(stderr, "centrald publish --path rules/X.json FILE")
				return 2
			}
			req = central.AdminRequest{Cmd: "publish", Path: *pathF, Data: raw}
		}
	case "reviews":
		req = central.AdminRequest{Cmd: "reviews", All: *all}
	case "report":
		if _, ok := ref.Places.Province(*province); !ok {
			fmt.Fprintf(stderr, "centrald report: mã tỉnh %q không có trong danh mục / province %q is not in the code list\n", *province, *province)
			return 1
		}
		req = central.AdminRequest{Cmd: "report", Province: *province, Month: *month}
	case "office":
		if _, ok := ref.Places.Province(*province); !ok {
			fmt.Fprintf(stderr, "centrald office: mã tỉnh %q không có trong danh mục / province %q is not in the code list\n", *province, *province)
			return 1
		}
		if _, ok := ref.Places.CommuneName(*province, *commune); !ok {
			fmt.Fprintf(stderr, "centrald office: mã xã %q không thuộc tỉnh %s / commune %q is not in province %s\n", *commune, *province, *commune,
				*province)
			return 1
		}
		req = central.AdminRequest{Cmd: "office", Office: *office, Listing: &central.OfficeListing{Name: *officeName, Province: *province,
			Commune: *commune, Address: *address, Online: *online}}
	case "import":
		if fset.NArg() != 1 {
			fmt.Fprintf(stderr, usage, version)
			return 2
		}
		raw, err := readArg(fset.Arg(0), stdin)
		if err != nil {
			fmt.Fprintln(stderr, "centrald:", err)
			return 2
		}
		req = central.AdminRequest{Cmd: "import", File: raw}
		if *answerOut == "" {
			*answerOut = fset.Arg(0) + ".answer"
		}
	default:
		fmt.Fprintf(stderr, usage, version)
		return 2
	}
	out, err := admin(ctx, where, req)
	if err != nil {
		return fail(err)
	}
	if (cmd == "enroll" || cmd == "device reenrol") && !*asJSON {
		m := out.(map[string]any)
		fmt.Fprintf(stdout, "device %s\ntoken %s\n", m["device"], m["token"])
		return 0
	}
	if cmd == "import" {
		var ans struct {
			Answer []byte `json:"answer"`
		}
		b, _ := json.Marshal(out)
		if err := json.Unmarshal(b, &ans); err != nil || len(ans.Answer) == 0 {
			fmt.Fprintln(stderr, "centrald: no answer")
			return 2
		}
		if err := storage.WriteFileAtomic(*answerOut, ans.Answer); err != nil {
			fmt.Fprintln(stderr, "centrald:", err)
			return 2
		}
		fmt.Fprintf(stdout, "applied; answer written to %s\n", *answerOut)
		return 0
	}
	if cmd == "report" && !*asJSON {
		var pr central.ProvinceReport
		b, _ := json.Marshal(out)
		if err := json.Unmarshal(b, &pr); err != nil {
			fmt.Fprintln(stderr, "centrald:", err)
			return 2
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "office\tat start\tnew\tback\tstopped\tat end\tpayments\tstate support\tprovince support\tcollected\t")
		line := func(name string, l app.ReportLine) {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", name, l.AtStart, l.New, l.Back, l.Stopped, l.AtEnd, l.Payments,
				l.StateSupport.Grouped(), l.LocalSupport.Grouped(), l.Collected.Grouped())
		}
		for _, r := range pr.Offices {
			line(r.Office, r.Total)
		}
		line("province "+pr.Province, pr.Total.Total)
		_ = tw.Flush()
		if len(pr.Missing) > 0 {
			fmt.Fprintf(stdout, "no report yet from: %s\n", strings.Join(pr.Missing, ", "))
		}
		return 0
	}
	if cmd == "reviews" && !*asJSON {
		var rs []app.IdentityReview
		b, _ := json.Marshal(out)
		_ = json.Unmarshal(b, &rs)
		for _, r := range rs {
			fmt.Fprintf(
				stdout,
				"%s %s differs=%s records=%d\n",
				r.ID,
				app.PersonalID(r.PersonalID).Masked(),
				strings.Join(r.Differs, ","),
				len(r.Records),
			)
		}
		return 0
	}
	return writeJSON(stdout, out)
}

// storeAt is where the store is: a Badger folder, or a PostgreSQL database.
type storeAt struct {
	dir, keyFile, db, dbRead string
	keysEvery                time.Duration // serve: Service.KeysEvery
}

func (w storeAt) open(ctx context.Context) (central.Store, error) {
	if w.db != "" {
		return central.OpenPostgres(ctx, central.PostgresConfig{URL: w.db, ReadURL: w.dbRead})
	}
	return central.OpenBadger(w.dir, w.keyFile)
}

// describe names the store for the log, without a password.
func (w storeAt) describe() string {
	if w.db == "" {
		return "data " + w.dir
	}
	if u, err := url.Parse(w.db); err == nil {
		u.User = nil
		return "database " + u.Redacted()
	}
	return "database"
}

// admin runs a command on the store directly when no server holds it (always, on PostgreSQL),
// else through the running server's admin endpoint.
func admin(ctx context.Context, where storeAt, req central.AdminRequest) (any, error) {
	store, err := where.open(ctx)
	if err == nil {
		defer store.Close()
		res, err := (&central.Service{Store: store}).Admin(ctx, req)
		if err != nil {
			return nil, err
		}
		var out any
		b, _ := json.Marshal(res)
		return out, json.Unmarshal(b, &out)
	}
	if where.db != "" {
		return nil, err
	}
	raw, ferr := os.ReadFile(filepath.Join(where.dir, adminFile))
	if ferr != nil {
		return nil, err // no running server: the open error says why
	}
	var info adminInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, err
	}
	c, err := central.NewClient(central.ClientConfig{BaseURL: info.URL, Token: info.Token})
	if err != nil {
		return nil, err
	}
	var out any
	return out, c.Admin(ctx, req, &out)
}

// pagesConfig is where the citizens' pages are served: beside the protocol (addr empty), or on
// a listener of their own (listen), and which proxies' forwarded addresses they trust.
type pagesConfig struct {
	addr    string
	listen  central.ListenConfig
	trusted []netip.Prefix
}

// parsePrefixes reads a comma-separated list of addresses and CIDRs.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func serve(ctx context.Context, where storeAt, lc central.ListenConfig, pages pagesConfig, cat *catalog.Catalog, stdout, stderr io.Writer) int {
	if where.db == "" {
		if err := os.MkdirAll(where.dir, 0o700); err != nil {
			fmt.Fprintln(stderr, "centrald:", err)
			return 2
		}
	}
	store, err := where.open(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "centrald: open store:", err)
		return 2
	}
	defer store.Close()
	ln, err := central.Listen(lc)
	if err != nil {
		fmt.Fprintln(stderr, "centrald:", err)
		return 2
	}
	svc := &central.Service{Store: store, KeysEvery: where.keysEvery}
	srv := &central.Server{Service: svc, Catalog: cat, Log: slog.New(app.NewLogHandler(stderr, slog.LevelInfo))}
	if where.keysEvery > 0 {
		go publishPendingKeys(ctx, svc, where.keysEvery, srv.Log)
	}
	if where.db == "" {
		// The admin commands run on this machine: they reach the server on loopback with a
		// token it leaves in the data folder. On PostgreSQL they use the database instead.
		if srv.AdminToken, err = writeAdminInfo(where.dir, ln.Addr(), lc.CertFile != ""); err != nil {
			fmt.Fprintln(stderr, "centrald:", err)
			return 2
		}
		defer os.Remove(filepath.Join(where.dir, adminFile))
	}
	scheme := "http"
	if lc.CertFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "centrald %s: listening on %s://%s (%s)\n", version, scheme, ln.Addr(), where.describe())
	// The citizens' pages (public service 602e) at the root, with the reference data the
	// province published to the desks.
	ref, err := citizen.LoadReference(ctx, svc)
	if err != nil {
		fmt.Fprintln(stderr, "centrald: reference data:", err)
		return 2
	}
	src := refdata.NewSource(ref, nil)
	go citizen.Refresh(ctx, svc, src, time.Minute, srv.Log)
	portal := &citizen.Server{Service: svc, Ref: src, Log: srv.Log, CSRFKey: []byte(os.Getenv("CENTRALD_CSRF_KEY")),
		TrustedProxies: pages.trusted}
	handler := citizen.Mount(srv.Handler(), portal)
	if pages.addr != "" {
		// The pages on their own listener: the protocol's may demand client certificates, which
		// citizens' browsers do not have.
		pln, err := central.Listen(pages.listen)
		if err != nil {
			fmt.Fprintln(stderr, "centrald: --citizen-addr:", err)
			return 2
		}
		handler = srv.Handler()
		mux := http.NewServeMux()
		portal.Routes(mux)
		fmt.Fprintf(stdout, "centrald %s: citizens' pages on %s://%s\n", version, scheme, pln.Addr())
		go func() {
			if err := central.Serve(ctx, pln, mux); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintln(stderr, "centrald: citizens' pages:", err)
			}
		}()
	}
	if err := central.Serve(ctx, ln, handler); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "centrald:", err)
		return 2
	}
	return 0
}

// publishPendingKeys sends out, until ctx ends, the keys registered since the last keys file
// (Service.KeysEvery): every replica runs it, and only one finds keys waiting.
func publishPendingKeys(ctx context.Context, svc *central.Service, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(max(every/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := svc.PublishPendingKeys(ctx); err != nil && ctx.Err() == nil {
				log.Warn("keys file", "err", err)
			}
		}
	}
}

// writeAdminInfo leaves the server's loopback address and a new admin token in the data
// folder, readable by its owner only, and returns the token.
func writeAdminInfo(dir string, addr net.Addr, tls bool) (string, error) {
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return "", err
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	_, port, _ := net.SplitHostPort(addr.String())
	info := adminInfo{URL: scheme + "://127.0.0.1:" + port, Token: base64.RawURLEncoding.EncodeToString(tok)}
	b, _ := json.Marshal(info)
	return info.Token, storage.WriteFileAtomic(filepath.Join(dir, adminFile), b)
}

func readArg(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(stdin, 64<<20))
	}
	return os.ReadFile(name)
}

func writeJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return 2
	}
	return 0
}
