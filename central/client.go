package central

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

// Client is the desk's side of the protocol. It compresses request bodies (zstd once the
// server has said it accepts it, gzip until then), keeps connections warm between rounds, and
// classifies failures: anything the network or an overloaded server can cause is
// app.Transient (try again later); a refused token is Forbidden; a request the server found
// malformed is Invalid.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
	// Stats, when set, counts round trips and bytes on the wire (benchmarks, the sync screen).
	Stats *Stats

	// peer is what was learnt about the server (shared by the clients of one base URL).
	peer *peer
}

// peer is what clients know about one server.
type peer struct {
	// zstd is set once the server has announced (Accept-Encoding in an answer, RFC 7694) that
	// it takes zstd request bodies.
	zstd atomic.Bool
	// cols is set once the server has announced that it takes x-jsoncols before zstd.
	cols atomic.Bool
	// compact is set once the server has announced FeatureCompact (Sync-Features).
	compact atomic.Bool
	// anchor is set once the server has announced FeatureAnchor.
	anchor atomic.Bool
}

// Stats counts what a client sent and received.
type Stats struct {
	RoundTrips int64
	BytesOut   int64
	BytesIn    int64
}

// ClientConfig builds a client. Zero values take the documented defaults.
type ClientConfig struct {
	BaseURL string
	Token   string
	// Timeout bounds a whole request; 2 minutes when zero (a slow link moves ~2 MB in that).
	Timeout time.Duration
	// CAFile trusts the central CA for TLS; the system roots when empty.
	CAFile string
	// CertFile and KeyFile are the desk's client certificate for mutual TLS.
	CertFile, KeyFile string
}

// NewClient builds a client; the base URL must be https, or http on a loopback host.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadCentralUrl, Field: "central", Args: map[string]string{"value": cfg.BaseURL}}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeCentralNeedsTls, Field: "central", Args: map[string]string{"value": cfg.BaseURL}}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	// Session tickets the centre issues let a new connection resume (TLS 1.3 PSK with a fresh
	// key exchange): no certificates cross the link again, a smaller and less loss-prone flight.
	tc := &tls.Config{MinVersion: tls.VersionTLS13, ClientSessionCache: tls.NewLRUClientSessionCache(8)}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificate", cfg.CAFile)
		}
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	tr, p := shared(u.String(), tc, cfg)
	return &Client{BaseURL: u.String(), Token: cfg.Token, HTTP: &http.Client{Transport: tr, Timeout: cfg.Timeout}, peer: p}, nil
}

// Clients with the same TLS settings share one transport, and clients of one server share what
// was learnt about it. The desk keeps one client per enrolment for its rounds, but checks an
// enrolment with a client of its own (a shorter timeout): the connection that check opened
// serves the first round — on a 300 ms link a new connection costs two round trips (TCP, then
// TLS 1.3) before the first byte of the sync.
var (
	sharedMu   gosync.Mutex
	transports = map[string]*http.Transport{}
	peers      = map[string]*peer{}
)

// idleTimeout is how long an unused connection is kept: longer than the engine's interval
// between rounds (2 minutes), shorter than the server's (Serve), so the client never picks a
// connection the server is closing.
const idleTimeout = 5 * time.Minute

func shared(base string, tc *tls.Config, cfg ClientConfig) (*http.Transport, *peer) {
	h := sha256.New()
	for _, f := range []string{cfg.CAFile, cfg.CertFile, cfg.KeyFile} {
		b, _ := os.ReadFile(f) // already read above; a file changed since gives a new transport
		fmt.Fprintf(h, "%s\x00%x\x00", f, sha256.Sum256(b))
	}
	key := hex.EncodeToString(h.Sum(nil))
	sharedMu.Lock()
	defer sharedMu.Unlock()
	tr := transports[key]
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tc
		tr.MaxIdleConnsPerHost = 2
		tr.IdleConnTimeout = idleTimeout
		// The client decompresses answers itself (gzip or zstd) and counts their bytes.
		tr.DisableCompression = true
		transports[key] = tr
	}
	p := peers[base]
	if p == nil {
		p = &peer{}
		peers[base] = p
	}
	return tr, p
}

// isLoopbackHost says whether h is this machine: "localhost" or a loopback address — not any
// name that starts with "127." ("127.attacker.example" is somewhere else).
func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Sync pushes ops and pulls the page after cursor in one round trip. Every pushed operation
// gets exactly one result or the call fails.
func (c *Client) Sync(ctx context.Context, ops []contract.Op, cursor uint64, limit int) ([]contract.OpResult, contract.Page, error) {
	results, page, _, err := c.SyncAnchored(ctx, ops, cursor, limit, nil)
	return results, page, err
}

