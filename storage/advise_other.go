//go:build !linux

package storage

// tableAdvice does nothing here: the advice is Linux's (see advise_linux.go); elsewhere the
// system's defaults for mapped files stand.
type tableAdvice struct{}

func (*tableAdvice) advise(string) {}
