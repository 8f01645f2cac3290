//go:build !windows

package app

import "syscall"

// diskFullErrors are the system's full-disk errors.
var diskFullErrors = []error{syscall.ENOSPC}
