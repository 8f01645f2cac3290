package app

import "strings"

// CheckPassword enforces an account's password minimum: 10 characters, not containing the user
// name (lower-cased and trimmed; "" when it is not known yet).
func CheckPassword(user, password string) error {
	if len([]rune(password)) < 10 || (user != "" && strings.Contains(strings.ToLower(password), user)) {
		return &Error{Kind: Invalid, Code: CodePasswordWeak, Field: "password"}
	}
	return nil
}
