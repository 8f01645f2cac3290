package storage

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
)

// TestEveryParticipantIsReadInOrderWhileDecodedAhead: the participants are decoded on other
// cores, yet the caller sees each one once, in personal-ID order; it may stop early or fail,
// and a damaged record is named.
func TestEveryParticipantIsReadInOrderWhileDecodedAhead(t *testing.T) {
	db := newBulkDB(t)
	const n = 1000 // many batches
	require.NoError(t, db.Update(func(t0 app.Tx) error {
		tx := t0.(*Tx)
		for i := n - 1; i >= 0; i-- {
			p := app.Participant{PersonalID: fmt.Sprintf("001%09d", i), FullName: fmt.Sprintf("Người %d", i), Income: 2_200_000, Method: "monthly"}
			if err := tx.PutParticipant(p); err != nil {
				return err
			}
		}
		return nil
	}))
	read := func(fn func(i int, p app.Participant) error) (int, error) {
		seen := 0
		err := db.View(func(t0 app.Tx) error {
			return t0.(*Tx).EachParticipant(func(p app.Participant) error {
				seen++
				return fn(seen-1, p)
			})
		})
		return seen, err
	}
	seen, err := read(func(i int, p app.Participant) error {
		require.Equal(t, fmt.Sprintf("001%09d", i), p.PersonalID)
		require.Equal(t, fmt.Sprintf("Người %d", i), p.FullName)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, n, seen)

	seen, err = read(func(i int, _ app.Participant) error {
		if i == 149 {
			return errStop
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 150, seen)

	failed := errors.New("the caller's own error")
	seen, err = read(func(i int, _ app.Participant) error {
		if i == 70 {
			return failed
		}
		return nil
	})
	require.ErrorIs(t, err, failed)
	assert.Equal(t, 71, seen)

	require.NoError(t, db.Update(func(t0 app.Tx) error {
		return t0.(*Tx).set(key(prefixPart, []byte("001000000500")), []byte("{not json"))
	}))
	seen, err = read(func(int, app.Participant) error { return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "001000000500")
	assert.Equal(t, 500, seen, "the participants before the damaged one")
}
