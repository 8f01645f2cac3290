//go:build unix

package pdf_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system), its garbage collector's
// included: what a document costs the machine, whatever else shares it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
