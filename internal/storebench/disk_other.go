//go:build !linux

package storebench

// diskSpace is not measured on this system.
func diskSpace(string) (free, total uint64, ok bool) { return 0, 0, false }

// SettleDisk does nothing here.
func SettleDisk() {}