// SyncAnchored is Sync that also anchors the desk's audit chain (anchor, when not nil) in the
// same round trip, if the server has announced that it takes it (FeatureAnchor). The anchor's
// answer is nil when it was not sent — a centre of an earlier version, or one not heard from
// yet — or not answered: the desk then anchors with Anchor.
func (c *Client) SyncAnchored(
	ctx context.Context,
	ops []contract.Op,
	cursor uint64,
	limit int,
	anchor *contract.AnchorRequest,
) ([]contract.OpResult, contract.Page, *contract.AnchorAnswer, error) {
	if ops == nil {
		ops = []contract.Op{}
	}
	var res SyncResponse
	compact := len(ops) > 0 && c.peer != nil && c.peer.compact.Load()
	req := SyncRequest{Ops: wireOps(ops), Cursor: cursor, Limit: limit, Compact: compact}
	if anchor != nil && c.peer != nil && c.peer.anchor.Load() {
		req.Anchor = anchor
	}
	if err := c.do(ctx, http.MethodPost, PathSync, req, &res); err != nil {
		return nil, contract.Page{}, nil, err
	}
	if req.Anchor == nil {
		res.Anchor = nil
	}
	if compact {
		// Results come in the order of ops without their ids; the digest says they answer
		// these operations and no others.
		if res.OpsDigest != OpsDigest(ops) || len(res.Results) != len(ops) {
			return nil, contract.Page{}, nil, &app.Error{Kind: app.Transient, Code: app.CodeCentralBadAnswer,
				Err: fmt.Errorf("compact answer for other operations (%d results for %d)", len(res.Results), len(ops))}
		}
		for i := range res.Results {
			res.Results[i].OpID = ops[i].OpID
		}
	}
	if err := checkResults(ops, res.Results); err != nil {
		return nil, contract.Page{}, nil, err
	}
	return res.Results, res.Page, res.Anchor, nil
}

// Known asks which of the operation ids the centre applied and returns their results.
func (c *Client) Known(ctx context.Context, ids []string) ([]contract.OpResult, error) {
	var res PushResponse
	if err := c.do(ctx, http.MethodPost, PathKnown, KnownRequest{OpIDs: ids}, &res); err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for _, r := range res.Results {
		if !want[r.OpID] {
			return nil, &app.Error{Kind: app.Transient, Code: app.CodeCentralBadAnswer, Err: fmt.Errorf("result for %s, not asked", r.OpID)}
		}
	}
	return res.Results, nil
}

// OfficeState downloads everything the centre holds for the desk's office.
func (c *Client) OfficeState(ctx context.Context) (contract.OfficeData, error) {
	st := contract.OfficeData{
		Dossiers: []json.RawMessage{},
		Vouchers: []json.RawMessage{},
		People:   []contract.ParticipantV1{},
		Covers:   []json.RawMessage{},
	}
	first := true
	for _, part := range contract.StateParts {
		after := ""
		for {
			var pg contract.StatePage
			q := url.Values{"part": {part}, "after": {after}}
			err := c.do(ctx, http.MethodGet, PathStatePage+"?"+q.Encode(), nil, &pg)
			if first && isNotFound(err) {
				// A centre of an earlier version answers the whole state at once.
				var whole contract.OfficeData
				return whole, c.do(ctx, http.MethodGet, PathState, nil, &whole)
			}
			if err != nil {
				return st, err
			}
			if first {
				st.Cursor, st.Workflow, first = pg.Cursor, pg.Workflow, false
			}
			st.AddPage(pg)
			if pg.Next == "" {
				break
			}
			if pg.Next <= after {
				return st, &app.Error{Kind: app.Transient, Code: app.CodeCentralBadAnswer, Err: fmt.Errorf("state page of %s does not move on", part)}
			}
			after = pg.Next
		}
	}
	return st, nil
}

// isNotFound says whether a request failed with 404: an endpoint the centre does not have.
func isNotFound(err error) bool {
	var ae *app.Error
	return errors.As(err, &ae) && ae.Kind == app.NotFound && ae.Args["status"] == "404"
}

