package desk_test

import (
	"context"
	"crypto/rand"
	"net/http"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/fake"
	"bhxhdesk/seal"
)

// requestLog is a centre on loopback that notes every request it is sent ("POST /v1/sync").
type requestLog struct {
	*centraltest.Centre
	mu  gosync.Mutex
	log []string
}

func startLoggedCentre(t *testing.T) *requestLog {
	t.Helper()
	rl := &requestLog{}
	rl.Centre = centraltest.Start(t, centraltest.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rl.mu.Lock()
			rl.log = append(rl.log, r.Method+" "+r.URL.Path)
			rl.mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}})
	return rl
}

// take returns the requests noted since the last call.
func (rl *requestLog) take() []string {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	out := rl.log
	rl.log = nil
	return out
}

// deviceKey is the signing key the centre holds for a device (nil when none).
func deviceKey(t *testing.T, c *centraltest.Centre, id string) *seal.TrustedKey {
	t.Helper()
	var dev central.Device
	require.NoError(t, c.Store.View(context.Background(), func(tx central.Tx) error {
		var err error
		dev, _, err = tx.Device(id)
		return err
	}))
	return dev.Key
}

func count(reqs []string, req string) int {
	n := 0
	for _, r := range reqs {
		if r == req {
			n++
		}
	}
	return n
}

const registerKey = "POST " + central.PathKey

// TestTheSigningKeyGoesToTheCentreOnce: the desk registers its signing key at enrolment, and
// its rounds send no registration again: the initial sync of a thousand dossiers, a round with
// one new dossier and one with nothing to do are each one request (the audit anchor rides with
// it). A store written by an earlier version, which remembered the key without the centre,
// registers it once more.
func TestTheSigningKeyGoesToTheCentreOnce(t *testing.T) {
	ctr := startLoggedCentre(t)
	b := newBackupDesk(t)
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, b.Enrol(ctx, admin, ctr.URL(), ctr.Enroll(t, "01001", "K7")))
	assert.Equal(t, []string{"GET " + central.PathDevice, registerKey}, ctr.take(), "enrolment checks the token, then registers the key")
	require.NotNil(t, deviceKey(t, ctr.Centre, "01001/K7"))

	g := fake.New(41, backupRef.Places)
	e := b.Engine()
	for _, work := range []int{1000, 1, 0} {
		b.register(t, g, work)
		rep, err := e.Round(ctx)
		require.NoError(t, err)
		require.Equal(t, work, rep.Pushed)
		assert.Equal(t, []string{"POST " + central.PathSync}, ctr.take(), "a round with %d new dossiers", work)
	}
	assertAnchored(t, ctr.Centre, b)

	// What an earlier version kept: the key's id alone.
	key, _, err := b.Records.SigningKey()
	require.NoError(t, err)
	require.NoError(t, b.DB.Update(func(tx app.Tx) error { return tx.PutSetting("sync/key_registered", []byte(key.ID().String())) }))
	for _, want := range []int{1, 0} {
		_, err := e.Round(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, count(ctr.take(), registerKey))
	}
}

// assertAnchored checks that the centre holds the head of the desk's audit chain.
func assertAnchored(t *testing.T, c *centraltest.Centre, b *bdesk) {
	t.Helper()
	chain, ok := b.Sync.AuditChain()
	require.True(t, ok)
	head, err := chain.AuditHead()
	require.NoError(t, err)
	var dev central.Device
	require.NoError(t, c.Store.View(context.Background(), func(tx central.Tx) error {
		var err error
		dev, _, err = tx.Device("01001/K7")
		return err
	}))
	require.NotNil(t, dev.Anchor)
	assert.Equal(t, head.Seq, dev.Anchor.Seq, "the centre holds the head of the audit chain")
}

// TestAnotherCentreLearnsTheSigningKey: a desk enrolled with another centre (a province that
// moved its services) registers its key there too, though the first centre has it.
func TestAnotherCentreLearnsTheSigningKey(t *testing.T) {
	first, second := startLoggedCentre(t), startLoggedCentre(t)
	b := newBackupDesk(t)
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, b.Enrol(ctx, admin, first.URL(), first.Enroll(t, "01001", "K7")))
	_, err = b.Engine().Round(ctx)
	require.NoError(t, err)
	require.NoError(t, b.Enrol(ctx, admin, second.URL(), second.Enroll(t, "01001", "K7")))
	assert.Equal(t, 1, count(second.take(), registerKey))
	got := deviceKey(t, second.Centre, "01001/K7")
	require.NotNil(t, got, "the second centre knows the key from the enrolment on")
	assert.Equal(t, deviceKey(t, first.Centre, "01001/K7").ID, got.ID)
}

// TestACentreThatLostTheSigningKeyIsSentItAgain: the centre publishes every key it took in the
// trusted-keys file; a file without the desk's key, after one that listed it (the centre's
// store restored from an earlier copy), makes the desk register the key again, once.
func TestACentreThatLostTheSigningKeyIsSentItAgain(t *testing.T) {
	ctr := startLoggedCentre(t)
	b := newBackupDesk(t)
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, b.Enrol(ctx, admin, ctr.URL(), ctr.Enroll(t, "01001", "K7")))
	e := b.Engine()
	_, err = e.Round(ctx) // brings the keys file that lists the key
	require.NoError(t, err)
	ctr.take()

	// The centre loses the key; another desk's registration publishes the keys without it.
	require.NoError(t, ctr.Store.Update(ctx, func(tx central.Tx) error {
		dev, _, err := tx.Device("01001/K7")
		if err != nil {
			return err
		}
		dev.Key = nil
		return tx.PutDevice(dev)
	}))
	other, _, err := ctr.Service.Enroll(ctx, "01002", "K9", central.RoleDesk)
	require.NoError(t, err)
	otherKey, err := seal.GenerateSigningKey(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, ctr.Service.RegisterKey(ctx, other, otherKey.Trusted("01002", "K9", other.Created)))

	var sent []int
	for range 3 {
		_, err := e.Round(ctx)
		require.NoError(t, err)
		sent = append(sent, count(ctr.take(), registerKey))
	}
	assert.Equal(t, []int{0, 1, 0}, sent, "the round that brings the file learns it; the next registers the key, once")
	assert.NotNil(t, deviceKey(t, ctr.Centre, "01001/K7"), "the centre has the key again")
}
