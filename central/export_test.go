package central

import (
	"net"
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
