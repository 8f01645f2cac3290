//go:build linux

// Package lossynet emulates a poor network link in user space, for kernels without the netem
// qdisc (this machine's kernel has none: `tc qdisc … netem` answers "Specified qdisc kind is
// unknown"). It creates two TUN devices, moves them into two network namespaces (by default lnA
// with 10.213.0.1 and lnB with 10.213.0.2, addresses that exist only inside them) and forwards
// IP packets between them with a one-way delay of RTT/2, a rate limit per direction, seeded
// random loss and a drop-tail queue. Programs started with `ip netns exec lnA …` and
// `ip netns exec lnB …` then talk across the emulated link and nothing leaves the two
// namespaces.
//
// Its counters are the reference for "bytes on the wire": every IP packet a side put on the
// link, headers, retransmissions and lost packets included, and the TCP connections opened.
//
// Needs root (CAP_NET_ADMIN, /dev/net/tun, `ip` from iproute2). Limits: no jitter, no
// reordering, symmetric delays. Adapted from ../shared/tools/lossynet.
package lossynet

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Config describes the link. Zero values take the documented defaults.
type Config struct {
	// NSA and NSB are the two namespaces ("lnA", "lnB"); they must not exist yet.
	NSA, NSB string
	// IPA and IPB are their addresses ("10.213.0.1", "10.213.0.2").
	IPA, IPB string
	// RTT is the round-trip time, split evenly between the directions; 300 ms when zero.
	RTT time.Duration
	// Kbit is the rate of each direction in kbit/s; 256 when zero, negative for unlimited.
	Kbit float64
	// Loss is the probability that a packet is lost, per direction (0.05 is 5 %).
	Loss float64
	// QueueBytes is the drop-tail queue of each direction; 32 KiB when zero.
	QueueBytes int
	// Seed makes the losses reproducible: direction A→B uses Seed, B→A Seed+1.
	Seed uint64
	// Congestion is the TCP congestion control of the connections across the link, set on
	// both namespaces' routes ("cubic", "bbr", "reno", …); the kernel's default when empty.
	// Each side's algorithm governs what that side sends.
	Congestion string
}

func (c *Config) defaults() {
	if c.NSA == "" {
		c.NSA = "lnA"
	}
	if c.NSB == "" {
		c.NSB = "lnB"
	}
	if c.IPA == "" {
		c.IPA = "10.213.0.1"
	}
	if c.IPB == "" {
		c.IPB = "10.213.0.2"
	}
	if c.RTT == 0 {
		c.RTT = 300 * time.Millisecond
	}
	if c.Kbit == 0 {
		c.Kbit = 256
	}
	if c.QueueBytes == 0 {
		c.QueueBytes = 32 << 10
	}
}

// Counters is what crossed one direction of the link since it opened.
type Counters struct {
	Packets      int64 `json:"packets"`       // packets the sender put on the link
	Bytes        int64 `json:"bytes"`         // their bytes (IP headers included): the bytes on the wire
	Lost         int64 `json:"lost"`          // packets dropped by the random loss
	QueueDropped int64 `json:"queue_dropped"` // packets dropped because the queue was full
	Delivered    int64 `json:"delivered"`     // packets that reached the other side
	DeliveredB   int64 `json:"delivered_bytes"`
	Connections  int64 `json:"connections"` // TCP connections opened in this direction (distinct SYNs)
}

// Sub is c − o: what crossed between two readings.
func (c Counters) Sub(o Counters) Counters {
	return Counters{Packets: c.Packets - o.Packets, Bytes: c.Bytes - o.Bytes, Lost: c.Lost - o.Lost,
		QueueDropped: c.QueueDropped - o.QueueDropped, Delivered: c.Delivered - o.Delivered,
		DeliveredB: c.DeliveredB - o.DeliveredB, Connections: c.Connections - o.Connections}
}

// Link is an open emulated link. Close it to remove the namespaces.
type Link struct {
	cfg    Config
	tuns   [2]*os.File
	ab, ba direction
	wg     gosync.WaitGroup
	once   gosync.Once
	cancel context.CancelFunc
}

