package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"bhxhdesk/contract"
	"bhxhdesk/intake"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// The desk worker runs inside namespace lnA. It reads one command per line on stdin and answers
// each with one line of JSON on stdout, so that the runner (outside the namespaces) can read
// the link's counters between commands.

// command is one line the runner sends to a worker (the desk, or the PouchDB script).
type command struct {
	Cmd    string `json:"cmd"`              // prepare | add | sync | cold | quit
	Office string `json:"office"`           // the worker's name for the office ("1000", "10000")
	Dir    string `json:"dir,omitempty"`    // prepare: the store folder
	Agency string `json:"agency,omitempty"` // prepare: the agency code enrolled at the centre
	Device string `json:"device,omitempty"` // prepare: the device code enrolled at the centre
	N      int    `json:"n,omitempty"`      // prepare, add: how many dossiers to register
	Seed   uint64 `json:"seed,omitempty"`   // prepare: the fake people's seed
	URL    string `json:"url,omitempty"`    // prepare: the centre (or pouchdb-server database)
	Token  string `json:"token,omitempty"`  // prepare: the device token
	// Docs is the JSON-lines file of documents: the desk appends every dossier it registers,
	// the PouchDB script reads them (From, N) to replicate the same documents.
	Docs string `json:"docs,omitempty"`
	From int    `json:"from,omitempty"`
	// Batch, when set, replaces the engine's default batch size (experiments).
	Batch int `json:"batch,omitempty"`
}

// answer is a worker's reply.
type answer struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	Info  string `json:"info,omitempty"` // hello: the worker's versions
	// prepare, add
	Docs     int   `json:"docs,omitempty"`
	DocBytes int64 `json:"doc_bytes,omitempty"` // the documents as a JSON array
	DocGzip  int64 `json:"doc_gzip,omitempty"`  // the same, gzip-compressed (default level)
	// sync
	Seconds  float64 `json:"seconds,omitempty"`
	Requests int64   `json:"requests,omitempty"` // HTTP requests
	AppOut   int64   `json:"app_out,omitempty"`  // the client's own count of bytes sent (bodies + estimated headers)
	AppIn    int64   `json:"app_in,omitempty"`
	// RemoteSeconds is the part of Seconds spent waiting for the centre (the rest is the
	// desk's own work: reading the outbox, encoding, storing acknowledgements).
	RemoteSeconds float64 `json:"remote_seconds,omitempty"`
	Rounds        int     `json:"rounds,omitempty"`   // sync rounds run (more than one only after failures)
	Failures      int     `json:"failures,omitempty"` // rounds that failed on the way (timeouts on the lossy link)
	Pushed        int     `json:"pushed,omitempty"`
	Pulled        int     `json:"pulled,omitempty"`
	Batches       int     `json:"batches,omitempty"`
}

const benchPassword = "mật khẩu đủ dài 12"

// deskOffice is one office's store with the engine the desk program would run.
type deskOffice struct {
	desk   *desk.Desk
	sess   *app.Session
	gen    *fake.Generator
	stats  *central.Stats
	timed  *timedRemote
	clock  *benchClock
	made   int // dossiers registered so far
	engine *sync.Engine
	close  func()
	docs   string
}

func runDesk(stdin io.Reader, stdout io.Writer) error {
	ref, err := assets.Load()
	if err != nil {
		return err
	}
	offices := map[string]*deskOffice{}
	defer func() {
		for _, o := range offices {
			_ = o.desk.Close()
		}
	}()
	start := time.Now()

	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(stdout)
	for in.Scan() {
		var c command
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			return fmt.Errorf("command %q: %w", in.Text(), err)
		}
		if c.Cmd == "quit" {
			return nil
		}
		if c.Cmd == "hello" {
			if err := enc.Encode(answer{OK: true, Info: "bhxhdesk " + version}); err != nil {
				return err
			}
			continue
		}
		a, err := deskCommand(ref, offices, start, c)
		if err != nil {
			a = answer{Error: err.Error()}
		} else {
			a.OK = true
		}
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return in.Err()
}

