package storage

import (
	"encoding/base32"
	"strconv"
	"strings"

	"bhxhdesk/app"
)

// The recovery secret is read off paper and typed by a person, so it is written in Douglas
// Crockford's base 32: digits and capital letters without I, L, O and U, which read like 1, 1,
// 0 and V. Typed look-alikes are accepted (O as 0, I and L as 1, lower case as upper case), and
// a last check character (the number modulo 37) tells a typing mistake from a secret of
// another store. The 20 random bytes are 32 characters in 8 groups of 4, then the check:
// "7K2M-…-QX4D-T".

const crockford = "crockford"

const crockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// checkSymbols are the check characters: the alphabet and five more for 32…36.
const checkSymbols = crockfordAlphabet + "*~$=U"

var (
	crockfordEncoding = base32.NewEncoding(crockfordAlphabet).WithPadding(base32.NoPadding)
	legacyEncoding    = base32.StdEncoding.WithPadding(base32.NoPadding)
)

// secretBytes is the length of a recovery secret.
const secretBytes = 20

func formatSecret(b []byte) string {
	s := crockfordEncoding.EncodeToString(b)
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	parts = append(parts, s, string(checkSymbols[checkOf(b)]))
	return strings.Join(parts, "-")
}

// checkOf is the secret's number modulo 37.
func checkOf(b []byte) int {
	m := 0
	for _, c := range b {
		m = (m*256 + int(c)) % 37
	}
	return m
}

// parseSecret reads a typed recovery secret written in alphabet (crockford, or "" for the
// RFC 4648 base32 of stores made before). A secret that cannot be one is an Invalid error on
// the field "recovery_secret" saying what is wrong: its length, a character that is not in
// it, or a typing mistake the check character caught.
func parseSecret(s, alphabet string) ([]byte, error) {
	clean := strings.ToUpper(strings.NewReplacer("-", "", " ", "", "\t", "").Replace(strings.TrimSpace(s)))
	length := func(count, want int) error {
		return &app.Error{Kind: app.Invalid, Code: app.CodeRecoverySecretFormat, Field: "recovery_secret",
			Args: map[string]string{"count": strconv.Itoa(count), "want": strconv.Itoa(want)}}
	}
	if alphabet != crockford {
		b, err := legacyEncoding.DecodeString(clean)
		if err != nil || len(b) != secretBytes {
			return nil, length(len([]rune(clean)), 32)
		}
		return b, nil
	}
	clean = strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(clean)
	if n := len([]rune(clean)); n != 33 {
		return nil, length(n, 33)
	}
	body, check := clean[:32], clean[32]
	for _, r := range body {
		if !strings.ContainsRune(crockfordAlphabet, r) {
			return nil, &app.Error{
				Kind:  app.Invalid,
				Code:  app.CodeRecoverySecretChar,
				Field: "recovery_secret",
				Args:  map[string]string{"char": string(r)},
			}
		}
	}
	b, err := crockfordEncoding.DecodeString(body)
	if err != nil || len(b) != secretBytes {
		return nil, length(32, 33)
	}
	if checkSymbols[checkOf(b)] != check {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeRecoverySecretTypo, Field: "recovery_secret"}
	}
	return b, nil
}
