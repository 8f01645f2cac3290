package kit

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

func TestAnUnexpectedErrorIsLoggedAndNamesTheLog(t *testing.T) {
	var logged []error
	cfg := &Settings{Catalog: assets.MustLoad().Catalog, Lang: app.VI, LogPath: `C:\Users\canbo\AppData\Local\bhxh-desk\logs\desk.log`,
		OnInternal: func(err error) { logged = append(logged, err) }}
	text := cfg.Message(errors.New("open store: Access is denied"))
	assert.Contains(t, text, "Có lỗi ngoài dự kiến")
	assert.Contains(t, text, `Chi tiết đã ghi vào nhật ký: C:\Users\canbo\AppData\Local\bhxh-desk\logs\desk.log`)
	assert.Len(t, logged, 1)

	text = cfg.Message(
		&app.Error{Kind: app.Invalid, Code: "income_below_floor", Field: "income", Args: map[string]string{"min": "2.200.000 ₫"}},
	)
	assert.NotContains(t, text, "nhật ký", "a refusal by a rule is no unexpected error")
	assert.Len(t, logged, 1)
}
