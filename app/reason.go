package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
	"syscall"
)

// ReasonOf is why a system call failed, for a message's {reason}: a code the catalogue words
// in the officer's language ("reason.disk_full": "ổ đĩa đã đầy") for the failures an office
// meets — a full or read-only disk, a missing file, no network, a server that does not answer
// or whose certificate is wrong —, else the system's own text. Messages never carry English
// system errors they could say in Vietnamese.
func ReasonOf(err error) string {
	var (
		dns  *net.DNSError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		host x509.HostnameError
		inv  x509.CertificateInvalidError
		ne   net.Error
	)
	switch {
	case err == nil:
		return ""
	case DiskFull(err):
		return "disk_full"
	case errors.Is(err, syscall.EROFS):
		return "read_only"
	case errors.Is(err, fs.ErrPermission):
		return "permission"
	case errors.Is(err, fs.ErrNotExist):
		return "not_found"
	case errors.As(err, &dns):
		return "no_host"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETDOWN):
		return "no_network"
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &host), errors.As(err, &inv):
		return "certificate"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection_lost"
	}
	return err.Error()
}

// DiskFull reports whether err is a full disk: ENOSPC, or on Windows ERROR_DISK_FULL and
// ERROR_HANDLE_DISK_FULL (diskFullErrors).
func DiskFull(err error) bool {
	for _, e := range diskFullErrors {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
