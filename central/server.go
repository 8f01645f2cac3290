package central

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app"
	"bhxhdesk/catalog"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

// maxBody bounds a request body after decompression.
const maxBody = 64 << 20

// Server is the reference central server's HTTP face.
type Server struct {
	Service *Service
	// Catalog, when set, gives error answers their messages.
	Catalog *catalog.Catalog
	// AdminToken, when set, lets `centrald` commands reach the running server (POST
	// /v1/admin); it is written for them in the data folder, readable by its owner only.
	AdminToken string
	// Log receives a line per request and per refusal; nil logs nothing. Use a handler from
	// app.NewLogHandler: it masks personal numbers.
	Log *slog.Logger
}

// Handler routes the protocol.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathHealth, func(w http.ResponseWriter, r *http.Request) {
		// A replica whose store does not answer is taken out of the load balancer's rotation.
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.Service.Store.Ping(ctx); err != nil {
			if s.Log != nil {
				s.Log.Warn("health", "store", "unavailable", "err", err)
			}
			writeJSON(w, r, http.StatusServiceUnavailable, map[string]any{"ok": false, "store": "unavailable"})
			return
		}
		writeJSON(w, r, http.StatusOK, map[string]any{"ok": true, "time": time.Now().UTC()})
	})
	mux.Handle("POST "+PathSync, s.auth(RoleDesk, s.sync))
	mux.Handle("POST "+PathPush, s.auth(RoleDesk, s.push))
	mux.Handle("GET "+PathPull, s.auth(RoleDesk, s.pull))
	mux.Handle("POST "+PathKnown, s.auth(RoleDesk, s.known))
	mux.Handle("GET "+PathState, s.auth(RoleDesk, s.state))
	mux.Handle("GET "+PathStatePage, s.auth(RoleDesk, func(w http.ResponseWriter, r *http.Request, dev Device) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		pg, err := s.Service.OfficeStatePage(r.Context(), dev, q.Get("part"), q.Get("after"), limit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, pg)
	}))
	mux.Handle("POST "+PathKey, s.auth(RoleDesk, s.key))
	mux.Handle("GET "+PathDigest, s.auth(RoleDesk, s.digest))
	mux.Handle("GET "+PathDevice, s.auth(RoleDesk, func(w http.ResponseWriter, r *http.Request, dev Device) {
		writeJSON(w, r, http.StatusOK, map[string]any{"office": dev.Office, "device": strings.ToUpper(dev.Name)})
	}))
	mux.Handle("GET "+PathAnchor, s.auth(RoleDesk, func(w http.ResponseWriter, r *http.Request, dev Device) {
		a, err := s.Service.LastAnchor(r.Context(), dev)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, a)
	}))
	mux.Handle("POST "+PathAnchor, s.auth(RoleDesk, func(w http.ResponseWriter, r *http.Request, dev Device) {
		var req contract.AnchorRequest
		if err := decode(r, &req); err != nil {
			s.fail(w, r, err)
			return
		}
		ans, err := s.Service.Anchor(r.Context(), dev, req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, ans)
	}))
	mux.Handle("POST "+PathFeed, s.auth(RoleFeed, s.feed))
	mux.HandleFunc("POST "+PathAdmin, s.admin)
	if s.Log == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds(),
			"bytes_in", r.ContentLength, "remote", r.RemoteAddr)
	})
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Hijack lets a handler take the connection over (tests inject faults this way).
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijacking not supported")
	}
	return hj.Hijack()
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// auth checks the bearer token and the device's role.
func (s *Server) auth(role string, h func(http.ResponseWriter, *http.Request, Device)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			s.fail(w, r, &app.Error{Kind: app.Forbidden, Code: app.CodeBadToken})
			return
		}
		dev, err := s.Service.Authenticate(r.Context(), tok)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if isFeed := dev.Office == "*feed*"; isFeed != (role == RoleFeed) {
			s.fail(w, r, &app.Error{Kind: app.Forbidden, Code: app.CodeWrongRole})
			return
		}
		h(w, r, dev)
	})
}

// memoryBudget bounds the memory the requests being decoded may take together: a body of a
// few kilobytes may decompress to maxBody and decode to four times that, so at most a few such
// are decoded at once and the others wait their turn (or their client's timeout).
var memoryBudget = newBudget(512)

