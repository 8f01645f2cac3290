package central

import (
	"net"
	"net/http"
	"time"
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
