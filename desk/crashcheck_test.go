package desk_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
)

// crashVerify reopens the store the way the desk does and checks it against what was
// acknowledged. It updates stats (lost, corrupt, in-flight outcomes) and returns the problems.
func crashVerify(
	t *testing.T,
	dir string,
	now func() time.Time,
	known map[string]*crashKnown,
	run *crashRun,
	stats map[string]int,
) []string {
	t.Helper()
	var problems []string
	lost := func(format string, args ...any) {
		stats["lost"]++
		problems = append(problems, "LOST: "+fmt.Sprintf(format, args...))
	}
	corrupt := func(format string, args ...any) {
		stats["corrupt"]++
		problems = append(problems, "CORRUPT: "+fmt.Sprintf(format, args...))
	}
	// A kill while Badger creates a log file leaves it empty; Badger alone then refuses to open
	// (its issue #2207, mended by storage). Count them to show the case is exercised.
	files, _ := os.ReadDir(filepath.Join(dir, "db"))
	for _, e := range files {
		if info, err := e.Info(); err == nil && info.Size() == 0 &&
			(strings.HasSuffix(e.Name(), ".mem") || strings.HasSuffix(e.Name(), ".vlog")) {
			stats["empty_log_files"]++
		}
	}
	dk, _, err := desk.Open(proofConfig(dir, now), proofRef(), "truongphong", proofPassword)
	if err != nil {
		corrupt("the store does not reopen: %v", err)
		return problems
	}
	defer func() {
		if err := dk.Close(); err != nil {
			corrupt("close after the check: %v", err)
		}
	}()

	// What was in flight when the child died: at most one registration or one change.
	inflightRegister, inflightAct := false, ""
	for _, l := range run.lines {
		switch f := strings.Fields(l); {
		case len(f) == 0:
		case f[0] == "TRY" && len(f) >= 2 && f[1] == "R":
			inflightRegister, inflightAct = true, ""
		case f[0] == "TRY" && len(f) >= 3 && f[1] == "A":
			inflightRegister, inflightAct = false, f[2]
		case f[0] == "ACK" || f[0] == "NACK":
			inflightRegister, inflightAct = false, ""
		}
	}

	dossiers := map[string]app.Dossier{}
	var checks []string // the codes whose lookups are checked one by one
	err = dk.DB.View(func(tx app.Tx) error {
		// Every dossier, through the name index (one entry per dossier) and the personal-ID index.
		byName, err := tx.SearchName("", 0)
		if err != nil {
			return err
		}
		byPID, err := tx.SearchPersonalID("", 0)
		if err != nil {
			return err
		}
		for _, s := range byName {
			if _, dup := dossiers[s.Code]; dup {
				corrupt("%s is twice in the name index", s.Code)
				continue
			}
			d, ok, err := tx.Dossier(s.Code)
			if err != nil {
				return err
			}
			if !ok {
				corrupt("the name index points to %s, which does not exist", s.Code)
				continue
			}
			dossiers[s.Code] = d
			if !crashSameSummary(s, d.Summary()) {
				corrupt("%s: the name index row %+v differs from the dossier", s.Code, s)
			}
		}
		crashSameSet(corrupt, "personal-ID index", byPID, dossiers)

		// The queues hold exactly the pending dossiers, each with its current row.
		due, err := tx.Due(0, calendar.Date(1<<30), 0)
		if err != nil {
			return err
		}
		crashSameSet(corrupt, "due list", due, crashFilter(dossiers, func(d app.Dossier) bool { return !d.State.Closed() }))
		for _, step := range proofRef().Workflows.For(proofOffice.Province).Steps {
			at, err := tx.AtStep(step.ID, 0)
			if err != nil {
				return err
			}
			crashSameSet(corrupt, "step "+step.ID+" queue", at, crashFilter(dossiers, func(d app.Dossier) bool {
				return d.State == app.StateOpen && d.Step == step.ID
			}))
		}
		for _, user := range []string{"motcua", "truongphong"} {
			mine, err := tx.ByHandler(user, 0)
			if err != nil {
				return err
			}
			crashSameSet(corrupt, "handler "+user+" queue", mine, crashFilter(dossiers, func(d app.Dossier) bool {
				return !d.State.Closed() && d.Handler == user
			}))
		}
		// The state counts agree with the dossiers.
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		want := map[app.State]int{}
		for _, d := range dossiers {
			want[d.State]++
		}
		for _, s := range []app.State{app.StateOpen, app.StateReturned, app.StateRejected, app.StateDone} {
			if counts[s] != want[s] {
				corrupt("count of %s is %d, the dossiers say %d", s, counts[s], want[s])
			}
		}

		// Everything acknowledged is there, as acknowledged.
		for code, k := range known {
			d, ok := dossiers[code]
			if !ok {
				if _, there, err := tx.Dossier(code); err == nil && there {
					corrupt("%s exists but is missing from the name index", code)
				} else {
					lost("%s (personal ID %s, version %d) is gone", code, k.pid, k.version)
				}
				continue
			}
			if h := crashSum(d.Form); h != k.formHash || d.Form.PersonalID != k.pid {
				corrupt("%s: form hash %s, acknowledged %s", code, h, k.formHash)
			}
			switch {
			case d.Version == k.version:
				if h := crashSum(d); h != k.dosHash {
					corrupt("%s version %d: dossier hash %s, acknowledged %s", code, d.Version, h, k.dosHash)
				}
			case d.Version == k.version+1 && code == inflightAct:
				stats["inflight_committed_act"]++
				k.version, k.dosHash, k.acked = d.Version, crashSum(d), false
				inflightAct = ""
			case d.Version < k.version:
				lost("%s: version %d, acknowledged %d", code, d.Version, k.version)
			default:
				corrupt("%s: version %d, acknowledged %d and nothing was in flight", code, d.Version, k.version)
			}
		}
		// Dossiers nobody acknowledged: only the registration in flight may have committed.
		for code, d := range dossiers {
			if known[code] != nil {
				continue
			}
			if inflightRegister && d.Version == 1 {
				stats["inflight_committed_register"]++
				known[code] = &crashKnown{pid: d.Form.PersonalID, version: 1, formHash: crashSum(d.Form), dosHash: crashSum(d)}
				inflightRegister = false
				continue
			}
			corrupt("%s exists but was never acknowledged nor in flight", code)
		}
		if inflightRegister || inflightAct != "" {
			stats["inflight_lost"]++ // not committed: allowed, it was never acknowledged
		}

		// Lookups one by one for the dossiers this run acknowledged and a sample of older ones.
		for _, l := range run.lines {
			if f := strings.Fields(l); len(f) == 7 && f[0] == "ACK" {
				checks = append(checks, f[1])
			}
		}
		older := make([]string, 0, len(dossiers))
		for code := range dossiers {
			older = append(older, code)
		}
		slices.Sort(older)
		for i := 0; i < 10 && len(older) > 0; i++ {
			checks = append(checks, older[(run.n*7919+i*104729)%len(older)])
		}
		for _, code := range checks {
			d, ok := dossiers[code]
			if !ok {
				continue // reported above
			}
			crashLookups(tx, d, corrupt)
		}
		return nil
	})
	if err != nil {
		corrupt("reading the store: %v", err)
	}

	// The outbox holds exactly one dossier.create per dossier, with the form acknowledged, and
	// one dossier.event per later version; device sequence numbers run from 1 without a gap.
	ops, err := dk.DB.Outbox(0)
	if err != nil {
		corrupt("outbox: %v", err)
	}
	creates, events := map[string]int{}, map[string]int{}
	for i, op := range ops {
		if op.DeviceSeq != uint64(i+1) {
			corrupt("outbox operation %d has device sequence %d", i+1, op.DeviceSeq)
			break
		}
		switch op.Kind {
		case "dossier.create":
			creates[op.EntityID]++
			var p app.Dossier
			if err := json.Unmarshal(op.Payload, &p); err != nil || p.Code != op.EntityID {
				corrupt("outbox create of %s: payload %v", op.EntityID, err)
			} else if k := known[op.EntityID]; k != nil && crashSum(p.Form) != k.formHash {
				corrupt("outbox create of %s: the form differs from the acknowledged one", op.EntityID)
			}
		case "dossier.event":
			events[op.EntityID]++
		default:
			corrupt("unexpected outbox operation %s", op.Kind)
		}
	}
	auditCreates, auditEvents := map[string]int{}, map[string]int{}
	entries, err := dk.DB.AuditEntries(0)
	if err != nil {
		corrupt("audit entries: %v", err)
	}
	for _, e := range entries {
		switch {
		case e.Action == "dossier.create":
			auditCreates[e.Entity]++
		case strings.HasPrefix(e.Action, "dossier.") && e.Action != "dossier.view" && e.Action != "dossier.list" && e.Action != "dossier.receipt":
			auditEvents[e.Entity]++
		}
	}
	for code, d := range dossiers {
		if creates[code] != 1 || events[code] != d.Version-1 {
			corrupt("%s (version %d): outbox has %d dossier.create and %d dossier.event", code, d.Version, creates[code], events[code])
		}
		if auditCreates[code] != 1 || auditEvents[code] != d.Version-1 {
			corrupt("%s (version %d): audit log has %d creations and %d changes", code, d.Version, auditCreates[code], auditEvents[code])
		}
	}
	for code := range creates {
		if _, ok := dossiers[code]; !ok {
			corrupt("outbox creates %s, which does not exist", code)
		}
	}
	rep, err := dk.DB.VerifyAudit()
	if err != nil || !rep.OK {
		corrupt("audit chain: %+v %v", rep, err)
	}

	stats["checked"] += len(dossiers)
	stats["dossiers"] = len(dossiers)
	for _, s := range []app.State{app.StateOpen, app.StateReturned, app.StateRejected, app.StateDone} {
		stats["state_"+string(s)] = 0
	}
	for _, d := range dossiers {
		stats["state_"+string(d.State)]++
	}
	return problems
}

