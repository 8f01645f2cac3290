package central

import (
	"net"
	"net/http"
	"time"

	"bhxhdesk/storage"
)

// SetHeaderTimeout shortens the time a silent connection is kept, for a test; it returns the
// undo.
func SetHeaderTimeout(d time.Duration) func() {
	old := headerTimeout
	headerTimeout = d
	return func() { headerTimeout = old }
}

// OpenConns is how many connections a listener from Listen is serving.
func OpenConns(ln net.Listener) int { return ln.(*limitListener).Open() }

// Fail is Server.fail, for a test of the status mapping.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }

// DropIndexes removes the office indexes and their version from a Badger store, as a store
// written before they existed holds neither.
func DropIndexes(s *BadgerStore) error {
	return s.kv.Update(func(t *storage.KVTx) error {
		var keys [][]byte
		for _, p := range []string{"ix/", "keyix/", "meta/ixver"} {
			if err := t.Scan([]byte(p), nil, 0, func(k, _ []byte) error {
				keys = append(keys, append([]byte(nil), k...))
				return nil
			}); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := t.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
