package app_test

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"

	"bhxhdesk/app"
)

func TestMaskDigitsHidesPersonalNumbers(t *testing.T) {
	tests := map[string]string{
		"personal_id=001190012345 ok":              "personal_id=001********* ok",
		"gọi 0912345678 hoặc 0912 345 678":         "gọi 091******* hoặc 091* *** ***",
		"mã 0123456789, hồ sơ 01001-260105-K70001": "mã 012*******, hồ sơ 01001-260105-K70001",
		"số 038.085.012.345":                       "số 038.***.***.***",
		"năm 2026, 1.500.000 đồng, 22%":            "năm 2026, 1.500.000 đồng, 22%",
		"":                                         "",
	}
	for in, want := range tests {
		assert.Equal(t, want, app.MaskDigits(in), in)
	}
}

func TestLogHandlerMasksMessagesValuesAndErrors(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(app.NewLogHandler(&buf, slog.LevelInfo)).With("person", "001190012345")
	log.Info("register 038085067891 refused", "err", errors.New("duplicate of 001190099999"), "phone", "0912345678", "n", 42)
	out := buf.String()
	for _, raw := range []string{"001190012345", "038085067891", "001190099999", "0912345678"} {
		assert.NotContains(t, out, raw)
	}
	assert.Contains(t, out, "001*********")
	assert.Contains(t, out, "n=42")
}
