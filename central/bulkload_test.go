package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
)

// TestBulkLoadBringsExistingRecordsIntoTheCentre: records loaded with COPY are the centre's
// like any others (an office's digest and state find them, another office's do not), and a
// batch that repeats a record already there writes nothing and names the table.
func TestBulkLoadBringsExistingRecordsIntoTheCentre(t *testing.T) {
	ctx := context.Background()
	store := centraltest.OpenPostgres(t, central.PostgresConfig{})
	svc := &central.Service{Store: store}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var recs central.Records
	var want []contract.DigestLine
	for i := range 6 {
		office := []string{"01001", "01002"}[i%2]
		pid := fmt.Sprintf("00119001%04d", i)
		code := fmt.Sprintf("%s-261102-S%04d", office, i)
		recs.Dossiers = append(recs.Dossiers, central.Dossier{Code: code, Office: office, PersonalID: pid, Version: 1,
			Body: json.RawMessage(`{"code":"` + code + `"}`), CentralReceived: at})
		pe := app.Period{From: app.MonthOf(2026, 11), To: app.MonthOf(2026, 11), Method: "monthly", Income: 2200000, Voucher: "v" + pid}
		rec := app.IdentityRecord{Office: office, Dossier: code, FullName: "Nguyễn Thị Lan", BirthDate: "1990-05-17", Gender: "female"}
		recs.Persons = append(recs.Persons, central.Person{PersonalID: pid, Identity: rec, Records: []app.IdentityRecord{rec},
			Offices: []string{office}, Periods: []app.Period{pe}, Version: 1})
		recs.Vouchers = append(recs.Vouchers, central.Voucher{ID: "v" + pid, PersonalID: pid, Office: office, Source: "desk",
			Body: json.RawMessage(`{"id":"v` + pid + `"}`), Received: at})
		if office == "01001" {
			want = append(want, contract.DossierLine(code, 1), contract.VoucherLine("v"+pid), app.PeriodDigestLine(pid, pe))
		}
	}
	require.NoError(t, store.BulkLoad(ctx, recs))

	got, n, err := svc.Digest(ctx, "01001")
	require.NoError(t, err)
	require.Equal(t, len(want), n)
	require.Equal(t, contract.Digest(want), got, "an office's digest covers what was loaded for it, and only that")
	dev, _, err := svc.Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)
	st, err := svc.OfficeState(ctx, dev)
	require.NoError(t, err)
	require.Len(t, st.Dossiers, 3)
	require.Len(t, st.Vouchers, 3)
	require.Len(t, st.People, 3)

	// The same records again, with one new person: refused as a whole.
	again := recs
	again.Persons = append([]central.Person{{PersonalID: "001190019999", Version: 1}}, recs.Persons[:1]...)
	again.Dossiers, again.Vouchers = nil, nil
	err = store.BulkLoad(ctx, again)
	require.ErrorContains(t, err, "persons")
	require.NoError(t, store.View(ctx, func(tx central.Tx) error {
		_, ok, err := tx.Person("001190019999")
		require.False(t, ok, "nothing of a refused batch is written")
		return err
	}))
}
