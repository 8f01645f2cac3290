package central

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// Roles of enrolled devices.
const (
	RoleDesk = "desk" // an office's desk: pushes its work, pulls its office's changes
	RoleFeed = "feed" // the central accounting system: posts payment vouchers
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// Enroll registers a device of an office (creating the office) and returns its token, shown
// once: only its SHA-256 is kept. role is RoleDesk or RoleFeed.
func (s *Service) Enroll(ctx context.Context, agency, name, role string) (Device, string, error) {
	agency = strings.ToUpper(strings.TrimSpace(agency))
	if role == "" {
		role = RoleDesk
	}
	if role == RoleDesk {
		// A desk's device code is part of its dossier codes, in capitals ("K7C"): "k7c" typed
		// at enrolment is the same device, and its signing key must say so.
		name = strings.ToUpper(strings.TrimSpace(name))
	}
	if !namePattern.MatchString(name) || (role == RoleDesk && !namePattern.MatchString(agency)) || (role != RoleDesk && role != RoleFeed) ||
		(role == RoleDesk && name == OnlineCode) { // the portal numbers the office's online dossiers with it
		return Device{}, "", &app.Error{Kind: app.Invalid, Code: app.CodeBadEnrolment, Args: map[string]string{"office": agency, "device": name}}
	}
	if role == RoleFeed {
		agency = "*feed*"
	}
	token, err := newToken()
	if err != nil {
		return Device{}, "", err
	}
	d := Device{ID: agency + "/" + name, Office: agency, Name: name, TokenHash: TokenHash(token), Created: s.now(ctx)}
	if role == RoleFeed {
		d.ID = "feed/" + name
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		// The same device in any case: one enrolled as "k7c" before codes were kept in
		// capitals is K7C.
		devs, err := tx.DevicesOf(d.Office)
		if err != nil {
			return err
		}
		for _, old := range devs {
			if !strings.EqualFold(old.ID, d.ID) {
				continue
			}
			if old.Revoked.IsZero() {
				return &app.Error{Kind: app.Conflict, Code: app.CodeDeviceExists, Args: map[string]string{"device": old.ID}}
			}
			// A revoked desk enrolled again (a new machine under the old name): its old keys
			// stay published as revoked, so what they sealed before still verifies as such.
			d.OldKeys = old.OldKeys
			if old.Key != nil {
				k := *old.Key
				if k.Revoked.IsZero() {
					k.Revoked = old.Revoked
				}
				d.OldKeys = append(d.OldKeys, k)
			}
		}
		if role == RoleDesk {
			if _, ok, err := tx.Office(agency); err != nil {
				return err
			} else if !ok {
				if err := tx.PutOffice(Office{Agency: agency, Created: s.now(ctx)}); err != nil {
					return err
				}
			}
		}
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		if len(d.OldKeys) > 0 {
			return publishKeys(tx, s.now(ctx))
		}
		return nil
	})
	return d, token, err
}

// TokenHash is how a device token is kept.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Authenticate finds the device of a token.
func (s *Service) Authenticate(ctx context.Context, token string) (Device, error) {
	var d Device
	err := s.Store.View(ctx, func(tx Tx) error {
		var ok bool
		var err error
		h := TokenHash(token)
		if d, ok, err = tx.DeviceByToken(h); err != nil {
			return err
		}
		// A revoked device, or a token replaced at re-enrolment, is refused at once.
		if !ok || !d.Revoked.IsZero() || d.TokenHash != h {
			return &app.Error{Kind: app.Forbidden, Code: app.CodeBadToken}
		}
		return nil
	})
	return d, err
}

// findDevice is the desk device of an office by its name, in any case.
func findDevice(tx Tx, office, name string) (Device, error) {
	devs, err := tx.DevicesOf(office)
	if err != nil {
		return Device{}, err
	}
	for _, d := range devs {
		if strings.EqualFold(d.ID, office+"/"+strings.TrimSpace(name)) {
			return d, nil
		}
	}
	return Device{}, &app.Error{Kind: app.NotFound, Code: app.CodeDeviceUnknown, Args: map[string]string{"device": office + "/" + name}}
}

