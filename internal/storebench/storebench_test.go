package storebench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
)

var ref = assets.MustLoad()

var testToday = calendar.Of(2026, 4, 15)

// loadSmall loads a small data set into both stores in a temp folder.
func loadSmall(t *testing.T, n int) (Dataset, string, string) {
	t.Helper()
	dir := t.TempDir()
	ours, peer := filepath.Join(dir, Ours), filepath.Join(dir, Peer)
	ds, err := Load(ref, Spec{N: n, Seed: 3, Today: testToday}, ours, filepath.Join(peer, PeerFile), t.Logf)
	require.NoError(t, err)
	return ds, ours, peer
}

func TestGenerateIsReproducibleAndRealistic(t *testing.T) {
	spec := Spec{N: 3000, Seed: 9, Today: testToday}
	var first []app.Dossier
	a, err := Generate(ref, spec, func(d *app.Dossier) error { first = append(first, *d); return nil })
	require.NoError(t, err)
	i := 0
	b, err := Generate(ref, spec, func(d *app.Dossier) error {
		assert.Equal(t, first[i].Code, d.Code)
		assert.Equal(t, first[i].Form, d.Form)
		i++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, a, b, "the same spec gives the same data set")
	require.Len(t, first, 3000)

	pids := map[string]bool{}
	codes := map[string]bool{}
	for _, d := range first {
		assert.False(t, pids[d.Form.PersonalID], "personal IDs are unique")
		assert.False(t, codes[d.Code], "codes are unique")
		pids[d.Form.PersonalID], codes[d.Code] = true, true
		assert.Less(t, calendar.DateOf(d.Received), testToday)
		last := d.Timeline[len(d.Timeline)-1]
		assert.Equal(t, d.Handler, last.User)
		assert.Equal(t, len(d.Timeline), d.Version)
		assert.False(t, last.At.After(testToday.Time()), "nothing happened after today began")
		switch d.State {
		case app.StateDone, app.StateRejected:
			assert.Empty(t, d.Step)
			assert.Less(t, d.Due, testToday, "only dossiers due before today are closed")
		case app.StateOpen:
			assert.NotEmpty(t, d.Step)
			assert.LessOrEqual(t, d.StepDue, d.Due)
		}
		assert.Positive(t, int64(d.Quote.Gross))
		assert.GreaterOrEqual(t, int64(d.Quote.Payable), int64(0), "support may cover it all (Hà Nội's poor)")
	}
	share := float64(a.DueToday) / float64(spec.N)
	assert.InDelta(t, 0.0056, share, 0.0015, "about 0.56 %% due today (%d)", a.DueToday)
	assert.Greater(t, a.Counts[app.StateDone], a.Counts[app.StateOpen], "most dossiers are done")
	assert.Positive(t, a.Counts[app.StateReturned])
	assert.Positive(t, a.Counts[app.StateRejected])
	assert.Len(t, a.SamplePIDs, 1000)
}

func TestEveryStoreAnswersTheSame(t *testing.T) {
	ds, ours, peer := loadSmall(t, 2500)
	w := Workload{
		Lookups:       50,
		Searches:      5,
		SearchText:    "Nguyễn Thị Ho",
		SearchLimit:   50,
		DueLists:      2,
		Registrations: 40,
		Warmup:        5,
		FsyncSamples:  20,
	}
	kinds := Kinds()
	dirs := map[string]string{Ours: ours, PureGo: peer}
	if NativeAvailable() {
		// Both drivers on copies of one file.
		dirs[Native] = filepath.Join(t.TempDir(), "native")
		require.NoError(t, os.MkdirAll(dirs[Native], 0o700))
		b, err := os.ReadFile(filepath.Join(peer, PeerFile))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dirs[Native], PeerFile), b, 0o600))
	}
	a, err := Alternate(ref, kinds, dirs, ds, w, 4)
	require.NoError(t, err)
	require.Len(t, a.Results, len(kinds))
	for _, k := range []string{"lookup", "search", "due_today", "counts", "register"} {
		for _, kind := range kinds[1:] {
			assert.Equal(t, a.Results[Ours].Digests[k], a.Results[kind].Digests[k], "%s gives the same %s answers", kind, k)
		}
	}
	o := a.Results[Ours]
	assert.Equal(t, ds.DueToday, o.DueRows)
	assert.Positive(t, o.SearchRows, "the search finds someone")
	assert.Equal(t, 40, o.Registered)
	for _, r := range a.Results {
		assert.Positive(t, r.Register.P50)
		assert.GreaterOrEqual(t, r.Register.P99, r.Register.P50)
		assert.Positive(t, r.Register.Lo, "the rounds' spread is kept")
		assert.LessOrEqual(t, r.Register.Lo, r.Register.Hi)
		assert.Equal(t, 50, r.Lookup.N, "the lookups are shared between the rounds")
	}
	assert.GreaterOrEqual(t, a.FsyncPrealloc.N, 20)

	// A working session in a process of its own: memory, size, the product's key derivation.
	s, err := Measure(ref, Ours, ours, ds, w)
	require.NoError(t, err)
	assert.Positive(t, s.Memory.RSS)
	assert.Positive(t, s.AfterWrites.RSS)
	assert.Positive(t, s.DiskBytes)
	assert.Positive(t, s.DefaultKDF)
	assert.Equal(t, 40+5+s.Refused, s.SessionRegistrations, "the warm-up registrations are counted in the session")

	open, unlock, err := OpenOnce(Ours, ours, ds.SamplePIDs[0])
	require.NoError(t, err)
	assert.Positive(t, open)
	assert.Positive(t, unlock, "the keyring's unlock is timed apart")
	open, unlock, err = OpenOnce(PureGo, peer, ds.SamplePIDs[0])
	require.NoError(t, err)
	assert.Positive(t, open)
	assert.Zero(t, unlock)
}

