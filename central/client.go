package central

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
)

// Client is the desk's side of the protocol. It compresses request bodies, keeps connections
// warm between rounds, and classifies failures: anything the network or an overloaded server
// can cause is app.Unavailable (try again later); a refused token is Forbidden; a request the
// server found malformed is Invalid.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
	// Stats, when set, counts round trips and bytes on the wire (benchmarks, the sync screen).
	Stats *Stats
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
		return nil, &app.Error{Kind: app.Invalid, Code: "bad_central_url", Field: "central", Args: map[string]string{"value": cfg.BaseURL}}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, &app.Error{Kind: app.Invalid, Code: "central_needs_tls", Field: "central", Args: map[string]string{"value": cfg.BaseURL}}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS13}
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
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	tr.MaxIdleConnsPerHost = 2
	tr.IdleConnTimeout = 5 * time.Minute
	return &Client{BaseURL: u.String(), Token: cfg.Token, HTTP: &http.Client{Transport: tr, Timeout: cfg.Timeout}}, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

// Sync pushes ops and pulls the page after cursor in one round trip. Every pushed operation
// gets exactly one result or the call fails.
func (c *Client) Sync(ctx context.Context, ops []app.Op, cursor uint64, limit int) ([]app.OpResult, app.Page, error) {
	if ops == nil {
		ops = []app.Op{}
	}
	var res SyncResponse
	if err := c.do(ctx, http.MethodPost, PathSync, SyncRequest{Ops: ops, Cursor: cursor, Limit: limit}, &res); err != nil {
		return nil, app.Page{}, err
	}
	if err := checkResults(ops, res.Results); err != nil {
		return nil, app.Page{}, err
	}
	return res.Results, res.Page, nil
}

// Known asks which of the operation ids the centre applied and returns their results.
func (c *Client) Known(ctx context.Context, ids []string) ([]app.OpResult, error) {
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
			return nil, &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: fmt.Errorf("result for %s, not asked", r.OpID)}
		}
	}
	return res.Results, nil
}

// OfficeState downloads everything the centre holds for the desk's office.
func (c *Client) OfficeState(ctx context.Context) (app.OfficeData, error) {
	var st app.OfficeData
	return st, c.do(ctx, http.MethodGet, PathState, nil, &st)
}

// Push sends a batch of operations.
func (c *Client) Push(ctx context.Context, ops []app.Op) ([]app.OpResult, error) {
	var res PushResponse
	if err := c.do(ctx, http.MethodPost, PathPush, PushRequest{Ops: ops}, &res); err != nil {
		return nil, err
	}
	return res.Results, checkResults(ops, res.Results)
}

// Pull fetches the page of changes after cursor.
func (c *Client) Pull(ctx context.Context, cursor uint64, limit int) (app.Page, error) {
	var p app.Page
	path := PathPull + "?cursor=" + strconv.FormatUint(cursor, 10) + "&limit=" + strconv.Itoa(limit)
	return p, c.do(ctx, http.MethodGet, path, nil, &p)
}

// RegisterKey publishes the desk's public signing key.
func (c *Client) RegisterKey(ctx context.Context, k app.TrustedKey) error {
	return c.do(ctx, http.MethodPost, PathKey, k, nil)
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

func checkResults(ops []app.Op, results []app.OpResult) error {
	if len(results) != len(ops) {
		return &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: fmt.Errorf("%d results for %d operations", len(results), len(ops))}
	}
	for i := range ops {
		if results[i].OpID != ops[i].OpID {
			return &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: fmt.Errorf("result %d is for %s, not %s", i, results[i].OpID, ops[i].OpID)}
		}
	}
	return nil
}

// do sends one request and decodes the JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	var sent int64
	if in != nil {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if err := json.NewEncoder(zw).Encode(in); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		sent = int64(buf.Len())
		body = &buf
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept-Encoding", "gzip")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	if c.Stats != nil {
		c.Stats.RoundTrips++
		c.Stats.BytesOut += sent + int64(len(path)) + 200 // headers, roughly
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return &app.Error{Kind: app.Unavailable, Code: "central_unreachable", Err: err}
	}
	defer resp.Body.Close()
	counter := &countingReader{r: resp.Body}
	var rd io.Reader = counter
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(counter)
		if err != nil {
			return &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: err}
		}
		defer zr.Close()
		rd = zr
	}
	data, err := io.ReadAll(io.LimitReader(rd, maxBody))
	if c.Stats != nil {
		c.Stats.BytesIn += counter.n + 150
	}
	if err != nil {
		// A body cut off mid-way: the server may have applied the push; the stored results
		// make sending it again safe.
		return &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		var eb ErrorBody
		_ = json.Unmarshal(data, &eb)
		kind := app.Unavailable
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			kind = app.Forbidden
		case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge:
			kind = app.Invalid
		}
		code := eb.Error
		if code == "" || kind == app.Unavailable {
			code = "central_status"
		}
		return &app.Error{Kind: kind, Code: code, Args: map[string]string{"status": strconv.Itoa(resp.StatusCode)},
			Err: fmt.Errorf("%s %s: %s %s", method, path, resp.Status, strings.TrimSpace(string(data)))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &app.Error{Kind: app.Unavailable, Code: "central_bad_answer", Err: err}
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Admin sends an administrator's command to a running server (the client's Token is the admin
// token) and decodes its answer into out.
func (c *Client) Admin(ctx context.Context, req AdminRequest, out any) error {
	return c.do(ctx, http.MethodPost, PathAdmin, req, out)
}
