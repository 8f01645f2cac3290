//go:build !linux

package main

import (
	"fmt"
	"os"
)

// The benchmark needs Linux network namespaces and TUN devices.
func main() {
	fmt.Fprintln(os.Stderr, "syncbench runs on Linux only (network namespaces, TUN devices); version", version)
	os.Exit(2)
}
