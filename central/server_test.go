package central_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/seal"
)

var ref = assets.MustLoad()

type server struct {
	svc    *central.Service
	url    string
	store  central.Store
	tokens map[string]string // by office/device, as client enrolled them
}

func newServer(t *testing.T) *server {
	t.Helper()
	store := centraltest.OpenStore(t)
	svc := &central.Service{Store: store}
	ln, err := central.Listen(central.ListenConfig{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = central.Serve(ctx, ln, (&central.Server{Service: svc, Catalog: ref.Catalog}).Handler()) }()
	t.Cleanup(cancel)
	return &server{svc: svc, url: "http://" + ln.Addr().String(), store: store, tokens: map[string]string{}}
}

func (s *server) client(t *testing.T, office, device string) *central.Client {
	t.Helper()
	_, tok, err := s.svc.Enroll(context.Background(), office, device, central.RoleDesk)
	require.NoError(t, err)
	s.tokens[office+"/"+device] = tok
	c, err := central.NewClient(central.ClientConfig{BaseURL: s.url, Token: tok})
	require.NoError(t, err)
	return c
}

func dossierOp(t *testing.T, office, code, pid string, seq uint64) contract.Op {
	t.Helper()
	m := app.MonthOf(2026, time.January)
	d := app.Dossier{Code: code, Office: office, Version: 1, State: app.StateOpen, Step: "check", Quote: app.Quote{FromMonth: m, ToMonth: m},
		Form: app.RegistrationForm{FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17", PersonalID: pid}}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	return contract.Op{OpID: app.NewUUIDv7(time.Now()), DeviceSeq: seq, HLC: seq, Kind: "dossier.create", EntityID: code, Payload: b}
}

func TestEveryRequestIsAuthenticatedAndScopedToTheOffice(t *testing.T) {
	s := newServer(t)
	a, b := s.client(t, "01001", "k7"), s.client(t, "48001", "d1")
	ctx := context.Background()

	op := dossierOp(t, "01001", "01001-260105-K70001", "001190012345", 1)
	res, err := a.Push(ctx, []contract.Op{op})
	require.NoError(t, err)
	assert.Equal(t, app.OpApplied, res[0].Status, "%+v", res[0])
	assert.NotEmpty(t, res[0].Assigned["central_received"])

	// The same operation again: the stored result, marked duplicate; another payload under the
	// same id is refused.
	res, err = a.Push(ctx, []contract.Op{op})
	require.NoError(t, err)
	assert.Equal(t, app.OpDuplicate, res[0].Status)
	forged := op
	forged.Payload = []byte(strings.Replace(string(op.Payload), "Hồng", "Hoa", 1))
	res, err = a.Push(ctx, []contract.Op{forged})
	require.NoError(t, err)
	assert.Equal(t, app.OpRejected, res[0].Status)
	assert.Equal(t, "op_id_reused", res[0].Reason)

	// Another office may not create or change the first one's dossiers.
	res, err = b.Push(ctx, []contract.Op{dossierOp(t, "01001", "01001-260105-K70002", "001190012346", 1)})
	require.NoError(t, err)
	assert.Equal(t, app.OpRejected, res[0].Status)
	assert.Equal(t, "not_your_office", res[0].Reason)
	ev, _ := json.Marshal(map[string]any{"event": app.Event{Action: app.ActAdvance}, "state": "open", "step": "finance", "version": 2})
	res, err = b.Push(
		ctx,
		[]contract.Op{{OpID: app.NewUUIDv7(time.Now()), DeviceSeq: 2, Kind: "dossier.event", EntityID: op.EntityID, BaseVersion: 1, Payload: ev}},
	)
	require.NoError(t, err)
	assert.Equal(t, "not_your_office", res[0].Reason)
	// A change based on an old version is a conflict with the server's version.
	res, err = a.Push(
		ctx,
		[]contract.Op{{OpID: app.NewUUIDv7(time.Now()), DeviceSeq: 3, Kind: "dossier.event", EntityID: op.EntityID, BaseVersion: 7, Payload: ev}},
	)
	require.NoError(t, err)
	assert.Equal(t, app.OpConflict, res[0].Status)
	assert.Equal(t, 1, res[0].ServerVersion)

	// A wrong or missing token gets nothing.
	bad, err := central.NewClient(central.ClientConfig{BaseURL: s.url, Token: "không-đúng"})
	require.NoError(t, err)
	_, err = bad.Pull(ctx, 0, 10)
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	resp, err := http.Get(s.url + central.PathPull)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Each office pulls its own changes and the ones for everyone, not the others'.
	_, err = s.svc.PostVouchers(ctx, []app.VoucherInput{{ReceiptNo: "KT-1", PersonalID: "001190012345", FullName: "Nguyễn Thị Hồng Ánh",
		Amount: "264000", PaidOn: "2026-01-06", FromMonth: "2026-01", Months: 1}})
	require.NoError(t, err)
	require.NoError(t, s.svc.PublishFile(ctx, app.RuleFile{Path: "calendar/2028.json", Data: []byte(`{"year":2028}`)}))
	pa, err := a.Pull(ctx, 0, 100)
	require.NoError(t, err)
	pb, err := b.Pull(ctx, 0, 100)
	require.NoError(t, err)
	kinds := func(p contract.Page) []string {
		var out []string
		for _, c := range p.Changes {
			out = append(out, c.Kind)
		}
		return out
	}
	// A: the office's dossier sent back after its conflicting event, the feed voucher to credit
	// (it registered the person), the rule file.
	assert.Equal(t, []string{app.ChangeOfficeRecord, app.ChangeVoucher, app.ChangeRuleFile}, kinds(pa))
	assert.Equal(t, []string{app.ChangeRuleFile}, kinds(pb))
	assert.Equal(t, pa.Cursor, pb.Cursor, "both are at the end of the log")
	again, err := a.Pull(ctx, pa.Cursor, 100)
	require.NoError(t, err)
	assert.Empty(t, again.Changes)
}

func TestPlainHTTPOnlyOnLoopbackAndTLS13WithClientCertificates(t *testing.T) {
	_, err := central.Listen(central.ListenConfig{Addr: "0.0.0.0:0"})
	require.Error(t, err, "plain HTTP off loopback is refused")
	_, err = central.NewClient(central.ClientConfig{BaseURL: "http://10.0.0.5:8080", Token: "x"})
	assert.Equal(t, "central_needs_tls", err.(*app.Error).Code)
	_, err = central.NewClient(central.ClientConfig{BaseURL: "http://127.attacker.example:8080", Token: "x"})
	require.Error(t, err, "a name that starts with 127. is somewhere else")
	assert.Equal(t, "central_needs_tls", err.(*app.Error).Code)
	for _, local := range []string{"http://127.0.0.1:8080", "http://127.0.0.2:8080", "http://localhost:8080", "http://[::1]:8080"} {
		_, err = central.NewClient(central.ClientConfig{BaseURL: local, Token: "x"})
		assert.NoError(t, err, local)
	}

	dir := t.TempDir()
	caCert, caKey := makeCA(t)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", caCert.Raw)
	serverCert, serverKey := makeLeaf(t, caCert, caKey, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	writePEM(t, filepath.Join(dir, "server.pem"), "CERTIFICATE", serverCert)
	writeKey(t, filepath.Join(dir, "server.key"), serverKey)
	clientCert, clientKey := makeLeaf(t, caCert, caKey, "desk-01001", x509.ExtKeyUsageClientAuth)
	writePEM(t, filepath.Join(dir, "client.pem"), "CERTIFICATE", clientCert)
	writeKey(t, filepath.Join(dir, "client.key"), clientKey)

	store := centraltest.OpenStore(t)
	svc := &central.Service{Store: store}
	_, tok, err := svc.Enroll(context.Background(), "01001", "k7", central.RoleDesk)
	require.NoError(t, err)
	ln, err := central.Listen(central.ListenConfig{Addr: "127.0.0.1:0", CertFile: filepath.Join(dir, "server.pem"),
		KeyFile: filepath.Join(dir, "server.key"), ClientCAFile: filepath.Join(dir, "ca.pem")})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = central.Serve(ctx, ln, (&central.Server{Service: svc}).Handler()) }()
	url := "https://" + ln.Addr().String()

	withCert, err := central.NewClient(central.ClientConfig{BaseURL: url, Token: tok, CAFile: filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client.key")})
	require.NoError(t, err)
	_, err = withCert.Pull(ctx, 0, 10)
	require.NoError(t, err)

	noCert, err := central.NewClient(central.ClientConfig{BaseURL: url, Token: tok, CAFile: filepath.Join(dir, "ca.pem")})
	require.NoError(t, err)
	_, err = noCert.Pull(ctx, 0, 10)
	assert.Equal(t, app.Transient, app.KindOf(err), "no client certificate, no connection")

	conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12})
	if err == nil {
		err = conn.Handshake()
		conn.Close()
	}
	assert.Error(t, err, "TLS 1.2 is refused")
}

func makeCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "BHXH test CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert, key
}

func makeLeaf(
	t *testing.T,
	ca *x509.Certificate,
	caKey *ecdsa.PrivateKey,
	name string,
	usage x509.ExtKeyUsage,
) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		ExtKeyUsage: []x509.ExtKeyUsage{
			usage,
		}, KeyUsage: x509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	if ip := net.ParseIP(name); ip != nil {
		tpl.IPAddresses = []net.IP{ip}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	return der, key
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}

func writeKey(t *testing.T, path string, key *ecdsa.PrivateKey) {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	writePEM(t, path, "EC PRIVATE KEY", der)
}

func TestTheAccountingFeedPostsVouchersWithItsOwnToken(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	desk := s.client(t, "01001", "k7")
	_, feedTok, err := s.svc.Enroll(ctx, "", "ketoan", central.RoleFeed)
	require.NoError(t, err)
	feed, err := central.NewClient(central.ClientConfig{BaseURL: s.url, Token: feedTok})
	require.NoError(t, err)

	res, err := desk.Push(ctx, []contract.Op{dossierOp(t, "01001", "01001-260105-K70001", "001190012345", 1)})
	require.NoError(t, err)
	require.Equal(t, app.OpApplied, res[0].Status)
	v := app.VoucherInput{ID: "0195a3c0-0000-7000-8000-0000000000aa", ReceiptNo: "KTTT-1", PersonalID: "001190012345",
		FullName: "Nguyễn Thị Hồng Ánh", Amount: "264000", PaidOn: "2026-01-06", FromMonth: "2026-01", Months: 1}
	ids, err := feed.PostVouchers(ctx, []app.VoucherInput{v, v})
	require.NoError(t, err)
	assert.Equal(t, []string{v.ID, v.ID}, ids, "the same voucher posted twice is kept once")
	page, err := desk.Pull(ctx, 0, 100)
	require.NoError(t, err)
	var routed int
	for _, c := range page.Changes {
		if c.Kind == app.ChangeVoucher && c.Entity == v.ID {
			routed++
		}
	}
	assert.Equal(t, 1, routed, "the voucher flows to the office that registered the person, once")

	_, err = desk.PostVouchers(ctx, []app.VoucherInput{v})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "a desk is not the accounting system")
	_, err = feed.Push(ctx, []contract.Op{dossierOp(t, "01001", "01001-260105-K70002", "001190012346", 1)})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "the accounting system sends no dossiers")
}