func deskCommand(ref *assets.Reference, offices map[string]*deskOffice, start time.Time, c command) (answer, error) {
	if c.Cmd == "prepare" {
		if offices[c.Office] != nil {
			return answer{}, fmt.Errorf("office %s exists", c.Office)
		}
		o, err := prepareOffice(ref, &benchClock{start: start}, c)
		if err != nil {
			return answer{}, err
		}
		offices[c.Office] = o
		return o.register(c.N)
	}
	o := offices[c.Office]
	if o == nil {
		return answer{}, fmt.Errorf("no office %q", c.Office)
	}
	switch c.Cmd {
	case "add":
		return o.register(c.N)
	case "sync":
		return o.sync()
	case "cold":
		// The next sync opens a new connection (TCP and TLS handshakes), as after a restart.
		o.close()
		return answer{}, nil
	}
	return answer{}, fmt.Errorf("unknown command %q", c.Cmd)
}

// prepareOffice creates an office's store, its help-desk account and its enrolment as the
// desk program makes it (desk.Desk.Enrol: the token checked with the centre, the desk's signing
// key registered), and the sync engine the desk program builds (desk's client; the engine's
// default batch and page sizes; the audit chain anchored).
func prepareOffice(ref *assets.Reference, clk *benchClock, c command) (*deskOffice, error) {
	cfg := storage.Config{Dir: c.Dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: clk.now, CacheMB: 32}
	office := app.Office{
		Agency:   c.Agency,
		Name:     "BHXH " + c.Agency,
		Province: "01",
		Commune:  "00004",
		Device:   c.Device,
	}
	d, _, err := desk.Init(cfg, ref, office, app.User{Name: "admin"}, benchPassword)
	if err != nil {
		return nil, fmt.Errorf("create the office store: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = d.Close()
		}
	}()
	admin, err := d.Intake.Login("admin", benchPassword)
	if err != nil {
		return nil, err
	}
	if err := d.Intake.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, benchPassword); err != nil {
		return nil, err
	}
	sess, err := d.Intake.Login("motcua", benchPassword)
	if err != nil {
		return nil, err
	}
	sess.Idle = -1
	if err := d.Enrol(context.Background(), admin, c.URL, c.Token); err != nil {
		return nil, err
	}
	remote, err := d.Client(c.URL, c.Token)
	if err != nil {
		return nil, err
	}
	stats := &central.Stats{}
	remote.Stats = stats
	timed := &timedRemote{deskRemote: remote}
	if err := os.WriteFile(c.Docs, nil, 0o600); err != nil {
		return nil, err
	}
	ok = true
	return &deskOffice{
		desk: d, sess: sess, gen: fake.New(c.Seed, ref.Places), stats: stats, docs: c.Docs, timed: timed, clock: clk,
		engine: &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) { return timed, nil }, Batch: c.Batch},
		close:  remote.HTTP.CloseIdleConnections,
	}, nil
}

// perDay is how many dossiers the bench office registers in a day: the daily sequence of
// dossier codes has four digits, and a busy district office takes far fewer.
const perDay = 1000

// benchClock is an office's clock: it starts on a Monday morning of 2026 (the fake people start
// paying in January 2026), runs at the speed of the real one, and moves to the next day when
// the office has registered a day's dossiers.
type benchClock struct {
	start time.Time
	days  atomic.Int64
}

var benchStart = time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN)

func (c *benchClock) now() time.Time {
	return benchStart.AddDate(0, 0, int(c.days.Load())).Add(time.Since(c.start))
}

func (c *benchClock) nextDay() { c.days.Add(1) }

