package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// Status says whether the records service had confirmed the book cover when its
// confirmation was printed.
type Status uint8

const (
	// Provisional (bản tạm): printed before the records service confirmed the cover (not yet
	// synchronised). It must never pass for a final confirmation.
	Provisional Status = iota + 1
	// Final (bản chính thức): printed after the records service confirmed the cover.
	Final
)

func (s Status) String() string {
	switch s {
	case Provisional:
		return "provisional"
	case Final:
		return "final"
	}
	return ""
}

// KeyID names a signing key: the first 8 bytes of the SHA-256 of its Ed25519 public key,
// written as 16 lower-case hex digits. Deriving it from the key means an id can neither be
// chosen nor mistyped into another valid key's id.
type KeyID [8]byte

// KeyIDOf derives the id of a public key.
func KeyIDOf(pub ed25519.PublicKey) KeyID {
	sum := sha256.Sum256(pub)
	var id KeyID
	copy(id[:], sum[:])
	return id
}

func (k KeyID) String() string { return hex.EncodeToString(k[:]) }

// ParseKeyID reads 16 hex digits. It returns an Invalid error with code "seal_key_id".
func ParseKeyID(s string) (KeyID, error) {
	var id KeyID
	b, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(s)))
	if err != nil || len(b) != len(id) {
		return id, app.Errorf(app.Invalid, app.CodeSealKeyId, "value", s)
	}
	copy(id[:], b)
	return id, nil
}

// SigningKey is an office device's own Ed25519 key (khoá ký của máy) that seals the book-cover
// confirmations it prints. Its secret bytes are kept by the store, encrypted; its public half
// travels with the rule data as a TrustedKey.
type SigningKey struct {
	priv ed25519.PrivateKey
	id   KeyID
}

// GenerateSigningKey makes a new key from random (crypto/rand when nil).
func GenerateSigningKey(random io.Reader) (*SigningKey, error) {
	if random == nil {
		random = rand.Reader
	}
	_, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	return newSigningKey(priv), nil
}

// ParseSigningKey restores a key from the bytes Bytes returned (the 32-byte Ed25519 seed).
// It returns an Invalid error with code "seal_signing_key" when the length is wrong.
func ParseSigningKey(b []byte) (*SigningKey, error) {
	if len(b) != ed25519.SeedSize {
		return nil, app.Errorf(app.Invalid, app.CodeSealSigningKey)
	}
	return newSigningKey(ed25519.NewKeyFromSeed(b)), nil
}

func newSigningKey(priv ed25519.PrivateKey) *SigningKey {
	return &SigningKey{priv: priv, id: KeyIDOf(priv.Public().(ed25519.PublicKey))}
}

// Bytes returns a copy of the secret seed for the store to keep encrypted. Never log or
// export it in the clear.
func (k *SigningKey) Bytes() []byte { return bytes.Clone(k.priv.Seed()) }

// Public returns the public key.
func (k *SigningKey) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// ID returns the key's id.
func (k *SigningKey) ID() KeyID { return k.id }

// Trusted returns the entry that publishes this key for verifiers (the rule data's
// keys/*.json, or the desk's trusted_keys.json), valid from validFrom, open-ended.
func (k *SigningKey) Trusted(office, device string, validFrom time.Time) TrustedKey {
	return TrustedKey{ID: k.id, Public: k.Public(), Office: office, Device: device, ValidFrom: validFrom}
}

// Seal is the electronic seal (con dấu điện tử) printed as a QR code on a book-cover
// confirmation (xác nhận cấp tờ bìa sổ BHXH): who the cover is for, which office issued it and
// when, and whether the records service had confirmed it, signed with the device's key so that
// anyone can check a printout offline.
//
// The personal ID is only ever carried masked: a QR code is scanned by any phone, copied into
// chats and logs, while the full number is personal data (Law 91/2025/QH15). The mask keeps
// the first six digits (province of birth registration, century/sex, year) and hides the six
// serial digits. The usual "first 3 and last 3" mask would hide less here: digits 4–6 follow
// from the birth date the seal also carries, so it would leave only three unknown digits (a
// thousand guesses). The seal still binds the printout: the verifier compares the name, birth
// date and the visible digits with the paper.
type Seal struct {
	Status Status
	// Book is the book number (số sổ BHXH) when it differs from the personal ID (an older
	// 10-digit code); "" when the book number is the personal ID, as for every book since
	// 2025-08 (Công văn 1804/BHXH-QLT), so that it is masked too.
	Book      string
	IDPrefix  string        // the visible first six digits of the personal ID (số định danh cá nhân)
	Name      string        // họ và tên, upper case with diacritics as printed, NFC
	BirthDate app.BirthDate // ngày sinh, to its precision
	Office    string        // agency code of the issuing office (mã cơ quan BHXH)
	Issued    time.Time     // when the cover was issued (ngày cấp), to the second
	Key       KeyID         // the signing key; set by SigningKey.Sign
}

