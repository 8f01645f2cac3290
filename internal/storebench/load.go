package storebench

import (
	"fmt"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/storage"
)

// BenchKDF is the argon2id cost of the benchmark's passwords (both stores): cheap, so that the
// open time measures the store; the real cost (storage.DefaultKDF) is timed on its own.
var BenchKDF = storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}

// OursConfig is how the benchmark opens our store: the product's defaults (caches, memtables,
// disk guard) with the benchmark's clock and key-derivation cost.
func OursConfig(dir string, now func() time.Time) storage.Config {
	return storage.Config{Dir: dir, KDF: BenchKDF, Now: now}
}

// PeerConfig is how the benchmark opens the SQLite peer: the same cache budget as ours.
func PeerConfig(path string, now func() time.Time) SQLiteConfig {
	return SQLiteConfig{Path: path, KDF: KDF{Time: BenchKDF.Time, Memory: BenchKDF.Memory, Threads: BenchKDF.Threads}, Now: now}
}

// Load makes the data set of spec in both stores, each set up as an office with its accounts
// through intake.Service: ours in oursDir through storage.Loader (the keys of Tx.PutDossier, written
// in batches, then compacted as months of use would have), the SQLite peer at peerPath through
// its PutDossier in transactions of 2,000 dossiers with synchronous=OFF, then ANALYZEd and
// checkpointed. An empty oursDir or peerPath leaves that store out (its cached copy is still
// good). logf reports progress.
func Load(ref *assets.Reference, spec Spec, oursDir, peerPath string, logf func(string, ...any)) (Dataset, error) {
	y, m, d := spec.Today.AddDays(-300).Parts()
	setupAt := time.Date(y, m, d, 7, 0, 0, 0, calendar.VN)
	clock := func() time.Time { return setupAt }

	var (
		dk     *desk.Desk
		loader *storage.Loader
		peer   *SQLite
		err    error
	)
	if oursDir != "" {
		if dk, _, err = desk.Init(OursConfig(oursDir, clock), ref, Office, Admin, Password); err != nil {
			return Dataset{}, fmt.Errorf("create our store: %w", err)
		}
		defer func() { _ = dk.Close() }()
		if err := addAccounts(dk.Intake); err != nil {
			return Dataset{}, err
		}
		if loader, err = dk.DB.NewLoader(); err != nil {
			return Dataset{}, err
		}
	}
	if peerPath != "" {
		cfg := PeerConfig(peerPath, clock)
		cfg.NotDurable = true
		if peer, err = OpenSQLite(cfg); err != nil {
			return Dataset{}, fmt.Errorf("create SQLite store: %w", err)
		}
		defer func() { _ = peer.Close() }()
		peerIntake := desk.NewIntake(peer, ref, clock)
		if err := peer.AddCredential(Admin.Name, Password); err != nil {
			return Dataset{}, err
		}
		if err := peerIntake.Setup(Office, Admin); err != nil {
			return Dataset{}, err
		}
		if err := addAccounts(peerIntake); err != nil {
			return Dataset{}, err
		}
	}
	batch := make([]app.Dossier, 0, 2000)
	flush := func() error {
		if peer == nil {
			batch = batch[:0]
			return nil
		}
		err := peer.Update(func(tx intake.Tx) error {
			for i := range batch {
				if err := tx.PutDossier(&batch[i], nil); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	start, n := time.Now(), 0
	ds, err := Generate(ref, spec, func(d *app.Dossier) error {
		if loader != nil {
			if err := loader.PutDossier(d); err != nil {
				return err
			}
		}
		if peer != nil {
			batch = append(batch, *d)
		}
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
		if n++; n%100_000 == 0 {
			logf("  %d dossiers loaded (%s)", n, time.Since(start).Round(time.Second))
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		if loader != nil {
			loader.Cancel()
		}
		return ds, err
	}
	if loader != nil {
		for name, n := range ds.Seqs {
			loader.SetSeq(name, n)
		}
		if err := loader.Flush(); err != nil {
			return ds, err
		}
		logf("  compacting our store")
		if err := dk.DB.Compact(); err != nil {
			return ds, err
		}
	}
	if peer == nil {
		return ds, nil
	}
	err = peer.Update(func(t intake.Tx) error {
		tx := t.(*sqlTx)
		for name, n := range ds.Seqs {
			if err := tx.setCounter(name, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ds, err
	}
	// What a careful SQLite deployment does after a bulk load: statistics for the planner and
	// the WAL folded into the database.
	if err := peer.Maintain(); err != nil {
		return ds, err
	}
	return ds, nil
}

func addAccounts(in *intake.Service) error {
	admin, err := in.Login(Admin.Name, Password)
	if err != nil {
		return err
	}
	for _, u := range Accounts {
		if err := in.AddUser(admin, u, Password); err != nil {
			return fmt.Errorf("add %s: %w", u.Name, err)
		}
	}
	return nil
}
