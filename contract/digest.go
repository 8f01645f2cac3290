package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// DigestLine is one entity's line of an office digest (DESIGN §3): equal digests at the office
// and at the centre mean they hold the same dossiers (code and version), vouchers, periods and
// covers. The lines are the protocol: a desk and a centre of different versions must spell
// them alike.
type DigestLine string

// Digest is the SHA-256 of the sorted lines, in hex.
func Digest(lines []DigestLine) string {
	sorted := make([]string, len(lines))
	for i, l := range lines {
		sorted[i] = string(l)
	}
	sort.Strings(sorted)
	h := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return hex.EncodeToString(h[:])
}

// DossierLine is a dossier's line: its code and version.
func DossierLine(code string, version int) DigestLine {
	return DigestLine(fmt.Sprintf("dossier %s %d", code, version))
}

// VoucherLine is a voucher's line: its id.
func VoucherLine(id string) DigestLine { return DigestLine("voucher " + id) }

// PeriodLine is a participation period's line: the person, its months (YYYY-MM), the voucher
// it came from and what was paid, in đồng.
func PeriodLine(pid, from, to, voucher string, paid int64) DigestLine {
	return DigestLine(fmt.Sprintf("period %s %s %s %s %d", pid, from, to, voucher, paid))
}

// CoverLine is a book cover's line: the person and whether it was issued.
func CoverLine(pid string, issued bool) DigestLine {
	return DigestLine(fmt.Sprintf("cover %s %t", pid, issued))
}
