package app

import "syscall"

// diskFullErrors are Windows' full-disk errors: ERROR_HANDLE_DISK_FULL (39) and
// ERROR_DISK_FULL (112), which Go does not map to ENOSPC.
var diskFullErrors = []error{syscall.ENOSPC, syscall.Errno(39), syscall.Errno(112)}
