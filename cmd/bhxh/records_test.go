package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bhxhdesk/internal/testtmp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// importResult is the JSON answer of voucher import.
type importResult struct {
	Accepted   int          `json:"accepted"`
	Matched    int          `json:"matched"`
	Exceptions []importLine `json:"exceptions"`
	Rejected   []importLine `json:"rejected"`
	Already    []importLine `json:"already_recorded"`
	Covers     int          `json:"covers_created"`
}

func lineNumbers(ls []importLine) []int {
	out := []int{}
	for _, l := range ls {
		out = append(out, l.Line)
	}
	return out
}

// TestRegisterVoucherPeriodCoverIssuePrintEndToEnd runs the whole records chain through the
// command line: registrations, the collection agent's CSV and XLSX files with bad rows, the
// periods, the covers made for first-time participants, issuing and printing.
func TestRegisterVoucherPeriodCoverIssuePrintEndToEnd(t *testing.T) {
	o := newOffice(t)
	o.staff("canbo")
	people, err := os.ReadFile("../../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	code, out, errOut := o.run(string(people), "register", "--received", "2025-09-01T08:00:00+07:00", "--json")
	require.Equal(t, 0, code, errOut)
	var regs []registerResult
	require.NoError(t, json.Unmarshal([]byte(out), &regs))
	require.Len(t, regs, 18)

	for _, file := range []string{"vouchers-sample.csv", "vouchers-sample.xlsx"} {
		code, out, errOut = o.run("", "voucher", "import", "../../sheet/testdata/"+file, "--json")
		assert.Equal(t, 1, code, "bad rows make the exit status 1: %s", errOut)
		var res importResult
		require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		assert.Equal(t, 4, res.Accepted, file)
		assert.Equal(t, 4, res.Matched, file)
		assert.Equal(t, 4, res.Covers, "every payer is a first-time participant")
		assert.Empty(t, res.Exceptions, file)
		assert.Equal(t, []int{7, 8, 9, 10, 11}, lineNumbers(res.Rejected), file)
		codes := map[string]bool{}
		for _, r := range res.Rejected {
			codes[r.Code] = true
			assert.NotEmpty(t, r.MessageVI)
			assert.NotEmpty(t, r.MessageEN)
		}
		for _, c := range []string{"bad_voucher_id", "id_leading_zeros_lost", "formula_cell", "bad_amount", "duplicate_receipt_in_file"} {
			assert.True(t, codes[c], "%s reports %s", file, c)
		}
	}
	// The same file again: nothing recorded twice, every row still accounted for.
	code, out, _ = o.run("", "voucher", "import", "../../sheet/testdata/vouchers-sample.csv", "--json")
	assert.Equal(t, 1, code)
	var again importResult
	require.NoError(t, json.Unmarshal([]byte(out), &again))
	assert.Zero(t, again.Accepted)
	assert.Equal(t, []int{3, 4, 5, 13}, lineNumbers(again.Already))

	// The electronic book: one period of 264,000 with its receipt.
	code, out, _ = o.run("", "person", "show", "070066237886", "--json")
	require.Equal(t, 0, code)
	var book struct {
		Periods []struct {
			From, To  string
			Paid      int64
			ReceiptNo string `json:"receipt_no"`
		} `json:"periods"`
		Totals struct {
			Months int   `json:"months"`
			Paid   int64 `json:"paid"`
		} `json:"totals"`
		Cover *struct {
			Status string `json:"status"`
		} `json:"cover"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &book))
	require.Len(t, book.Periods, 1)
	assert.Equal(t, "2025-09", book.Periods[0].From)
	assert.EqualValues(t, 264000, book.Periods[0].Paid)
	assert.Equal(t, "BL-2025-000101", book.Periods[0].ReceiptNo)
	require.NotNil(t, book.Cover)
	assert.Equal(t, "created", book.Cover.Status)

	code, out, _ = o.run("", "cover", "list", "--to-issue", "--json")
	require.Equal(t, 0, code)
	var toIssue []coverRow
	require.NoError(t, json.Unmarshal([]byte(out), &toIssue))
	assert.Len(t, toIssue, 8)

	// Issue and print: the help desk may print but not issue.
	o.staff("motcua")
	code, _, errOut = o.run("", "cover", "issue", "070066237886")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "không được phép")
	o.staff("canbo")
	code, _, errOut = o.run("", "cover", "issue", "070066237886", "004069123085")
	require.Equal(t, 0, code, errOut)
	pdfPath := filepath.Join(testtmp.Dir(t), "bia so.pdf")
	o.staff("motcua")
	code, _, errOut = o.run("", "cover", "print", "--issued-today", "--out", pdfPath)
	require.Equal(t, 0, code, errOut)
	text := pdfText(t, pdfPath)
	assert.Contains(t, text, "LÊ HỮU MINH", "the name with its diacritics, exactly")
	assert.Contains(t, text, "TRẦN ĐỨC QUÂN")
	assert.Contains(t, text, "BẢN TẠM", "provisional until the centre confirms")
	fonts, err := exec.Command("pdffonts", pdfPath).Output()
	require.NoError(t, err)
	for _, l := range strings.Split(string(fonts), "\n")[2:] {
		if strings.TrimSpace(l) != "" {
			assert.Contains(t, strings.Fields(l), "yes", "font embedded: %s", l)
		}
	}
	pages, err := exec.Command("pdfinfo", pdfPath).Output()
	require.NoError(t, err)
	assert.Regexp(t, `Pages:\s+2\b`, string(pages), "one page per cover")

	code, _, errOut = o.run("", "cover", "print", "070066237886", "--out", pdfPath)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "in lại phải ghi lý do")
	code, _, errOut = o.run("", "cover", "print", "070066237886", "--out", pdfPath, "--reason", "Giấy kẹt trong máy in")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, pdfText(t, pdfPath), "Bản in lại lần 1")

	code, out, _ = o.run("", "cover", "list", "--issued", "--json")
	require.Equal(t, 0, code)
	var issued []coverRow
	require.NoError(t, json.Unmarshal([]byte(out), &issued))
	prints := map[string]int{}
	for _, c := range issued {
		prints[c.PersonalID] = c.Prints
	}
	assert.Equal(t, map[string]int{"070066237886": 2, "004069123085": 1}, prints, "every print is counted")

	// The audit chain still holds after all of it.
	o.as("quantri", adminPass)
	code, out, _ = o.run("", "audit", "verify", "--json")
	require.Equal(t, 0, code)
	assert.Equal(t, true, decode(t, out)["ok"])
}
