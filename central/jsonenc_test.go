package central_test

import (
	"testing"

	"bhxhdesk/app/jsonenc"
	"bhxhdesk/central"
	"bhxhdesk/internal/jsontest"
)

// TestTheCentresRecordsAreWrittenAsEncodingJSONWritesThem: what the centre stores (operations'
// outcomes, vouchers, devices) and shares is encoded by jsonenc as encoding/json would: stores
// already hold these bytes.
func TestTheCentresRecordsAreWrittenAsEncodingJSONWritesThem(t *testing.T) {
	jsontest.SameAsEncodingJSON(t, jsonenc.Marshal, central.StoredOp{}, central.Voucher{}, central.Device{})
}