// kindOfStatus is the error kind of an answer's status: the inverse of Server.fail's mapping
// (400 and 413 Invalid, 401 and 403 Forbidden, 404 NotFound, 409 Conflict), and Transient for
// the rest — the centre's Unavailable, Transient and Internal (503 and 500), a proxy in between
// (502, 504) or anything else: the desk tries again later.
func kindOfStatus(status int) app.Kind {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return app.Invalid
	case http.StatusUnauthorized, http.StatusForbidden:
		return app.Forbidden
	case http.StatusNotFound:
		return app.NotFound
	case http.StatusConflict:
		return app.Conflict
	}
	return app.Transient
}

// wireOps is what is sent of the operations: all but the desk's creation time, which the
// centre does not use (DESIGN §3 lists an operation's fields; its time is in the HLC and the
// UUIDv7) and which costs 4 bytes an operation once compressed. A zero time compresses to
// nothing and every server version reads it.
func wireOps(ops []contract.Op) []contract.Op {
	out := make([]contract.Op, len(ops))
	for i, op := range ops {
		op.Created = time.Time{}
		out[i] = op
	}
	return out
}

// Push sends a batch of operations.
func (c *Client) Push(ctx context.Context, ops []contract.Op) ([]contract.OpResult, error) {
	var res PushResponse
	if err := c.do(ctx, http.MethodPost, PathPush, PushRequest{Ops: wireOps(ops)}, &res); err != nil {
		return nil, err
	}
	return res.Results, checkResults(ops, res.Results)
}

// Pull fetches the page of changes after cursor.
func (c *Client) Pull(ctx context.Context, cursor uint64, limit int) (contract.Page, error) {
	var p contract.Page
	path := PathPull + "?cursor=" + strconv.FormatUint(cursor, 10) + "&limit=" + strconv.Itoa(limit)
	return p, c.do(ctx, http.MethodGet, path, nil, &p)
}

// RegisterKey publishes the desk's public signing key.
func (c *Client) RegisterKey(ctx context.Context, k seal.TrustedKey) error {
	return c.do(ctx, http.MethodPost, PathKey, k, nil)
}

// Device asks which office and device the client's token belongs to: the desk checks it at
// enrolment, before it keeps an address and a token that would fail at every round.
func (c *Client) Device(ctx context.Context) (office, device string, err error) {
	var out struct {
		Office string `json:"office"`
		Device string `json:"device"`
	}
	err = c.do(ctx, http.MethodGet, PathDevice, nil, &out)
	return out.Office, out.Device, err
}

// LastAnchor asks for the head of this desk's audit chain the centre last acknowledged.
func (c *Client) LastAnchor(ctx context.Context) (contract.AuditAnchor, error) {
	var a contract.AuditAnchor
	return a, c.do(ctx, http.MethodGet, PathAnchor, nil, &a)
}

// Anchor sends the desk's audit head (see Service.Anchor).
func (c *Client) Anchor(ctx context.Context, req contract.AnchorRequest) (contract.AnchorAnswer, error) {
	var ans contract.AnchorAnswer
	return ans, c.do(ctx, http.MethodPost, PathAnchor, req, &ans)
}

// Digest asks the centre for the digest of what it holds for the desk's office.
func (c *Client) Digest(ctx context.Context) (string, int, error) {
	var d struct {
		Digest string `json:"digest"`
		Lines  int    `json:"lines"`
	}
	err := c.do(ctx, http.MethodGet, PathDigest, nil, &d)
	return d.Digest, d.Lines, err
}

// PostVouchers posts vouchers as the accounting feed (a feed token).
func (c *Client) PostVouchers(ctx context.Context, ins []app.VoucherInput) ([]string, error) {
	var res struct {
		IDs []string `json:"ids"`
	}
	err := c.do(ctx, http.MethodPost, PathFeed, ins, &res)
	return res.IDs, err
}

func checkResults(ops []contract.Op, results []contract.OpResult) error {
	if len(results) != len(ops) {
		return &app.Error{
			Kind: app.Transient,
			Code: app.CodeCentralBadAnswer,
			Err:  fmt.Errorf("%d results for %d operations", len(results), len(ops)),
		}
	}
	for i := range ops {
		if results[i].OpID != ops[i].OpID {
			return &app.Error{
				Kind: app.Transient,
				Code: app.CodeCentralBadAnswer,
				Err:  fmt.Errorf("result %d is for %s, not %s", i, results[i].OpID, ops[i].OpID),
			}
		}
	}
	return nil
}

// acceptEncodings is what the client reads in answers.
const acceptEncodings = "x-jsoncols, zstd, gzip"