// crashLookups checks that the lookups an officer uses find a dossier with its current row:
// by personal ID (whole and by its last digits), by folded name (whole and a prefix), by the
// duplicate check, and in the due list of its appointment day while it is pending.
func crashLookups(tx app.Tx, d app.Dossier, corrupt func(string, ...any)) {
	has := func(what string, rows []app.Summary, err error) {
		if err != nil {
			corrupt("%s: %s: %v", d.Code, what, err)
			return
		}
		for _, s := range rows {
			if s.Code == d.Code {
				if !crashSameSummary(s, d.Summary()) {
					corrupt("%s: %s row %+v differs from the dossier", d.Code, what, s)
				}
				return
			}
		}
		corrupt("%s: not found by %s", d.Code, what)
	}
	rows, err := tx.ByPersonalID(d.Form.PersonalID)
	has("personal ID", rows, err)
	rows, err = tx.SearchPersonalID(d.Form.PersonalID[6:], 0)
	has("the last six digits of the personal ID", rows, err)
	key := app.FoldKey(d.Form.FullName)
	rows, err = tx.SearchName(key, 0)
	has("name search", rows, err)
	rows, err = tx.SearchName(key[:len(key)-2], 0)
	has("name prefix search", rows, err)
	rows, err = tx.SameName(app.FoldKey(d.Form.FullName), d.Form.BirthDate[:4])
	has("duplicate check", rows, err)
	if !d.State.Closed() {
		rows, err = tx.Due(d.Due, d.Due, 0)
		has("due list of "+d.Due.VNString(), rows, err)
	}
}

