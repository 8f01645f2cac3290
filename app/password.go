package app

import "strings"

// CheckPassword enforces an account's password minimum: 10 characters, not containing the user
// name (already lower-cased and trimmed). A user name the keyring cannot hold is refused first.
func CheckPassword(user, password string) error {
	if user == "" || strings.ContainsAny(user, " \t/\\") {
		return &Error{Kind: Invalid, Code: CodeUserNameInvalid, Field: "user"}
	}
	if len([]rune(password)) < 10 || strings.Contains(strings.ToLower(password), user) {
		return &Error{Kind: Invalid, Code: CodePasswordWeak, Field: "password"}
	}
	return nil
}
