package sync_test

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/desk"
	"bhxhdesk/internal/centraltest"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestLogsNeverHoldAnUnmaskedPersonalID runs registrations, payments, a failing link, refused
// requests carrying personal IDs and successful rounds with both ends logging, then searches
// every log line for the personal IDs and phone numbers involved.
func TestLogsNeverHoldAnUnmaskedPersonalID(t *testing.T) {
	var serverLog lockedBuffer
	ctr := centraltest.Start(t, centraltest.Options{Log: slog.New(app.NewLogHandler(&serverLog, slog.LevelInfo))})
	proxy := &faultProxy{upstream: ctr.URL(), client: &http.Client{Timeout: 10 * time.Second}, stall: 50 * time.Millisecond,
		rng: rand.New(rand.NewPCG(1, 2)), rate: 0.5, counts: map[string]int{}}
	ps := httptest.NewServer(proxy)
	defer ps.Close()

	o := newOffice(t, "01001", "01", "00004", "K7")
	c := &centre{ctr}
	c.enrol(t, o, ps.URL)
	logger, closer, err := desk.OpenLog(o.Dir)
	require.NoError(t, err)
	defer closer.Close()
	ds := o.register(t, 3, 40)
	for _, d := range ds[:10] {
		_, err := o.Records.AddVoucher(o.officer, app.VoucherInput{ReceiptNo: "BL-" + d.Code, PersonalID: d.Form.PersonalID,
			FullName: d.Form.FullName, Amount: "1", PaidOn: "2026-01-06", FromMonth: "2026-01", Months: 1})
		require.NoError(t, err)
	}
	e := o.engine(t, ps.URL, 5, 2*time.Second)
	e.Log = logger
	_, _, err = converge(e, 500)
	require.NoError(t, err)

	// Requests the centre refuses, with personal data in them.
	bad, err := central.NewClient(central.ClientConfig{BaseURL: ctr.URL(), Token: o.token})
	require.NoError(t, err)
	_, err = bad.Push(context.Background(), []contract.Op{{OpID: "x", Kind: "dossier.create", EntityID: ds[0].Form.PersonalID,
		Payload: []byte(`{"form":{"personal_id":"` + ds[0].Form.PersonalID + `"}}`)}})
	require.NoError(t, err)
	stranger, err := central.NewClient(central.ClientConfig{BaseURL: ctr.URL(), Token: ds[1].Form.PersonalID})
	require.NoError(t, err)
	_, err = stranger.Pull(context.Background(), 0, 10)
	require.Error(t, err)
	_, err = ctr.Service.PostVouchers(
		context.Background(),
		[]app.VoucherInput{{ReceiptNo: "KT", PersonalID: ds[2].Form.PersonalID + "9", FullName: "x",
			Amount: "1", PaidOn: "2026-01-06", FromMonth: "2026-01", Months: 1}},
	)
	require.Error(t, err)
	e.Log.Warn("voucher refused", "err", err)

	deskLog, err := os.ReadFile(filepath.Join(o.Dir, "logs", "desk.log"))
	require.NoError(t, err)
	logs := map[string]string{"centre": serverLog.String(), "desk": string(deskLog)}
	for name, text := range logs {
		require.NotEmpty(t, text, "the %s logged", name)
		for _, d := range ds {
			for _, secret := range []string{d.Form.PersonalID, d.Form.Phone} {
				assert.False(t, strings.Contains(text, secret), "the %s log holds %s unmasked", name, app.PersonalID(d.Form.PersonalID).Masked())
			}
		}
	}
	assert.Contains(t, logs["centre"], "status=401", "refusals are logged")
	assert.Contains(t, logs["desk"], "sync round failed", "failed rounds are logged")
	assert.Contains(t, logs["desk"], "msg=\"sync round\"")
	t.Logf("centre log %d bytes, desk log %d bytes, faults %v", len(logs["centre"]), len(logs["desk"]), proxy.counts)
}