// crashSameSet reports the differences between an index's rows and the dossiers it must list.
func crashSameSet(corrupt func(string, ...any), what string, rows []app.Summary, want map[string]app.Dossier) {
	seen := map[string]bool{}
	for _, s := range rows {
		d, ok := want[s.Code]
		switch {
		case seen[s.Code]:
			corrupt("%s lists %s twice", what, s.Code)
		case !ok:
			corrupt("%s lists %s, which it must not", what, s.Code)
		case !crashSameSummary(s, d.Summary()):
			corrupt("%s: row of %s %+v differs from the dossier", what, s.Code, s)
		}
		seen[s.Code] = true
	}
	for code := range want {
		if !seen[code] {
			corrupt("%s misses %s", what, code)
		}
	}
}

func crashFilter(ds map[string]app.Dossier, keep func(app.Dossier) bool) map[string]app.Dossier {
	out := map[string]app.Dossier{}
	for c, d := range ds {
		if keep(d) {
			out[c] = d
		}
	}
	return out
}

// crashSameSummary compares list rows; the receipt time is compared as an instant (the index
// keeps milliseconds).
func crashSameSummary(a, b app.Summary) bool {
	at, bt := a.Received, b.Received
	a.Received, b.Received = time.Time{}, time.Time{}
	return a == b && at.UnixMilli() == bt.UnixMilli()
}

