package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/central"
	"bhxhdesk/internal/centraltest"
)

// deskSession runs the desk worker on pipes, as the runner does through `ip netns exec`.
type deskSession struct {
	in   io.WriteCloser
	out  *bufio.Scanner
	done chan error
}

func startDesk(t *testing.T) *deskSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &deskSession{in: inW, out: bufio.NewScanner(outR), done: make(chan error, 1)}
	go func() {
		err := runDesk(inR, outW)
		_ = outW.Close()
		s.done <- err
	}()
	t.Cleanup(func() {
		_, _ = io.WriteString(inW, `{"cmd":"quit"}`+"\n")
		require.NoError(t, <-s.done)
	})
	return s
}

func (s *deskSession) do(t *testing.T, c command) answer {
	t.Helper()
	b, err := json.Marshal(c)
	require.NoError(t, err)
	_, err = s.in.Write(append(b, '\n'))
	require.NoError(t, err)
	require.True(t, s.out.Scan(), "an answer")
	var a answer
	require.NoError(t, json.Unmarshal(s.out.Bytes(), &a))
	require.True(t, a.OK, "%s: %s", c.Cmd, a.Error)
	return a
}

func TestDeskRegistersExportsAndSyncsThroughTheEngine(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	srv, token := ctr.Server, ctr.Enroll(t, "01001", "D1")

	d := startDesk(t)
	docs := filepath.Join(t.TempDir(), "docs.jsonl")
	a := d.do(
		t,
		command{Cmd: "prepare", Office: "30", Dir: t.TempDir(), Agency: "01001", Device: "D1", N: 30, Seed: 1, URL: srv.URL, Token: token,
			Docs: docs},
	)
	assert.Equal(t, 30, a.Docs)
	assert.Less(t, a.DocGzip, a.DocBytes/5, "dossiers compress well")

	a = d.do(t, command{Cmd: "sync", Office: "30"})
	assert.Equal(t, 30, a.Pushed)
	assert.Equal(t, int64(1), a.Requests, "one batch, the audit anchor with it: the signing key went at enrolment")
	assert.Zero(t, a.Failures)
	assert.Positive(t, a.AppOut)
	assert.LessOrEqual(t, a.RemoteSeconds, a.Seconds)

	d.do(t, command{Cmd: "add", Office: "30", N: 1})
	a = d.do(t, command{Cmd: "sync", Office: "30"})
	assert.Equal(t, 1, a.Pushed)
	assert.Equal(t, int64(1), a.Requests, "one new dossier: one round trip")
	a = d.do(t, command{Cmd: "sync", Office: "30"})
	assert.Zero(t, a.Pushed)
	assert.Equal(t, int64(1), a.Requests, "nothing to do: one round trip")
	d.do(t, command{Cmd: "cold", Office: "30"})

	// The documents PouchDB replays are the dossiers the desk sent, under their codes.
	raw, err := os.ReadFile(docs)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	require.Len(t, lines, 31)
	centre := map[string]bool{}
	for code := range centraltest.Dossiers(t, ctr.Store) {
		centre[code] = true
	}
	for _, line := range lines {
		var doc struct {
			ID   string `json:"_id"`
			Code string `json:"code"`
			Form struct {
				FullName string `json:"full_name"`
			} `json:"form"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &doc))
		assert.Equal(t, doc.Code, doc.ID)
		assert.NotEmpty(t, doc.Form.FullName)
		assert.True(t, centre[doc.Code], "%s reached the centre", doc.Code)
	}
	assert.Len(t, centre, 31)
	var dev central.Device
	require.NoError(t, ctr.Store.View(context.Background(), func(tx central.Tx) error {
		var err error
		dev, _, err = tx.Device("01001/D1")
		return err
	}))
	assert.NotNil(t, dev.Key, "the signing key went at enrolment")
	require.NotNil(t, dev.Anchor, "the audit chain is anchored, as the desk program does")
}

func TestBenchClockStartsOnAMondayOf2026AndMovesADayAtATime(t *testing.T) {
	c := benchClock{start: time.Now()}
	assert.WithinDuration(t, benchStart, c.now(), time.Second)
	assert.Equal(t, time.Monday, c.now().Weekday())
	c.nextDay()
	assert.WithinDuration(t, benchStart.AddDate(0, 0, 1), c.now(), time.Second)
}