// direction is one way of the link with its counters.
type direction struct {
	packets, bytes, lost, qdrop, delivered, deliveredB, conns atomic.Int64
	syns                                                      map[uint64]bool // (source port, ISN) of SYNs seen
}

func (d *direction) counters() Counters {
	return Counters{Packets: d.packets.Load(), Bytes: d.bytes.Load(), Lost: d.lost.Load(), QueueDropped: d.qdrop.Load(),
		Delivered: d.delivered.Load(), DeliveredB: d.deliveredB.Load(), Connections: d.conns.Load()}
}

// Open creates the namespaces and the devices and starts forwarding. Namespaces left by an
// earlier run that crashed must be removed first (`ip netns del lnA`): Open refuses to reuse them.
func Open(cfg Config) (*Link, error) {
	cfg.defaults()
	for _, ns := range []string{cfg.NSA, cfg.NSB} {
		if _, err := os.Stat("/var/run/netns/" + ns); err == nil {
			return nil, fmt.Errorf("network namespace %s already exists (left by an earlier run? ip netns del %s)", ns, ns)
		}
	}
	l := &Link{cfg: cfg}
	l.ab.syns, l.ba.syns = map[uint64]bool{}, map[uint64]bool{}
	ok := false
	defer func() {
		if !ok {
			_ = l.Close()
		}
	}()
	devA, devB := devName(cfg.NSA), devName(cfg.NSB)
	for i, name := range []string{devA, devB} {
		f, err := openTun(name)
		if err != nil {
			return nil, err
		}
		l.tuns[i] = f
	}
	steps := [][]string{
		{"netns", "add", cfg.NSA},
		{"netns", "add", cfg.NSB},
		{"-n", cfg.NSA, "link", "set", "lo", "up"},
		{"-n", cfg.NSB, "link", "set", "lo", "up"},
		{"link", "set", devA, "netns", cfg.NSA},
		{"link", "set", devB, "netns", cfg.NSB},
		{"-n", cfg.NSA, "addr", "add", cfg.IPA, "peer", cfg.IPB, "dev", devA},
		{"-n", cfg.NSB, "addr", "add", cfg.IPB, "peer", cfg.IPA, "dev", devB},
		{"-n", cfg.NSA, "link", "set", devA, "up"},
		{"-n", cfg.NSB, "link", "set", devB, "up"},
	}
	for _, args := range steps {
		if err := ip(args...); err != nil {
			return nil, err
		}
	}
	if cfg.Congestion != "" {
		// On the route rather than by sysctl: a namespace may only pick algorithms from the
		// host's tcp_allowed_congestion_control, a route any algorithm the kernel has.
		for _, r := range [][4]string{{cfg.NSA, cfg.IPB, devA, cfg.IPA}, {cfg.NSB, cfg.IPA, devB, cfg.IPB}} {
			if err := ip("-n", r[0], "route", "replace", r[1], "dev", r[2], "proto", "kernel", "scope", "link", "src", r[3],
				"congctl", cfg.Congestion); err != nil {
				return nil, err
			}
		}
	} else {
		// Record what the namespaces got, for the report.
		if out, err := exec.Command("ip", "netns", "exec", cfg.NSA, "sysctl", "-n", "net.ipv4.tcp_congestion_control").Output(); err == nil {
			l.cfg.Congestion = strings.TrimSpace(string(out))
		}
	}
	rate := cfg.Kbit * 1000
	if rate < 0 {
		rate = 0
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.wg.Add(2)
	go func() {
		defer l.wg.Done()
		l.pump(ctx, l.tuns[0], l.tuns[1], rate, cfg.Seed, &l.ab)
	}()
	go func() {
		defer l.wg.Done()
		l.pump(ctx, l.tuns[1], l.tuns[0], rate, cfg.Seed+1, &l.ba)
	}()
	ok = true
	return l, nil
}

// Config is the link's configuration with its defaults filled in.
func (l *Link) Config() Config { return l.cfg }

// Counters returns the counters of both directions: A→B (from NSA to NSB) and B→A.
func (l *Link) Counters() (ab, ba Counters) { return l.ab.counters(), l.ba.counters() }

// Close stops forwarding, closes the devices and removes both namespaces. It is safe to call
// more than once; it returns the first error.
func (l *Link) Close() error {
	var errs []error
	l.once.Do(func() {
		if l.cancel != nil {
			l.cancel()
		}
		for _, f := range l.tuns {
			if f != nil {
				errs = append(errs, f.Close())
			}
		}
		l.wg.Wait()
		for _, ns := range []string{l.cfg.NSA, l.cfg.NSB} {
			if _, err := os.Stat("/var/run/netns/" + ns); err == nil {
				errs = append(errs, ip("netns", "del", ns))
			}
		}
	})
	return errors.Join(errs...)
}

// devName is the TUN device of a namespace (at most 15 bytes, the kernel's limit).
func devName(ns string) string {
	name := ns + "-tun"
	if len(name) > 15 {
		name = name[len(name)-15:]
	}
	return name
}

// Do runs fn with the calling goroutine's thread inside the namespace ns: sockets fn creates
// (net.Listen, net.Dial) belong to that namespace for their whole life. Tests use it to put a
// listener on one side of the link without starting a process.
func Do(ns string, fn func() error) error {
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace %s: %w", ns, err)
	}
	ferr := fn()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread stays locked, so the runtime ends it with this goroutine rather than
		// letting other goroutines run in the wrong namespace.
		return errors.Join(ferr, fmt.Errorf("leave namespace %s: %w", ns, err))
	}
	runtime.UnlockOSThread()
	return ferr
}

