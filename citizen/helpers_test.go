package citizen_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/citizen"
)

func newLog(w io.Writer) *slog.Logger { return slog.New(app.NewLogHandler(w, slog.LevelDebug)) }

// jsonPost is the script's live check: the form, its token in a header, JSON asked for.
func jsonPost(t *testing.T, u string, form url.Values, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", token)
	req.Header.Set("Accept", "application/json")
	return req
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// formOf is what the page reads from a form: the page's own reader, not a copy.
func formOf(v url.Values) app.RegistrationForm { return citizen.FormOf(v) }

// problemsOfErr are a registration's field problems (none for other errors).
func problemsOfErr(err error) []app.FieldProblem {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		return ve.Problems
	}
	return nil
}

// sharedCases are inputs both the page and the desk take: each a person of its own.
var sharedCases = []struct {
	name string
	set  map[string]string
}{
	{"poor, monthly, at the floor", map[string]string{"personal_id": "001190012301"}},
	{"other group, quarterly, a higher income",
		map[string]string{"personal_id": "001190012302", "support_group": "other", "method": "3-months", "income": "3200000"}},
	{"near-poor, 12 months", map[string]string{"personal_id": "001190012303", "support_group": "near-poor", "method": "12-months"}},
	{"ethnic minority (Tày) declares other", map[string]string{"personal_id": "001190012304", "support_group": "other", "ethnicity": "02"}},
	{"two years ahead", map[string]string{"personal_id": "001190012305", "support_group": "other", "method": "ahead", "months": "24"}},
	{"ahead for 18 months is refused", map[string]string{"personal_id": "001190012306", "method": "ahead", "months": "18"}},
	{"income under the floor", map[string]string{"personal_id": "001190012307", "income": "1500000"}},
	{"income off the step", map[string]string{"personal_id": "001190012308", "income": "2250000"}},
	{"eleven-digit personal ID", map[string]string{"personal_id": "00119001230"}},
	{"personal ID of a man for a woman", map[string]string{"personal_id": "001090012309"}},
	{"digits in the name", map[string]string{"personal_id": "001190012310", "full_name": "Nguyễn Văn 3"}},
	{"a birth date in the future", map[string]string{"personal_id": "001190012311", "birth_date": "01/01/2090"}},
	{"commune of another province", map[string]string{"personal_id": "001190012312", "address.commune": "20194"}},
	{"no phone", map[string]string{"personal_id": "001190012313", "phone": ""}},
}
