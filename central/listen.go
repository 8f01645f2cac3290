package central

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	gosync "sync"
	"time"
)

// ListenConfig says how the server listens.
type ListenConfig struct {
	Addr string
	// CertFile and KeyFile turn TLS 1.3 on; without them the server listens in plain HTTP,
	// which is allowed only on a loopback address (development and tests).
	CertFile, KeyFile string
	// ClientCAFile, with TLS, makes client certificates signed by that CA mandatory (mutual TLS).
	ClientCAFile string
	// MaxConns bounds the connections served at once (DefaultMaxConns when 0): beyond it new
	// ones wait in the system's queue, so a flood of idle connections cannot take every file
	// handle of the server; each idle one is closed after headerTimeout.
	MaxConns int
}

// DefaultMaxConns is the connections a centre serves at once: a province's desks with room.
const DefaultMaxConns = 4096

// headerTimeout is how long a connection may take to send its request's headers: a
// connection opened and left silent is closed then.
var headerTimeout = 10 * time.Second

// limitListener accepts at most cap(slots) connections at once.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Open is how many connections are being served.
func (l *limitListener) Open() int { return len(l.slots) }

type limitConn struct {
	net.Conn
	once    gosync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// Listen opens the listener the config asks for, refusing plain HTTP off loopback.
func Listen(cfg ListenConfig) (net.Listener, error) {
	raw, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	var ln net.Listener = &limitListener{Listener: raw, slots: make(chan struct{}, cfg.MaxConns)}
	if cfg.CertFile == "" {
		host, _, _ := net.SplitHostPort(ln.Addr().String())
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			_ = ln.Close()
			return nil, fmt.Errorf("plain HTTP is allowed only on a loopback address; give --tls-cert and --tls-key to listen on %s", cfg.Addr)
		}
		return ln, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert}}
	if cfg.ClientCAFile != "" {
		pem, err := os.ReadFile(cfg.ClientCAFile)
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			_ = ln.Close()
			return nil, fmt.Errorf("%s: no certificate", cfg.ClientCAFile)
		}
		tc.ClientCAs, tc.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return tls.NewListener(ln, tc), nil
}

// Serve runs the HTTP server on ln until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	// An idle connection is kept longer than the desks keep theirs (idleTimeout), which is
	// longer than the engine's interval between rounds: a desk's next round finds its
	// connection open, and the desk always gives up a connection before the server does.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute,
		IdleTimeout: 2 * idleTimeout}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