// Params are the cover data a seal is made from.
type Params struct {
	Status     Status
	BookNumber string // số sổ: the personal ID, or an older 10-digit code
	PersonalID app.PersonalID
	FullName   string // as registered; printed and sealed upper case
	BirthDate  app.BirthDate
	Office     string // agency code
	Issued     time.Time
}

// New builds the seal of a cover: the personal ID masked, the book number kept only when it
// is not the personal ID, the name upper case. It returns an Invalid error with code
// "seal_field" naming the field that cannot be sealed.
func New(p Params) (Seal, error) {
	s := Seal{Status: p.Status, Name: app.UpperName(p.FullName), BirthDate: p.BirthDate, Office: p.Office,
		Issued: p.Issued.Truncate(time.Second)}
	if id, err := app.ParsePersonalID(string(p.PersonalID)); err != nil || string(id) != string(p.PersonalID) {
		return Seal{}, sealField("personal_id")
	}
	s.IDPrefix = string(p.PersonalID[:6])
	if book := app.StripSeparators(p.BookNumber); book != "" && book != string(p.PersonalID) {
		s.Book = book
	}
	if err := s.check(); err != nil {
		return Seal{}, err
	}
	return s, nil
}

func sealField(name string) *app.Error {
	return app.Errorf(app.Invalid, app.CodeSealField, "field", name)
}

// check verifies every field is within what the encoding carries and what a cover holds.
func (s Seal) check() error {
	switch {
	case s.Status != Provisional && s.Status != Final:
		return sealField("status")
	case s.Book != "" && ((len(s.Book) != 10 && len(s.Book) != 12) || !app.AllDigits(s.Book)):
		return sealField("book_number")
	case len(s.IDPrefix) != 6 || !app.AllDigits(s.IDPrefix):
		return sealField("personal_id")
	case !validSealName(s.Name):
		return sealField("full_name")
	case !validBirthDate(s.BirthDate):
		return sealField("birth_date")
	case !app.AgencyPattern.MatchString(s.Office):
		return sealField("office")
	case s.Issued.Unix() <= 0 || s.Issued.Unix() >= 1<<40 || s.Issued.Nanosecond() != 0:
		return sealField("issued")
	}
	return nil
}

// maxSealName bounds the name in bytes so the QR code stays printable at about 30 mm.
const maxSealName = 120

func validSealName(n string) bool {
	if n == "" || len(n) > maxSealName || !utf8.ValidString(n) || !norm.NFC.IsNormalString(n) || n != app.UpperName(n) {
		return false
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func validBirthDate(b app.BirthDate) bool {
	if b.Year < 1900 || b.Year > 2199 {
		return false
	}
	switch b.Precision {
	case app.FullDate:
		return b.Month >= 1 && b.Month <= 12 && b.Day >= 1 && b.Day <= app.DaysIn(b.Year, b.Month)
	case app.MonthYear:
		return b.Month >= 1 && b.Month <= 12 && b.Day == 1
	case app.YearOnly:
		return b.Month == 1 && b.Day == 1
	}
	return false
}

// MaskedID is the personal ID as the seal shows it: "001190******".
func (s Seal) MaskedID() string { return s.IDPrefix + "******" }

// BookNumber is the book number as the seal shows it: the masked personal ID when the book
// number is the personal ID.
func (s Seal) BookNumber() string {
	if s.Book == "" {
		return s.MaskedID()
	}
	return s.Book
}

// The QR text of a seal is Prefix followed by the unpadded RFC 4648 base32 of the payload
// and its Ed25519 signature. Base32's upper-case letters and digits use the QR code's
// alphanumeric mode (5.5 bits a character), have no spaces or shell characters, and survive
// being read aloud or retyped; the payload is binary and length-prefixed, so it is compact and
// has exactly one encoding.
//
// Payload, version 1 (all integers big-endian):
//
//	version      1 byte   = 1
//	status       1 byte   1 provisional, 2 final
//	key id       8 bytes
//	issued       5 bytes  Unix seconds
//	id prefix    6 bytes  ASCII digits: the visible part of the personal ID
//	birth date   5 bytes  precision (1 day, 2 month, 3 year), year (2 bytes), month, day (0 when unknown)
//	book number  1 + n    length, ASCII digits; length 0 when the book number is the personal ID
//	office       1 + n    length, agency code
//	name         1 + n    length, UTF-8 NFC upper case
//
// The signature covers sealContext followed by the payload, so a device key can never be made
// to sign something else that reads as a seal.
const Prefix = "BHXH:"

const (
	sealVersion = 1
	sealContext = "bhxhdesk seal\x00"
	sealFixed   = 1 + 1 + 8 + 5 + 6 + 5
)

var sealBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func (s Seal) payload() []byte {
	b := make([]byte, 0, sealFixed+3+len(s.Book)+len(s.Office)+len(s.Name))
	b = append(b, sealVersion, byte(s.Status))
	b = append(b, s.Key[:]...)
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], uint64(s.Issued.Unix()))
	b = append(b, t[3:]...)
	b = append(b, s.IDPrefix...)
	month, day := byte(s.BirthDate.Month), byte(s.BirthDate.Day)
	switch s.BirthDate.Precision {
	case app.MonthYear:
		day = 0
	case app.YearOnly:
		month, day = 0, 0
	}
	b = append(b, byte(s.BirthDate.Precision), byte(s.BirthDate.Year>>8), byte(s.BirthDate.Year), month, day)
	for _, f := range []string{s.Book, s.Office, s.Name} {
		b = append(b, byte(len(f)))
		b = append(b, f...)
	}
	return b
}

