package storage

import "encoding/binary"

// The key schema: every prefix of the store, one line each. Keys are byte strings; numbers in
// keys are big-endian so that Badger's order is numeric order.
//
//	audit/<seq:8>               audit entry (JSON), hash-chained; seq starts at 1, no gaps
//	meta/audit_head             {seq, hash} of the last audit entry (detects a cut tail)
//
// Entities, indexes and the outbox of the intake and records services are added here with the
// services that write them.
var (
	prefixAudit  = []byte("audit/")
	keyAuditHead = []byte("meta/audit_head")
)

func auditKey(seq uint64) []byte {
	k := make([]byte, len(prefixAudit)+8)
	copy(k, prefixAudit)
	binary.BigEndian.PutUint64(k[len(prefixAudit):], seq)
	return k
}