// TestARuleFileReachesANewDeskOnceWhateverItsVersions: the trusted-keys file is published again
// at every desk's key registration and a calendar may be corrected; a desk that starts from
// nothing pulls the last version of each file only.
func TestARuleFileReachesANewDeskOnceWhateverItsVersions(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	for i := range 5 {
		c := s.client(t, "01001", fmt.Sprintf("k%d", i))
		key, err := seal.GenerateSigningKey(rand.Reader)
		require.NoError(t, err)
		require.NoError(t, c.RegisterKey(ctx, key.Trusted("01001", fmt.Sprintf("K%d", i), time.Now())))
	}
	for _, v := range []string{`{"v":1}`, `{"v":2}`} {
		require.NoError(t, s.svc.PublishFile(ctx, app.RuleFile{Path: "calendar/2028.json", Data: json.RawMessage(v)}))
	}
	page, err := s.client(t, "48001", "d1").Pull(ctx, 0, 100)
	require.NoError(t, err)
	files := map[string]int{}
	var keys []seal.TrustedKey
	for _, ch := range page.Changes {
		require.Equal(t, app.ChangeRuleFile, ch.Kind)
		files[ch.Entity]++
		var f app.RuleFile
		require.NoError(t, json.Unmarshal(ch.Payload, &f))
		switch f.Path {
		case "keys/devices.json":
			require.NoError(t, json.Unmarshal(f.Data, &keys))
		case "calendar/2028.json":
			assert.JSONEq(t, `{"v":2}`, string(f.Data), "the last version")
		}
	}
	assert.Equal(t, map[string]int{"keys/devices.json": 1, "calendar/2028.json": 1}, files)
	assert.Len(t, keys, 5, "the one file holds every desk's key")
}