// TestCrashCheckFindsLossAndCorruption shows that the checks of TestCrashSafety can fail: on a
// sound store they find nothing; a dossier acknowledged but missing is reported lost, and a
// dossier or state count changed behind the services' back is reported corrupt.
func TestCrashCheckFindsLossAndCorruption(t *testing.T) {
	clock := &fixedClock{t: proofStart()}
	dir := t.TempDir()
	cfg := proofConfig(dir, clock.now)
	initProofStore(t, cfg)
	dk, help, err := desk.Open(cfg, proofRef(), "motcua", proofPassword)
	require.NoError(t, err)
	sup, err := dk.Intake.Login("truongphong", proofPassword)
	require.NoError(t, err)
	run := &crashRun{n: 1, status: "killed"}
	gen := fake.New(11, proofRef().Places)
	var codes []string
	for i := 0; i < 4; i++ {
		run.lines = append(run.lines, "TRY R")
		res, err := dk.Intake.Register(help, intake.RegisterRequest{Form: gen.Form(), NotDuplicate: true})
		require.NoError(t, err)
		run.lines = append(run.lines, crashAckLine(res.Dossier))
		codes = append(codes, res.Dossier.Code)
	}
	for _, req := range []intake.ActRequest{{Action: app.ActAdvance}, {Action: app.ActReturn, Missing: []string{"Bản sao CCCD"}}} {
		run.lines = append(run.lines, "TRY A "+codes[0]+" "+string(req.Action))
		d, err := dk.Intake.Act(sup, codes[0], req)
		require.NoError(t, err)
		run.lines = append(run.lines, crashAckLine(d))
	}
	require.NoError(t, dk.Close())

	known, stats := map[string]*crashKnown{}, map[string]int{}
	require.Empty(t, crashApply(run, known, stats))
	require.Empty(t, crashVerify(t, dir, clock.now, known, run, stats), "a sound store passes")

	// Acknowledged, then gone.
	known["01001-260105-K79999"] = &crashKnown{pid: "001190012345", version: 1, acked: true}
	problems := crashVerify(t, dir, clock.now, known, run, stats)
	require.Len(t, problems, 1)
	require.Contains(t, problems[0], "LOST: 01001-260105-K79999")
	delete(known, "01001-260105-K79999")

	// A phone number changed in the stored dossier, and a state count off by one.
	dk, _, err = desk.Open(cfg, proofRef(), "truongphong", proofPassword)
	require.NoError(t, err)
	var d app.Dossier
	require.NoError(t, dk.DB.View(func(tx app.Tx) error {
		var ok bool
		d, ok, err = tx.Dossier(codes[1])
		require.True(t, ok)
		return err
	}))
	d.Form.Phone = "0912345678"
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	require.NoError(t, dk.DB.Put([]byte("d/"+d.Code), raw)) // the key schema of storage/keys.go
	require.NoError(t, dk.DB.Put([]byte("cnt/open"), []byte{0, 0, 0, 0, 0, 0, 0, 9}))
	require.NoError(t, dk.Close())
	problems = crashVerify(t, dir, clock.now, known, run, stats)
	joined := strings.Join(problems, "\n")
	require.Contains(t, joined, "CORRUPT: "+codes[1]+": form hash")
	require.Contains(t, joined, "CORRUPT: count of open is 9, the dossiers say 3")
	require.Equal(t, 1, stats["lost"])
	require.GreaterOrEqual(t, stats["corrupt"], 2)
}