// register registers n new people through the help desk's real path (validation, duplicate
// check, quote, workflow, outbox, audit) and appends their dossiers, as the desk sends them, to
// the documents file.
func (o *deskOffice) register(n int) (answer, error) {
	before, err := o.desk.Sync.Outbox(0)
	if err != nil {
		return answer{}, err
	}
	for made := 0; made < n; {
		_, err := o.desk.Intake.Register(o.sess, intake.RegisterRequest{Form: o.gen.Form(), NotDuplicate: true})
		if app.KindOf(err) == app.Conflict { // the generator repeated a personal ID
			continue
		}
		if err != nil {
			return answer{}, err
		}
		made++
		if o.made++; o.made%perDay == 0 {
			o.clock.nextDay()
		}
	}
	ops, err := o.desk.Sync.Outbox(0)
	if err != nil {
		return answer{}, err
	}
	ops = ops[len(before):]
	f, err := os.OpenFile(o.docs, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return answer{}, err
	}
	w := bufio.NewWriter(f)
	var array bytes.Buffer
	array.WriteByte('[')
	for i, op := range ops {
		if op.Kind != contract.OpDossierCreate || len(op.Payload) < 2 || op.Payload[0] != '{' {
			_ = f.Close()
			return answer{}, fmt.Errorf("unexpected operation %s %s", op.Kind, op.EntityID)
		}
		// The PouchDB document is the dossier itself under its code: the payload's bytes
		// with an _id in front.
		id, _ := json.Marshal(op.EntityID)
		fmt.Fprintf(w, `{"_id":%s,%s`+"\n", id, op.Payload[1:])
		if i > 0 {
			array.WriteByte(',')
		}
		array.Write(op.Payload)
	}
	array.WriteByte(']')
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return answer{}, err
	}
	if err := f.Close(); err != nil {
		return answer{}, err
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(array.Bytes())
	if err := zw.Close(); err != nil {
		return answer{}, err
	}
	return answer{Docs: len(ops), DocBytes: int64(array.Len()), DocGzip: int64(z.Len())}, nil
}

// sync runs the engine's rounds until the outbox is empty, as the desk program does; a round
// that fails for a transient reason is followed by the next at once (the program would wait
// its backoff, which is not what is measured).
func (o *deskOffice) sync() (answer, error) {
	before, remoteBefore := *o.stats, o.timed.spent
	var a answer
	start := time.Now()
	for a.Rounds < 50 {
		rep, err := o.engine.Round(context.Background())
		a.Rounds++
		a.Pushed += rep.Pushed
		a.Pulled += rep.Pulled
		a.Batches += rep.Batches
		if err != nil {
			if k := app.KindOf(err); k != app.Transient && k != app.Unavailable {
				return a, err
			}
			a.Failures++
			continue
		}
		if rep.Pending == 0 {
			break
		}
	}
	a.Seconds = time.Since(start).Seconds()
	a.RemoteSeconds = (o.timed.spent - remoteBefore).Seconds()
	a.Requests = o.stats.RoundTrips - before.RoundTrips
	a.AppOut, a.AppIn = o.stats.BytesOut-before.BytesOut, o.stats.BytesIn-before.BytesIn
	return a, nil
}

// deskRemote is what the desk's client offers the engine: the sync, the audit anchor carried
// by a sync request, and the anchor on its own (for a centre that does not take it there).
type deskRemote interface {
	sync.Remote
	sync.AnchoringRemote
	sync.Anchorer
}

// timedRemote measures the time the engine spends waiting for the centre.
type timedRemote struct {
	deskRemote
	spent time.Duration
}

func (t *timedRemote) Sync(ctx context.Context, ops []contract.Op, cursor uint64, limit int) ([]contract.OpResult, contract.Page, error) {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.deskRemote.Sync(ctx, ops, cursor, limit)
}

func (t *timedRemote) SyncAnchored(
	ctx context.Context,
	ops []contract.Op,
	cursor uint64,
	limit int,
	anchor *contract.AnchorRequest,
) ([]contract.OpResult, contract.Page, *contract.AnchorAnswer, error) {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.deskRemote.SyncAnchored(ctx, ops, cursor, limit, anchor)
}

func (t *timedRemote) Anchor(ctx context.Context, req contract.AnchorRequest) (contract.AnchorAnswer, error) {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.deskRemote.Anchor(ctx, req)
}
