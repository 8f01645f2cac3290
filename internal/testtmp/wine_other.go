//go:build !windows

package testtmp

func underWine() bool            { return false }
func wineRefusal(err error) bool { return false }
func removeEach(string)          {}