func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// openTun creates a TUN device (IP packets, no extra header) and returns it in non-blocking
// mode, so that closing it ends a pending read.
func openTun(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun (root needed): %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

type packet struct {
	b  []byte
	at time.Time
}

// pump forwards packets from src to dst: loss first, then the drop-tail queue in front of a
// line of rateBps bit/s, then the one-way delay.
func (l *Link) pump(ctx context.Context, src, dst *os.File, rateBps float64, seed uint64, d *direction) {
	r := rand.New(rand.NewPCG(seed, 1))
	delay := l.cfg.RTT / 2
	ch := make(chan packet, 65536)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := range ch {
			if w := time.Until(p.at); w > 0 {
				select {
				case <-time.After(w):
				case <-ctx.Done():
					return
				}
			}
			if _, err := dst.Write(p.b); err != nil {
				if ctx.Err() != nil {
					return
				}
				continue // a packet the kernel refuses is a lost packet
			}
			d.delivered.Add(1)
			d.deliveredB.Add(int64(len(p.b)))
		}
	}()
	defer func() {
		close(ch)
		<-done
	}()
	var lastDep time.Time
	buf := make([]byte, 65536)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return // closed
		}
		d.packets.Add(1)
		d.bytes.Add(int64(n))
		d.countSYN(buf[:n])
		now := time.Now()
		if l.cfg.Loss > 0 && r.Float64() < l.cfg.Loss {
			d.lost.Add(1)
			continue
		}
		dep := now
		if rateBps > 0 {
			if lastDep.After(now) {
				backlog := int(lastDep.Sub(now).Seconds() * rateBps / 8)
				if backlog+n > l.cfg.QueueBytes {
					d.qdrop.Add(1)
					continue
				}
				dep = lastDep
			}
			dep = dep.Add(time.Duration(float64(n*8) / rateBps * float64(time.Second)))
			lastDep = dep
		}
		ch <- packet{append([]byte(nil), buf[:n]...), dep.Add(delay)}
	}
}

// countSYN counts a TCP connection opening (SYN without ACK) once, whatever its retransmissions.
// Only the pump goroutine of the direction touches syns.
func (d *direction) countSYN(p []byte) {
	if len(p) < 20 || p[0]>>4 != 4 || p[9] != unix.IPPROTO_TCP {
		return
	}
	ihl := int(p[0]&0x0f) * 4
	if len(p) < ihl+14 {
		return
	}
	tcp := p[ihl:]
	if flags := tcp[13]; flags&0x02 == 0 || flags&0x10 != 0 {
		return
	}
	key := uint64(binary.BigEndian.Uint16(tcp[0:2]))<<32 | uint64(binary.BigEndian.Uint32(tcp[4:8]))
	if !d.syns[key] {
		d.syns[key] = true
		d.conns.Add(1)
	}
}
