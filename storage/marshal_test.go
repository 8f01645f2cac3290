package storage

import (
	"testing"

	"bhxhdesk/contract"
	"bhxhdesk/internal/jsontest"
)

// TestMarshalWritesWhatEncodingJSONWrites: every record the store writes with marshal comes
// out byte for byte as encoding/json writes it: the records of stores in the field, the audit
// chain's hashed entries and the operations sent to the centre stay the same bytes. (A record
// with an "omitzero" time, which segmentio's encoder does not know, failed here before
// jsonenc left such types to encoding/json.)
func TestMarshalWritesWhatEncodingJSONWrites(t *testing.T) {
	jsontest.SameAsEncodingJSON(t, marshal,
		dossierRecord{}, voucherRecord{}, participantRecord{}, coverRecord{}, voucherStateRecord{},
		officeRecord{}, userRecord{}, noticeRecord{}, entitySyncRecord{}, draftRecord{}, auditRecord{},
		auditHead{}, contract.Op{}, contract.Change{})
}
