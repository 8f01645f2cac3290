package catalog_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

// TestEnglishCountsOfOneAreSingular: "(1 months)", "1 days left" and "Printed 1 times" read as
// English; other counts and the Vietnamese texts are unchanged.
func TestEnglishCountsOfOneAreSingular(t *testing.T) {
	cat := assets.MustLoad().Catalog
	for _, c := range []struct {
		lang      app.Lang
		key, want string
		args      []string
	}{
		{app.EN, "ui.voucher.period_value", "01/2027 – 01/2027 (1 month)", []string{"from", "01/2027", "to", "01/2027", "months", "1"}},
		{app.EN, "ui.voucher.period_value", "01/2027 – 11/2027 (11 months)", []string{"from", "01/2027", "to", "11/2027", "months", "11"}},
		{app.EN, "ui.days_left", "1 day left", []string{"days", "1"}},
		{app.EN, "ui.days_left", "21 days left", []string{"days", "21"}},
		{app.EN, "ui.covers.printed", "Printed 1 time", []string{"count", "1"}},
		{app.EN, "ui.count", "1 dossier", []string{"count", "1"}},
		{app.VI, "ui.voucher.period_value", "01/2027 – 01/2027 (1 tháng)", []string{"from", "01/2027", "to", "01/2027", "months", "1"}},
	} {
		assert.Equal(t, c.want, cat.T(c.lang, c.key, c.args...), "%s %s %v", c.lang, c.key, c.args)
	}
}
