package app

// Lang is a user-interface language. Vietnamese is the default.
type Lang string

// The languages shipped.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Langs lists the shipped languages, default first.
var Langs = []Lang{VI, EN}