// Revoke withdraws a lost or stolen desk (centrald device revoke): its token is refused from
// the next request on, and its signing key is published as revoked from now.
func (s *Service) Revoke(ctx context.Context, office, name string) (Device, error) {
	return s.changeDevice(ctx, office, name, func(d *Device, now time.Time) error {
		if d.Revoked.IsZero() {
			d.Revoked = now
		}
		return nil
	})
}

// Reenrol gives a desk a new token (centrald device reenrol), for a token lost or seen by
// others: the old token is refused from the next request on; the device keeps its name, its
// dossier codes and its signing key (revoke the device when the desk itself is lost).
func (s *Service) Reenrol(ctx context.Context, office, name string) (Device, string, error) {
	token, err := newToken()
	if err != nil {
		return Device{}, "", err
	}
	d, err := s.changeDevice(ctx, office, name, func(d *Device, _ time.Time) error {
		if !d.Revoked.IsZero() {
			return &app.Error{Kind: app.Conflict, Code: app.CodeDeviceRevoked, Args: map[string]string{"device": d.ID}}
		}
		d.TokenHash = TokenHash(token)
		return nil
	})
	return d, token, err
}

// changeDevice changes a desk device found by office and name, and publishes the keys again.
func (s *Service) changeDevice(ctx context.Context, office, name string, change func(d *Device, now time.Time) error) (Device, error) {
	now := s.now(ctx)
	var d Device
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if d, err = findDevice(tx, office, name); err != nil {
			return err
		}
		if err := change(&d, now); err != nil {
			return err
		}
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		return publishKeys(tx, now)
	})
	return d, err
}

// newToken is a new device token: 32 random bytes, URL-safe.
func newToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// LastAnchor is the head of the device's audit chain the centre last acknowledged (zero when
// none).
func (s *Service) LastAnchor(ctx context.Context, dev Device) (contract.AuditAnchor, error) {
	var a contract.AuditAnchor
	err := s.Store.View(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok || cur.Anchor == nil {
			return err
		}
		a = *cur.Anchor
		return nil
	})
	return a, err
}

// Anchor acknowledges a new head of the device's audit chain when the chain still holds the
// head acknowledged before (the same hash at the same number, and not shorter). Otherwise the
// chain was cut or rewritten behind it: the old anchor stays, the break is recorded on the
// device (for the province: centrald devices) and the answer says so.
func (s *Service) Anchor(ctx context.Context, dev Device, req contract.AnchorRequest) (contract.AnchorAnswer, error) {
	if req.Head.Seq == 0 || len(req.Head.Hash) != 64 || len(req.PrevHash) > 64 {
		return contract.AnchorAnswer{}, &app.Error{Kind: app.Invalid, Code: app.CodeBadBody}
	}
	now := s.now(ctx)
	var ans contract.AnchorAnswer
	err := s.Store.Update(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok {
			return err
		}
		if last := cur.Anchor; last != nil {
			ans.Last = *last
			switch {
			case req.PrevSeq != last.Seq:
				ans.Reason = "anchor_stale" // the desk asks again for the anchor and retries
				return nil
			case req.Head.Seq < last.Seq || req.PrevHash == "":
				ans.Reason = "audit_truncated"
			case req.PrevHash != last.Hash:
				ans.Reason = "audit_rewritten"
			}
			if ans.Reason != "" {
				cur.AuditBroken, cur.AuditBrokenAt = ans.Reason, now
				return tx.PutDevice(cur)
			}
		}
		head := req.Head
		head.At = now
		cur.Anchor, ans.Accepted, ans.Last = &head, true, head
		return tx.PutDevice(cur)
	})
	return ans, err
}