// TestAFloodOfIdleConnectionsIsBounded: 300 connections opened and left silent take at most the
// server's limit of connections (here 20), each closed after the header timeout, and a desk's
// request is answered all the same.
func TestAFloodOfIdleConnectionsIsBounded(t *testing.T) {
	defer central.SetHeaderTimeout(300 * time.Millisecond)()
	store := centraltest.OpenStore(t)
	svc := &central.Service{Store: store}
	ln, err := central.Listen(central.ListenConfig{Addr: "127.0.0.1:0", MaxConns: 20})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = central.Serve(ctx, ln, (&central.Server{Service: svc, Catalog: ref.Catalog}).Handler()) }()
	_, tok, err := svc.Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)

	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			_ = c.Close()
		}
	}()
	peak := 0
	for range 300 {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		require.NoError(t, err)
		idle = append(idle, c)
		peak = max(peak, central.OpenConns(ln))
	}
	time.Sleep(50 * time.Millisecond)
	peak = max(peak, central.OpenConns(ln))
	assert.LessOrEqual(t, peak, 20, "never more connections served than the limit")

	client, err := central.NewClient(central.ClientConfig{BaseURL: "http://" + ln.Addr().String(), Token: tok, Timeout: 30 * time.Second})
	require.NoError(t, err)
	start := time.Now()
	_, err = client.Pull(ctx, 0, 10)
	require.NoError(t, err, "a desk is served once the silent connections are closed")
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.LessOrEqual(t, central.OpenConns(ln), 20)
}

