package app

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// NewUUIDv7 is an RFC 9562 version 7 UUID: 48 bits of Unix milliseconds, then random bits. Ids
// made on different desks never clash, and sort by creation time.
func NewUUIDv7(t time.Time) string {
	var u [16]byte
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	_, _ = rand.Read(u[6:])
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}

// Clock is a service's clock: the time it stamps on what it records. A nil Clock is the
// system's (time.Now).
type Clock func() time.Time

// Time is the clock's time now.
func (c Clock) Time() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}
