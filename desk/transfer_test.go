package desk_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/fake"
)

func storedOps(t *testing.T, store central.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, ops := range centraltest.StoredOps(t, store) {
		for id, n := range ops {
			out[id] += n
		}
	}
	return out
}

// TestTransferFilesApplyExactlyOnce: a desk without a link sends its work on files. A genuine
// file is applied once; a repeated, older, altered or foreign file is refused; the answer
// brings back the acknowledgements, once.
func TestTransferFilesApplyExactlyOnce(t *testing.T) {
	ctx := context.Background()
	ctr := centraltest.Start(t, centraltest.Options{NoHTTP: true})
	svc, store := ctr.Service, ctr.Store
	tok := ctr.Enroll(t, "01001", "k7")

	b := newBackupDesk(t)
	defer b.Close()
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	_, _, err = b.ExportTransfer(b.sess)
	assert.Equal(t, "not_enrolled", err.(*app.Error).Code, "no token, no file")
	require.NoError(t, b.Sync.SetCentral(admin, "", tok), "a desk with no link keeps only its token")

	g := fake.New(8, backupRef.Places)
	b.register(t, g, 30)
	file1, n, err := b.ExportTransfer(b.sess)
	require.NoError(t, err)
	assert.Equal(t, 30, n)
	b.register(t, g, 12)
	file2, n, err := b.ExportTransfer(b.sess)
	require.NoError(t, err)
	assert.Equal(t, 42, n, "every pending operation travels in each file")

	// Altered files are refused and apply nothing.
	for name, bad := range map[string][]byte{
		"a byte of the content": flip(file2, len(file2)-20),
		"the header":            flip(file2, 20),
		"cut short":             file2[:len(file2)/2],
	} {
		_, err := svc.ImportTransfer(ctx, bad)
		require.Error(t, err, name)
		assert.Equal(t, app.Invalid, app.KindOf(err), name)
	}
	assert.Empty(t, storedOps(t, store))

	// File 2 arrives first: applied. File 1 afterwards is older: refused. File 2 again: refused.
	answer2, err := svc.ImportTransfer(ctx, file2)
	require.NoError(t, err)
	_, err = svc.ImportTransfer(ctx, file1)
	assert.Equal(t, "transfer_repeated", err.(*app.Error).Code)
	_, err = svc.ImportTransfer(ctx, file2)
	assert.Equal(t, "transfer_repeated", err.(*app.Error).Code)
	ops := storedOps(t, store)
	assert.Len(t, ops, 42, "each operation applied once")

	// Another desk's answer is refused; this desk's answer applies once.
	other := newBackupDesk(t)
	defer other.Close()
	oadmin, err := other.Intake.Login("admin", bpass)
	require.NoError(t, err)
	_, tok2, err := svc.Enroll(ctx, "01001", "k8", central.RoleDesk)
	require.NoError(t, err)
	require.NoError(t, other.Sync.SetCentral(oadmin, "", tok2))
	_, err = other.ImportTransferAnswer(other.sess, answer2)
	assert.Equal(t, app.Invalid, app.KindOf(err))

	body, err := b.ImportTransferAnswer(b.sess, answer2)
	require.NoError(t, err)
	assert.Len(t, body.Results, 42)
	pending, err := b.Sync.Pending()
	require.NoError(t, err)
	assert.Zero(t, pending)
	_, err = b.ImportTransferAnswer(b.sess, answer2)
	assert.Equal(t, "transfer_repeated", err.(*app.Error).Code)

	local, _, err := b.Sync.Digest()
	require.NoError(t, err)
	remote, _, err := svc.Digest(ctx, "01001")
	require.NoError(t, err)
	assert.Equal(t, local, remote)
}

// TestWeeksOfWorkFitOneTransferFile: a file of 3,000 registrations (more than one store
// transaction holds) is applied whole, once.
func TestWeeksOfWorkFitOneTransferFile(t *testing.T) {
	ctx := context.Background()
	ctr := centraltest.Start(t, centraltest.Options{NoHTTP: true})
	svc, store := ctr.Service, ctr.Store
	tok := ctr.Enroll(t, "01001", "k7")

	b := newBackupDesk(t)
	defer b.Close()
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	require.NoError(t, b.Sync.SetCentral(admin, "", tok))
	b.register(t, fake.New(9, backupRef.Places), 3000)
	file, n, err := b.ExportTransfer(b.sess)
	require.NoError(t, err)
	require.Equal(t, 3000, n)
	_, err = svc.ImportTransfer(ctx, file)
	require.NoError(t, err)
	ops := storedOps(t, store)
	assert.Len(t, ops, 3000)
	for id, count := range ops {
		require.Equal(t, 1, count, id)
	}
	_, err = svc.ImportTransfer(ctx, file)
	assert.Equal(t, "transfer_repeated", err.(*app.Error).Code)
}

// TestOneTransferFileImportedTwiceAtOnceAppliesOnce: the same file handed to the centre twice
// at the same moment (two administrators, two replicas) is applied by one import; the other is
// told it was applied already.
func TestOneTransferFileImportedTwiceAtOnceAppliesOnce(t *testing.T) {
	ctx := context.Background()
	ctr := centraltest.Start(t, centraltest.Options{NoHTTP: true})
	tok := ctr.Enroll(t, "01001", "k7")
	b := newBackupDesk(t)
	defer b.Close()
	admin, err := b.Intake.Login("admin", bpass)
	require.NoError(t, err)
	require.NoError(t, b.Sync.SetCentral(admin, "", tok))
	b.register(t, fake.New(10, backupRef.Places), 40)
	file, _, err := b.ExportTransfer(b.sess)
	require.NoError(t, err)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ctr.Service.ImportTransfer(ctx, file)
		}()
	}
	wg.Wait()
	applied, repeated := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			applied++
		case isCode(err, app.CodeTransferRepeated):
			repeated++
		default:
			t.Errorf("import: %v", err)
		}
	}
	assert.Equal(t, 1, applied, "one import applies the file")
	assert.Equal(t, 1, repeated, "the other is told it was applied")
	assert.Len(t, storedOps(t, ctr.Store), 40)
}

func isCode(err error, code app.Code) bool {
	var ae *app.Error
	return errors.As(err, &ae) && ae.Code == code
}