// Sign seals s with the key: it sets s.Key and returns the QR text. It returns an Invalid error
// with code "seal_field" when a field cannot be sealed.
func (k *SigningKey) Sign(s Seal) (string, error) {
	s.Key = k.id
	if err := s.check(); err != nil {
		return "", err
	}
	p := s.payload()
	sig := ed25519.Sign(k.priv, signedMessage(p))
	return Prefix + sealBase32.EncodeToString(append(p, sig...)), nil
}

func signedMessage(payload []byte) []byte {
	return append([]byte(sealContext), payload...)
}

// Parse decodes the QR text of a seal without checking its signature: it returns the seal,
// the signed payload and the signature, or a "seal_*" Invalid error saying why the text is not
// a well-formed seal. Every seal has exactly one text: anything else is refused.
func Parse(text string) (Seal, []byte, []byte, error) {
	rest, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealNotSeal)
	}
	raw, err := sealBase32.DecodeString(rest)
	// Base32 decoders ignore line breaks and the unused bits of the last character: re-encoding
	// makes the text canonical, so no two texts carry the same seal.
	if err != nil || sealBase32.EncodeToString(raw) != rest {
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealEncoding)
	}
	if len(raw) < 1 {
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealTruncated)
	}
	if raw[0] != sealVersion {
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealVersion, "version", fmt.Sprint(raw[0]))
	}
	if len(raw) < sealFixed+3+ed25519.SignatureSize {
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealTruncated)
	}
	var s Seal
	s.Status = Status(raw[1])
	copy(s.Key[:], raw[2:10])
	var t [8]byte
	copy(t[3:], raw[10:15])
	s.Issued = time.Unix(int64(binary.BigEndian.Uint64(t[:])), 0).In(calendar.VN)
	s.IDPrefix = string(raw[15:21])
	bd := raw[21:26]
	s.BirthDate = app.BirthDate{Precision: app.Precision(bd[0]), Year: int(bd[1])<<8 | int(bd[2]), Month: time.Month(bd[3]), Day: int(bd[4])}
	switch s.BirthDate.Precision {
	case app.MonthYear:
		if bd[4] != 0 {
			return Seal{}, nil, nil, sealField("birth_date")
		}
		s.BirthDate.Day = 1
	case app.YearOnly:
		if bd[3] != 0 || bd[4] != 0 {
			return Seal{}, nil, nil, sealField("birth_date")
		}
		s.BirthDate.Month, s.BirthDate.Day = 1, 1
	}
	pos := sealFixed
	var fields [3]string
	for i := range fields {
		if pos >= len(raw) || pos+1+int(raw[pos]) > len(raw) {
			return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealTruncated)
		}
		n := int(raw[pos])
		fields[i] = string(raw[pos+1 : pos+1+n])
		pos += 1 + n
	}
	s.Book, s.Office, s.Name = fields[0], fields[1], fields[2]
	switch {
	case len(raw)-pos < ed25519.SignatureSize:
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealTruncated)
	case len(raw)-pos > ed25519.SignatureSize:
		return Seal{}, nil, nil, app.Errorf(app.Invalid, app.CodeSealTrailing)
	}
	if err := s.check(); err != nil {
		return Seal{}, nil, nil, err
	}
	return s, raw[:pos], raw[pos:], nil
}
