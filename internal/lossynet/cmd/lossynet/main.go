//go:build linux

// Command lossynet opens an emulated poor link between the network namespaces lnA (10.213.0.1)
// and lnB (10.213.0.2) until interrupted, then prints what crossed it and removes the
// namespaces. Needs root.
//
//	go build -o bin/lossynet ./internal/lossynet/cmd/lossynet
//	bin/lossynet -rtt 300ms -kbit 256 -loss 0.05 & LN=$!
//	ip netns exec lnB ./server -addr 10.213.0.2:8090 &
//	ip netns exec lnA ./client -addr 10.213.0.2:8090
//	kill -INT $LN
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"bhxhdesk/internal/lossynet"
)

func main() {
	var cfg lossynet.Config
	flag.StringVar(&cfg.NSA, "nsa", "lnA", "client namespace")
	flag.StringVar(&cfg.NSB, "nsb", "lnB", "server namespace")
	flag.StringVar(&cfg.IPA, "ipa", "10.213.0.1", "address in the client namespace")
	flag.StringVar(&cfg.IPB, "ipb", "10.213.0.2", "address in the server namespace")
	flag.DurationVar(&cfg.RTT, "rtt", 300*time.Millisecond, "round-trip time (split evenly)")
	flag.Float64Var(&cfg.Kbit, "kbit", 256, "rate per direction, kbit/s (negative = unlimited)")
	flag.Float64Var(&cfg.Loss, "loss", 0.05, "packet loss probability per direction")
	flag.IntVar(&cfg.QueueBytes, "qbytes", 32<<10, "drop-tail queue per direction, bytes")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the losses")
	flag.Parse()
	l, err := lossynet.Open(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lossynet:", err)
		os.Exit(1)
	}
	c := l.Config()
	fmt.Printf("lossynet ready: %s(%s) <-> %s(%s) rtt=%v rate=%vkbit loss=%.3f\n", c.NSA, c.IPA, c.NSB, c.IPB, c.RTT, c.Kbit, c.Loss)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	ab, ba := l.Counters()
	for _, x := range []struct {
		name string
		c    lossynet.Counters
	}{{"A->B", ab}, {"B->A", ba}} {
		fmt.Printf("%s packets=%d bytes=%d lost=%d qdrop=%d delivered=%d connections=%d\n",
			x.name, x.c.Packets, x.c.Bytes, x.c.Lost, x.c.QueueDropped, x.c.Delivered, x.c.Connections)
	}
	if err := l.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "lossynet:", err)
		os.Exit(1)
	}
}