// do sends one request and decodes the JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	var sent int64
	encoding := codingGzip
	if c.peer != nil && c.peer.zstd.Load() {
		encoding = codingZstd
		if c.peer.cols.Load() {
			encoding = codingColsZstd
		}
	}
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		z, err := compress(encoding, raw)
		if err != nil && encoding == codingColsZstd {
			// A body x-jsoncols does not take (more distinct fields than it allows) goes as zstd.
			encoding = codingZstd
			z, err = compress(encoding, raw)
		}
		if err != nil {
			return err
		}
		sent = int64(len(z))
		body = bytes.NewReader(z)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept-Encoding", acceptEncodings)
	req.Header.Set("User-Agent", "") // not sent: a few bytes less in every request
	req.Header.Set("Sync-Takes", TakesOfficeRecords)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", encoding)
	}
	if c.Stats != nil {
		c.Stats.RoundTrips++
		c.Stats.BytesOut += sent + int64(len(path)) + 200 // headers, roughly
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return &app.Error{Kind: app.Transient, Code: app.CodeCentralUnreachable, Args: map[string]string{"reason": app.ReasonOf(err)}, Err: err}
	}
	defer resp.Body.Close()
	if announced := resp.Header.Get("Accept-Encoding"); c.peer != nil && announced != "" {
		c.peer.zstd.Store(acceptsEncoding(announced, codingZstd))
		c.peer.cols.Store(acceptsEncoding(announced, codingCols))
	}
	if features := resp.Header.Get("Sync-Features"); c.peer != nil && features != "" {
		if acceptsEncoding(features, FeatureCompact) {
			c.peer.compact.Store(true)
		}
		if acceptsEncoding(features, FeatureAnchor) {
			c.peer.anchor.Store(true)
		}
	}
	counter := &countingReader{r: resp.Body}
	if p, ok := ctx.Value(progressKey{}).(*app.Progress); ok {
		counter.p, counter.total = p, resp.ContentLength
	}
	data, err := decompress(resp.Header.Get("Content-Encoding"), counter, maxBody)
	if c.Stats != nil {
		c.Stats.BytesIn += counter.n + 150
	}
	if err != nil {
		// A body cut off mid-way: the server may have applied the push; the stored results
		// make sending it again safe.
		return &app.Error{Kind: app.Transient, Code: app.CodeCentralBadAnswer, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		if c.peer != nil && (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnsupportedMediaType) {
			// A server that refuses the body may have been replaced by an older one: go back
			// to what every server takes until it announces more again.
			c.peer.zstd.Store(false)
			c.peer.cols.Store(false)
			c.peer.compact.Store(false)
			c.peer.anchor.Store(false)
		}
		var eb ErrorBody
		_ = json.Unmarshal(data, &eb)
		kind := kindOfStatus(resp.StatusCode)
		code := eb.Error
		if code == "" && resp.StatusCode != http.StatusNotFound {
			// Not the centre's answer (it names a code, except the 404 of a path an earlier
			// centre does not serve): a proxy or a captive portal in between. The desk waits it
			// out as a link failure; an oversized push refused so (413) goes again in smaller
			// batches.
			kind = app.Transient
		}
		if code == "" || kind == app.Transient {
			code = app.CodeCentralStatus
		}
		return &app.Error{Kind: kind, Code: code, Args: map[string]string{"status": strconv.Itoa(resp.StatusCode)},
			Err: fmt.Errorf("%s %s: %s %s", method, path, resp.Status, strings.TrimSpace(string(data)))}
	}
	if out == nil {
		return nil
	}
	if err := fastjson.Unmarshal(data, out); err != nil {
		return &app.Error{Kind: app.Transient, Code: app.CodeCentralBadAnswer, Err: err}
	}
	return nil
}

// errTooLarge is a body past the limit once decompressed.
var errTooLarge = fmt.Errorf("body larger than %d bytes", maxBody)

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// acceptsEncoding reports whether an Accept-Encoding value lists coding with a non-zero
// quality.
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

type countingReader struct {
	r io.Reader
	n int64
	// p, when not nil, is told of the bytes received of total (the announced length; 0 when
	// the server does not announce it).
	p     *app.Progress
	total int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.p != nil {
		c.p.Step(c.n, max(c.total, c.n))
	}
	return n, err
}

type progressKey struct{}

// WithProgress makes the client's requests under ctx tell p of the bytes of each answer
// received (a re-download of the office's state over a slow link).
func WithProgress(ctx context.Context, p *app.Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// Admin sends an administrator's command to a running server (the client's Token is the admin
// token) and decodes its answer into out.
func (c *Client) Admin(ctx context.Context, req AdminRequest, out any) error {
	return c.do(ctx, http.MethodPost, PathAdmin, req, out)
}