func TestPeerRunsTheIntake(t *testing.T) {
	clk := &benchClock{t: time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN)}
	p, err := OpenSQLite(PeerConfig(filepath.Join(t.TempDir(), PeerFile), clk.now))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Close()) }()
	in := newPeerIntake(t, p, clk)
	sess, err := in.Login("motcua", Password)
	require.NoError(t, err)
	_, err = in.Login("motcua", "sai mật khẩu")
	assert.Equal(t, app.Forbidden, app.KindOf(err), "a wrong password is refused")

	f := fakeForms(1)[0]
	f.FullName = "Nguyễn Thị Hồng Ánh"
	// A form in progress is kept and dropped as on the desk (the peer implements all of
	// intake.Tx, drafts and settings included).
	require.NoError(t, in.SaveDraft(sess, f, map[string]bool{"full_name": true}))
	dr, ok, err := in.Draft(sess)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, f.FullName, dr.Form.FullName)
	res, err := in.Register(sess, intake.RegisterRequest{Form: f, FromDraft: true})
	require.NoError(t, err)
	assert.Equal(t, "01001-260105-K70001", res.Dossier.Code)
	_, ok, err = in.Draft(sess)
	require.NoError(t, err)
	assert.False(t, ok, "saving the registration removes the draft")
	_, err = in.Register(sess, intake.RegisterRequest{Form: f})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "duplicate_personal_id", ae.Code)

	for _, q := range []struct{ text, want string }{
		{"nguyen thi hong anh", res.Dossier.Code},
		{"nguyen thi ho", res.Dossier.Code},
		{"Nguyễn Thị Hồng", res.Dossier.Code},
		{"nguyen thi hong anhx", ""},
		{"thi hong", res.Dossier.Code}, // from a later word too, as our store finds it
		{"hong an", res.Dossier.Code},
		{"ong anh", ""},
		{"k70001", res.Dossier.Code},
		{"260105-K70001", res.Dossier.Code},
		{"70001", ""},
		{f.Phone[len(f.Phone)-5:], res.Dossier.Code},
		{"+84" + f.Phone[1:], res.Dossier.Code},
		{f.PersonalID[:6], res.Dossier.Code},
		{f.PersonalID[8:], res.Dossier.Code},
	} {
		found, err := in.List(sess, intake.ListRequest{Kind: intake.ListSearch, Value: q.text})
		require.NoError(t, err, q.text)
		if q.want == "" {
			assert.Empty(t, found, q.text)
			continue
		}
		require.Len(t, found, 1, q.text)
		assert.Equal(t, q.want, found[0].Code, q.text)
	}

	officer, err := in.Login("canbo", Password)
	require.NoError(t, err)
	d, err := in.Act(officer, res.Dossier.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	assert.Equal(t, "finance", d.Step)
	require.NoError(t, p.View(func(tx intake.Tx) error {
		at, err := tx.AtStep("finance", 0)
		require.NoError(t, err)
		require.Len(t, at, 1)
		want := d.Summary()
		assert.True(t, want.Received.Equal(at[0].Received))
		want.Received = at[0].Received
		assert.Equal(t, want, at[0])
		c, err := tx.Counts()
		assert.Equal(t, map[app.State]int{app.StateOpen: 1}, c)
		return err
	}))
	rep, err := p.VerifyAudit()
	require.NoError(t, err)
	assert.True(t, rep.OK)
	assert.EqualValues(t, 23, rep.Entries, "set-up, 3 logins, 3 accounts, register, 14 lists, advance")

	require.NoError(t, p.RemoveCredential("canbo"))
	_, err = in.Login("canbo", Password)
	assert.Equal(t, app.Forbidden, app.KindOf(err), "an account without its password cannot sign in")
}

func TestFtsPrefixQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"nguyen thi ho", `^"nguyen" + "thi" + "ho"*`},
		{"le", `^"le"*`},
		{"o'neil", `^"o" + "neil"*`},
		{"--", ""},
	} {
		assert.Equal(t, c.want, ftsPrefix(c.in), c.in)
	}
}

func TestStatsOfTakesNearestRank(t *testing.T) {
	ds := make([]time.Duration, 200)
	for i := range ds {
		ds[i] = time.Duration(200-i) * time.Microsecond
	}
	s := StatsOf(ds)
	assert.Equal(t, 100*time.Microsecond, s.P50)
	assert.Equal(t, 198*time.Microsecond, s.P99)
	assert.Equal(t, 200*time.Microsecond, s.Max)
	assert.Equal(t, Stats{}, StatsOf(nil))
}

func newPeerIntake(t *testing.T, p *SQLite, clk *benchClock) *intake.Service {
	t.Helper()
	in := desk.NewIntake(p, ref, clk.now)
	require.NoError(t, p.AddCredential(Admin.Name, Password))
	require.NoError(t, in.Setup(Office, Admin))
	require.NoError(t, addAccounts(in))
	return in
}

func fakeForms(n int) []app.RegistrationForm {
	g := fake.New(11, ref.Places)
	out := make([]app.RegistrationForm, n)
	for i := range out {
		out[i] = g.Form()
	}
	return out
}

// The peer is a fair opponent only if its queries use the indexes made for them (with the
// statistics of ANALYZE, as after Load), covering the list rows where ours do and in the
// order of the query, as ours.
func TestPeerQueriesUseTheirIndexes(t *testing.T) {
	_, _, peer := loadSmall(t, 2000)
	p, err := OpenSQLite(PeerConfig(filepath.Join(peer, PeerFile), nil))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Close()) }()
	plan := func(q string, args ...any) string {
		rows, err := p.conn.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	for _, c := range []struct {
		query, index string
		args         []any
	}{
		{`SELECT ` + summaryCols + ` FROM dossier WHERE personal_id = ? ORDER BY code`, "COVERING INDEX dossier_pid", []any{"001190012345"}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE state IN ('open', 'returned') AND due >= ? AND due <= ? ORDER BY due, code LIMIT ?`,
			"COVERING INDEX dossier_due", []any{1, 2, -1}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE name_key >= ? AND name_key < ? ORDER BY name_key, substr(birth_date, 1, 4), code LIMIT ?`,
			"COVERING INDEX dossier_name", []any{"nguyen thi ho", "nguyen thi hp", 50}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE name_key = ? AND substr(birth_date, 1, 4) = ? ORDER BY code`,
			"COVERING INDEX dossier_name", []any{"nguyen thi hoa", "1980"}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE state = 'open' AND step = ? ORDER BY step_due, code LIMIT ?`, "COVERING INDEX dossier_step",
			[]any{"check", -1}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE state IN ('open', 'returned') AND handler = ? ORDER BY due, code LIMIT ?`,
			"COVERING INDEX dossier_handler", []any{"canbo", -1}},
		{`SELECT ` + summaryCols + ` FROM dossier WHERE pid_rev >= ? AND pid_rev < ? ORDER BY pid_rev, code`, "dossier_pid_rev", []any{"5432",
			"5433"}},
	} {
		p := plan(c.query, c.args...)
		assert.Contains(t, p, c.index, c.query)
		assert.NotContains(t, p, "TEMP B-TREE", "the index gives the query's order: %s", c.query)
	}
}
