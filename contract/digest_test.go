package contract_test

import (
	"testing"

	"bhxhdesk/contract"
)

// TestTheDigestLinesKeepTheirSpelling pins the lines a desk and a centre of any version must
// spell alike, and the digest of a known set (the order of the lines does not matter).
func TestTheDigestLinesKeepTheirSpelling(t *testing.T) {
	lines := []contract.DigestLine{
		contract.DossierLine("01001-260105-K70001", 3),
		contract.VoucherLine("019b8bab-0680-72c0-a7b1-dec3698711ff"),
		contract.PeriodLine("001190012345", "2026-01", "2026-03", "019b8bab-0680-72c0-a7b1-dec3698711ff", 792000),
		contract.CoverLine("001190012345", true),
	}
	want := []string{
		"dossier 01001-260105-K70001 3",
		"voucher 019b8bab-0680-72c0-a7b1-dec3698711ff",
		"period 001190012345 2026-01 2026-03 019b8bab-0680-72c0-a7b1-dec3698711ff 792000",
		"cover 001190012345 true",
	}
	for i, l := range lines {
		if string(l) != want[i] {
			t.Errorf("line %d: %q, want %q", i, l, want[i])
		}
	}
	d := contract.Digest(lines)
	reversed := []contract.DigestLine{lines[3], lines[2], lines[1], lines[0]}
	if contract.Digest(reversed) != d {
		t.Error("the digest depends on the order of the lines")
	}
	// SHA-256 of the sorted lines joined by newlines (checked independently of this code).
	if want := "04b84106d94246dcd7bf375314b0845cbda98063daf3c6147bad00ee2182e773"; d != want {
		t.Errorf("digest %s, want %s", d, want)
	}
}
