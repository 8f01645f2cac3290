// Package centraltest runs the reference central server (package central) on loopback for the
// tests of the packages that talk to it: its store (Badger in a temporary folder, or a fresh
// PostgreSQL database with BHXH_CENTRAL_STORE=postgres: OpenStore), the service, and an HTTP
// server, all closed when the test ends.
package centraltest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"bhxhdesk/assets"
	"bhxhdesk/central"
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
	Store   central.Store
	Service *central.Service
	Server  *httptest.Server // nil with Options.NoHTTP
}

// Start opens a centre for the test.
func Start(t testing.TB, o Options) *Centre {
	t.Helper()
	store := OpenStore(t)
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

// StoredOps counts the operations the centre stored, by device and op id.
func StoredOps(t testing.TB, store central.Store) map[string]map[string]int {
	t.Helper()
	out := map[string]map[string]int{}
	err := store.View(context.Background(), func(tx central.Tx) error {
		devs, err := tx.Devices()
		if err != nil {
			return err
		}
		for _, d := range devs {
			ops, err := tx.OpsOf(d.ID)
			if err != nil {
				return err
			}
			for _, op := range ops {
				if out[op.Device] == nil {
					out[op.Device] = map[string]int{}
				}
				out[op.Device][op.OpID]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("stored operations: %v", err)
	}
	return out
}

// Dossiers are the dossiers the centre holds for the offices of its devices, by code.
func Dossiers(t testing.TB, store central.Store) map[string]central.Dossier {
	return officeRecords[central.Dossier](t, store, "dossier")
}

// People are the persons registered at the offices of the centre's devices, by personal ID.
func People(t testing.TB, store central.Store) map[string]central.Person {
	return officeRecords[central.Person](t, store, "person")
}

// officeRecords reads the records of a kind of every office that has a device, by key.
func officeRecords[T any](t testing.TB, store central.Store, kind string) map[string]T {
	t.Helper()
	out := map[string]T{}
	err := store.View(context.Background(), func(tx central.Tx) error {
		devs, err := tx.Devices()
		if err != nil {
			return err
		}
		offices := map[string]bool{}
		for _, d := range devs {
			if offices[d.Office] {
				continue
			}
			offices[d.Office] = true
			recs, err := tx.OfficeRecords(kind, d.Office, "", 0)
			if err != nil {
				return err
			}
			for _, r := range recs {
				var v T
				if err := json.Unmarshal(r.Raw, &v); err != nil {
					return err
				}
				out[r.Key] = v
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the centre's %s records: %v", kind, err)
	}
	return out
}