// TestTheClientReadsEveryStatusAsTheServerMeantIt: each error kind the server answers with a
// status comes back to the desk as the same kind (the client's mapping is the server's
// inverse), and trouble on the server's side is a reason to try again later.
func TestTheClientReadsEveryStatusAsTheServerMeantIt(t *testing.T) {
	// Every kind comes back as itself, except the centre's own trouble, which the desk can only
	// wait out: Transient (it counts itself offline and tries again).
	want := map[app.Kind]app.Kind{
		app.Invalid: app.Invalid, app.Forbidden: app.Forbidden, app.NotFound: app.NotFound, app.Conflict: app.Conflict,
		app.Internal: app.Transient, app.Unavailable: app.Transient, app.Transient: app.Transient,
	}
	for _, k := range app.Kinds {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(&central.Server{Catalog: ref.Catalog}).Fail(w, r, &app.Error{Kind: k, Code: "some_code"})
		}))
		c, err := central.NewClient(central.ClientConfig{BaseURL: srv.URL, Token: "x"})
		require.NoError(t, err)
		_, err = c.Pull(context.Background(), 0, 10)
		expected, ok := want[k]
		assert.True(t, ok, "kind %v has no expected reading", k)
		assert.Equal(t, expected, app.KindOf(err), "kind %v", k)
		srv.Close()
	}
	// A proxy's or a captive portal's own answer (no error code of the centre) is the link's,
	// whatever its status: an oversized push refused by a proxy (413) shrinks the batch.
	for _, status := range []int{http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusTooManyRequests,
		http.StatusRequestEntityTooLarge, http.StatusForbidden, http.StatusBadRequest} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "proxy", status)
		}))
		c, err := central.NewClient(central.ClientConfig{BaseURL: srv.URL, Token: "x"})
		require.NoError(t, err)
		_, err = c.Pull(context.Background(), 0, 10)
		assert.Equal(t, app.Transient, app.KindOf(err), "%d from a proxy in between", status)
		srv.Close()
	}
}

// TestHealthSaysWhenTheStoreDoesNotAnswer: the load balancer's health check asks the store,
// not only the process: a replica whose store is gone answers 503 and leaves the rotation.
func TestHealthSaysWhenTheStoreDoesNotAnswer(t *testing.T) {
	store := centraltest.OpenStore(t)
	srv := httptest.NewServer((&central.Server{Service: &central.Service{Store: store}, Catalog: ref.Catalog}).Handler())
	t.Cleanup(srv.Close)
	get := func() int {
		res, err := http.Get(srv.URL + central.PathHealth)
		require.NoError(t, err)
		_ = res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusOK, get())
	require.NoError(t, store.Close())
	assert.Equal(t, http.StatusServiceUnavailable, get())
}