// budget is a count of MiB shared by requests: take blocks until there is room.
type budget struct {
	mu     gosync.Mutex // one taker at a time, so two cannot each hold half
	tokens chan struct{}
}

func newBudget(mib int) *budget { return &budget{tokens: make(chan struct{}, mib)} }

// take reserves n MiB (at most the whole budget) and returns the release.
func (b *budget) take(ctx context.Context, n int) (func(), error) {
	n = min(max(n, 1), cap(b.tokens))
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < n; i++ {
		select {
		case b.tokens <- struct{}{}:
		case <-ctx.Done():
			for ; i > 0; i-- {
				<-b.tokens
			}
			return nil, &app.Error{Kind: app.Transient, Code: app.CodeCentralBusy, Err: ctx.Err()}
		}
	}
	return func() {
		for i := 0; i < n; i++ {
			<-b.tokens
		}
	}, nil
}

// decode reads a JSON body — plain, gzip- or zstd-compressed — strictly and within maxBody
// (compressed and decompressed), within the memory budget shared by all requests.
func decode(r *http.Request, v any) error {
	// The decompressed size bounds what decoding takes; reserve for the worst case of this
	// body before it is read: its compressed length times the codings' reach, capped.
	reserve := maxBody >> 20
	if r.ContentLength > 0 && r.Header.Get("Content-Encoding") == "" {
		reserve = int(r.ContentLength>>20) + 1
	}
	release, err := memoryBudget.take(r.Context(), 4*reserve)
	if err != nil {
		return err
	}
	defer release()
	data, err := decompress(r.Header.Get("Content-Encoding"), http.MaxBytesReader(nil, r.Body, maxBody), maxBody)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, errTooLarge) {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBadBody, Err: &http.MaxBytesError{Limit: maxBody}}
		}
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadBody, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadBody, Err: err}
	}
	if dec.More() {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadBody, Err: errors.New("trailing data")}
	}
	return nil
}

func (s *Server) sync(w http.ResponseWriter, r *http.Request, dev Device) {
	var req SyncRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res := SyncResponse{Results: []contract.OpResult{}}
	if len(req.Ops) > 0 {
		var err error
		if res.Results, err = s.pushOps(r.Context(), dev, req.Ops); err != nil {
			s.fail(w, r, err)
			return
		}
		if req.Compact {
			for i := range res.Results {
				res.Results[i].OpID = ""
			}
			res.OpsDigest = OpsDigest(req.Ops)
		}
	}
	if req.Anchor != nil {
		// The push stands whatever the anchor's fate: without an answer the desk anchors on
		// its own after the round.
		if ans, err := s.Service.Anchor(r.Context(), dev, *req.Anchor); err == nil {
			res.Anchor = &ans
		} else if s.Log != nil {
			s.Log.Warn("anchor in a sync request not taken", "code", codeOf(err), "err", err)
		}
	}
	dev.TakesOfficeRecords = acceptsEncoding(r.Header.Get("Sync-Takes"), TakesOfficeRecords)
	page, err := s.Service.Pull(r.Context(), dev, req.Cursor, req.Limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res.Page, res.ServerTime = page, time.Now().UTC()
	writeJSON(w, r, http.StatusOK, res)
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, dev Device) {
	var req PushRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	results, err := s.pushOps(r.Context(), dev, req.Ops)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, PushResponse{Results: results, ServerTime: time.Now().UTC()})
}

// pushChunk is the most operations applied in one store transaction. A request may carry up to
// maxBatch (1,000); applying them 250 at a time keeps each transaction short. With the Badger
// store a transaction's cost grows faster than its size (each read in it scans its pending
// writes): 1,000 dossiers in one took 0.5–1 s, in four 0.15 s — time the desk's link sits idle.
// Order is kept and each chunk is applied exactly once, so when a chunk fails after others
// committed, the error answer makes the desk send the batch again and the committed ones come
// back as duplicates.
const pushChunk = 250

