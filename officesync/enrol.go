package officesync

import (
	neturl "net/url"
	"strings"
	"time"

	"bhxhdesk/app"
)

// Enrol checks an address and a token with check (the centre: which office and device the
// token belongs to) and keeps them (SetCentral); administrators only. An empty token keeps the
// stored one. A check that fails keeps nothing: the desk never reports itself enrolled to fail
// at every round. It returns the address and token kept.
func (s *Service) Enrol(sess *app.Session, url, token string, check func(url, token string) error) (string, string, error) {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return "", "", err
	}
	url, token = strings.TrimSpace(url), strings.TrimSpace(token)
	if token == "" {
		_, stored, err := s.Central()
		if err != nil {
			return "", "", err
		}
		token = stored
	}
	if url != "" && token != "" {
		if err := check(url, token); err != nil {
			return "", "", err
		}
	}
	return url, token, s.SetCentral(sess, url, token)
}

// SetCentral stores the central services' URL and this device's token (device enrolment),
// administrators only. A desk that never has a link keeps only the token, for transfer files.
func (s *Service) SetCentral(sess *app.Session, url, token string) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	url, token = strings.TrimSpace(url), strings.TrimSpace(token)
	ve := &app.ValidationError{}
	if url != "" {
		if u, err := neturl.Parse(url); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			ve.Problems = append(
				ve.Problems,
				app.FieldProblem{Field: "central_url", Code: app.CodeBadCentralUrl, Args: map[string]string{"value": url}},
			)
		}
	}
	if token == "" { // keep the device's token: only the address changes
		_, stored, err := s.Central()
		if err != nil {
			return err
		}
		if token = stored; token == "" {
			ve.Problems = append(ve.Problems, app.FieldProblem{Field: "token", Code: app.CodeRequired})
		}
	}
	if len(ve.Problems) > 0 {
		return ve
	}
	return s.Store.Update(func(tx Tx) error {
		if err := tx.PutSetting(app.SettingCentral, []byte(url)); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingToken, []byte(token)); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "sync.enrol", Detail: "central=" + url})
	})
}

// Central returns the stored central URL and device token ("" before enrolment).
func (s *Service) Central() (url, token string, err error) {
	err = s.Store.View(func(tx Tx) error {
		u, _, err := tx.Setting(app.SettingCentral)
		if err != nil {
			return err
		}
		t, _, err := tx.Setting(app.SettingToken)
		url, token = string(u), string(t)
		return err
	})
	return url, token, err
}

// MarkSynced records the end of a complete round.
func (s *Service) MarkSynced(at time.Time) error {
	return s.Store.Update(func(tx Tx) error { return tx.PutSetting(app.SettingLastSync, []byte(at.Format(time.RFC3339))) })
}

// LastSync is the time of the last complete round (zero before the first).
func (s *Service) LastSync() (time.Time, error) {
	var t time.Time
	err := s.Store.View(func(tx Tx) (err error) { t, err = app.LastSync(tx); return err })
	return t, err
}
