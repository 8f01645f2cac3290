//go:build linux

package lossynet

import (
	"bytes"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openTestLink opens a link with namespaces of its own (so a benchmark running on the machine
// is not disturbed), or skips the test where it cannot run (not root, no TUN device).
func openTestLink(t *testing.T, cfg Config) *Link {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("lossynet needs root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	cfg.NSA, cfg.NSB, cfg.IPA, cfg.IPB = "lnTestA", "lnTestB", "10.213.9.1", "10.213.9.2"
	l, err := Open(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, l.Close()) })
	return l
}

// transfer sends n bytes from namespace A to a listener in namespace B and waits for B to
// acknowledge them all (one byte back); it returns the time taken.
func transfer(t *testing.T, l *Link, n int) time.Duration {
	t.Helper()
	cfg := l.Config()
	var ln net.Listener
	require.NoError(t, Do(cfg.NSB, func() (err error) {
		ln, err = net.Listen("tcp", cfg.IPB+":0")
		return err
	}))
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(io.LimitReader(c, int64(n)))
		_, _ = c.Write([]byte{1})
		got <- b
	}()
	payload := bytes.Repeat([]byte("Nguyễn Thị Hồng Ánh "), n/len("Nguyễn Thị Hồng Ánh ")+1)[:n]
	start := time.Now()
	var c net.Conn
	require.NoError(t, Do(cfg.NSA, func() (err error) {
		c, err = net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		return err
	}))
	defer c.Close()
	_, err := c.Write(payload)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(60*time.Second)))
	_, err = io.ReadFull(c, make([]byte, 1))
	require.NoError(t, err)
	elapsed := time.Since(start)
	assert.Equal(t, payload, <-got, "the data arrives intact")
	return elapsed
}

func TestLinkDelaysLimitsAndCounts(t *testing.T) {
	l := openTestLink(t, Config{RTT: 100 * time.Millisecond, Kbit: 1000, Seed: 3})
	const n = 64 << 10
	elapsed := transfer(t, l, n)
	ab, ba := l.Counters()

	// 64 KiB at 1 Mbit/s takes at least 0.52 s, plus the handshake and the last round trip.
	assert.GreaterOrEqual(t, elapsed, time.Duration(float64(n*8)/1e6*float64(time.Second))+2*100*time.Millisecond, "rate limit and delay")
	assert.Less(t, elapsed, 5*time.Second)
	assert.GreaterOrEqual(t, ab.Bytes, int64(n), "every payload byte crossed A→B")
	assert.Less(t, ab.Bytes, int64(n)*11/10, "headers add less than 10 %")
	assert.Eventually(t, func() bool { ab, _ := l.Counters(); return ab.Bytes == ab.DeliveredB }, time.Second, 10*time.Millisecond,
		"nothing lost without loss")
	assert.Zero(t, ab.Lost)
	assert.Equal(t, int64(1), ab.Connections, "one connection opened from A")
	assert.Zero(t, ba.Connections, "none opened from B")
	assert.Positive(t, ba.Packets, "acknowledgements came back")
}

func TestLinkLosesPacketsAndTCPRecovers(t *testing.T) {
	l := openTestLink(t, Config{RTT: 40 * time.Millisecond, Kbit: -1, Loss: 0.1, Seed: 11})
	before, _ := l.Counters()
	transfer(t, l, 256<<10)
	ab, _ := l.Counters()
	d := ab.Sub(before)
	assert.Positive(t, d.Lost, "the link lost packets")
	assert.InDelta(t, 0.1, float64(d.Lost)/float64(d.Packets), 0.05, "at about the configured rate")
	assert.Eventually(t, func() bool { // the last packets may still be on their way
		ab, _ := l.Counters()
		d := ab.Sub(before)
		return d.Packets-d.Lost-d.QueueDropped == d.Delivered
	}, time.Second, 10*time.Millisecond, "every packet neither lost nor dropped is delivered")
	assert.Greater(t, d.Bytes, int64(256<<10), "retransmissions are bytes on the wire too")
}

func TestOpenRefusesExistingNamespacesAndCloseRemovesThem(t *testing.T) {
	l := openTestLink(t, Config{})
	_, err := Open(l.Config())
	require.Error(t, err, "a second link on the same namespaces")
	require.NoError(t, l.Close())
	for _, ns := range []string{l.Config().NSA, l.Config().NSB} {
		_, err := os.Stat("/var/run/netns/" + ns)
		assert.True(t, os.IsNotExist(err), "namespace %s removed", ns)
	}
	require.NoError(t, l.Close(), "closing twice is harmless")
}

func TestLinkSetsTheCongestionControlOfItsConnections(t *testing.T) {
	l := openTestLink(t, Config{RTT: 20 * time.Millisecond, Congestion: "reno"})
	cfg := l.Config()
	var ln net.Listener
	require.NoError(t, Do(cfg.NSB, func() (err error) {
		ln, err = net.Listen("tcp", cfg.IPB+":0")
		return err
	}))
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			_ = c.Close()
		}
	}()
	var c net.Conn
	require.NoError(t, Do(cfg.NSA, func() (err error) {
		c, err = net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		return err
	}))
	defer c.Close()
	raw, err := c.(*net.TCPConn).SyscallConn()
	require.NoError(t, err)
	var algo string
	require.NoError(t, raw.Control(func(fd uintptr) {
		algo, err = unix.GetsockoptString(int(fd), unix.IPPROTO_TCP, unix.TCP_CONGESTION)
	}))
	require.NoError(t, err)
	assert.Equal(t, "reno", strings.TrimRight(algo, "\x00"))
}