func (s *Server) pushOps(ctx context.Context, dev Device, ops []contract.Op) ([]contract.OpResult, error) {
	if len(ops) > maxBatch {
		return s.Service.Push(ctx, dev, ops) // refused whole: batch_too_big
	}
	results := make([]contract.OpResult, 0, len(ops))
	for i := 0; i < len(ops); i += pushChunk {
		r, err := s.Service.Push(ctx, dev, ops[i:min(i+pushChunk, len(ops))])
		if err != nil {
			return nil, err
		}
		results = append(results, r...)
	}
	return results, nil
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, dev Device) {
	q := r.URL.Query()
	cursor, err1 := uintParam(q.Get("cursor"))
	limit, err2 := uintParam(q.Get("limit"))
	if err1 != nil || err2 != nil || limit > 1000 {
		s.fail(w, r, &app.Error{Kind: app.Invalid, Code: app.CodeBadCursor})
		return
	}
	dev.TakesOfficeRecords = acceptsEncoding(r.Header.Get("Sync-Takes"), TakesOfficeRecords)
	page, err := s.Service.Pull(r.Context(), dev, cursor, int(limit))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, page)
}

func (s *Server) known(w http.ResponseWriter, r *http.Request, dev Device) {
	var req KnownRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Service.Known(r.Context(), dev, req.OpIDs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, PushResponse{Results: res, ServerTime: time.Now().UTC()})
}

func (s *Server) state(w http.ResponseWriter, r *http.Request, dev Device) {
	st, err := s.Service.OfficeState(r.Context(), dev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, st)
}

// uintParam reads a non-negative number; "" is 0.
func uintParam(v string) (uint64, error) {
	if v == "" {
		return 0, nil
	}
	return strconv.ParseUint(v, 10, 64)
}

func (s *Server) key(w http.ResponseWriter, r *http.Request, dev Device) {
	var k seal.TrustedKey
	if err := decode(r, &k); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Service.RegisterKey(r.Context(), dev, k); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) digest(w http.ResponseWriter, r *http.Request, dev Device) {
	d, n, err := s.Service.Digest(r.Context(), dev.Office)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"office": dev.Office, "digest": d, "lines": n})
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request, _ Device) {
	var ins []app.VoucherInput
	if err := decode(r, &ins); err != nil {
		s.fail(w, r, err)
		return
	}
	ids, err := s.Service.PostVouchers(r.Context(), ins)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"ids": ids})
}

func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if s.AdminToken == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(s.AdminToken)) != 1 {
		s.fail(w, r, &app.Error{Kind: app.Forbidden, Code: app.CodeBadToken})
		return
	}
	var req AdminRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.Service.Admin(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, out)
}

// fail answers an error with its HTTP status: the error kinds map to statuses only here.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch app.KindOf(err) {
	case app.Invalid:
		status = http.StatusBadRequest
	case app.Forbidden:
		status = http.StatusForbidden
		if code := codeOf(err); code == app.CodeBadToken {
			status = http.StatusUnauthorized
		}
	case app.NotFound:
		status = http.StatusNotFound
	case app.Conflict:
		status = http.StatusConflict
	case app.Unavailable, app.Transient:
		status = http.StatusServiceUnavailable
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	if s.Log != nil {
		s.Log.Warn("refused", "path", r.URL.Path, "status", status, "code", codeOf(err), "err", err)
	}
	body := ErrorBody{Error: codeOf(err)}
	if s.Catalog != nil {
		body.MessageVI, body.MessageEN = s.Catalog.Message(app.VI, err), s.Catalog.Message(app.EN, err)
	}
	writeJSON(w, r, status, body)
}

func codeOf(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return "internal"
}

// requestEncodings is what the server takes as Content-Encoding of a request body. It is
// announced (RFC 7694: Accept-Encoding in an answer) to clients that do not use the best of
// them yet.
const requestEncodings = "x-jsoncols, zstd, gzip"

// writeJSON answers with JSON, compressed with zstd or gzip when the client accepts it.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if strings.Join(codings(r.Header.Get("Content-Encoding")), ", ") != codingColsZstd {
		w.Header().Set("Accept-Encoding", requestEncodings)
		w.Header().Set("Sync-Features", syncFeatures)
	}
	var buf bytes.Buffer
	enc := fastjson.NewEncoder(&buf) // the same bytes as encoding/json's; stored records are not compacted again
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"error":"internal"}` + "\n")
	}
	body := buf.Bytes()
	coding := bestCoding(r.Header.Get("Accept-Encoding"))
	z, err := compress(coding, body)
	if err != nil && coding == codingColsZstd {
		coding = codingZstd // an answer x-jsoncols does not take (too many distinct fields)
		z, err = compress(coding, body)
	}
	if coding != "" && err == nil {
		w.Header().Set("Content-Encoding", coding)
		body = z
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
