package jsonenc_test

import (
	"bytes"
	"testing"

	"bhxhdesk/app/jsonenc"
	"bhxhdesk/contract"
	"bhxhdesk/internal/jsontest"
)

// TestMarshalWritesWhatEncodingJSONWrites: the protocol's payloads and messages, encoded by
// Marshal, are the bytes encoding/json writes.
func TestMarshalWritesWhatEncodingJSONWrites(t *testing.T) {
	jsontest.SameAsEncodingJSON(t, jsonenc.Marshal,
		contract.DossierV1{}, contract.VoucherV1{}, contract.ParticipantV1{}, contract.CoverV1{},
		contract.OfficeRecordV1{}, contract.Op{}, contract.Change{}, contract.OpResult{}, contract.Page{},
		map[string]int{}, []string{})
}

// TestAnOmitZeroFieldIsLeftOut: segmentio's encoder would write a zero time tagged omitzero;
// Marshal leaves it out, as encoding/json does.
func TestAnOmitZeroFieldIsLeftOut(t *testing.T) {
	b, err := jsonenc.Marshal(contract.ParticipantV1{PersonalID: "001190012345"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("terms_at")) {
		t.Fatalf("a zero terms_at written: %s", b)
	}
}
