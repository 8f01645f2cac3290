// Package centraltest runs the reference central server (package central) on loopback for the
// tests of the packages that talk to it: an encrypted Badger store in a temporary folder, the
// service, and an HTTP server, all closed when the test ends.
package centraltest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/internal/testtmp"
)

// Options adjust a centre before it starts.
type Options struct {
	// OnPush is central.Service.OnPush: told of every push after it committed.
	OnPush func(ctx context.Context, device string, ops, repeats int)
	// Log receives the server's log lines (use app.NewLogHandler).
	Log *slog.Logger
	// Wrap, when set, stands between the network and the server's handler (a fault proxy).
	Wrap func(http.Handler) http.Handler
	// NoHTTP leaves the HTTP server out (transfer files reach the service directly).
	NoHTTP bool
}

// Centre is a running reference central server.
type Centre struct {
	Store   *central.BadgerStore
	Service *central.Service
	Server  *httptest.Server // nil with Options.NoHTTP
}

// Start opens a centre for the test.
func Start(t testing.TB, o Options) *Centre {
	t.Helper()
	store, err := central.OpenBadger(testtmp.Dir(t), "")
	if err != nil {
		t.Fatalf("central store: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	c := &Centre{Store: store, Service: &central.Service{Store: store, OnPush: o.OnPush}}
	if o.NoHTTP {
		return c
	}
	var h http.Handler = (&central.Server{Service: c.Service, Catalog: assets.MustLoad().Catalog, Log: o.Log}).Handler()
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	c.Server = httptest.NewServer(h)
	t.Cleanup(c.Server.Close)
	return c
}

// URL is the server's address.
func (c *Centre) URL() string { return c.Server.URL }

// Enroll enrols a desk of an office and returns its token.
func (c *Centre) Enroll(t testing.TB, office, device string) string {
	t.Helper()
	_, token, err := c.Service.Enroll(context.Background(), office, device, central.RoleDesk)
	if err != nil {
		t.Fatalf("enrol %s/%s: %v", office, device, err)
	}
	return token
}
