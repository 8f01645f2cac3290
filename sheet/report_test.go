package sheet_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/sheet"
)

// The list D05-TS keeps its layout as a printed form: the merged title and headers, the
// columns' widths, the tall sub-header row, A4 landscape, amounts as numbers in #,##0 with
// borders, and the sums in bold.
func TestTheD05WorkbookKeepsTheFormsLayout(t *testing.T) {
	texts := func(key string, args ...string) string { return key }
	row := app.D05Row{FullName: "Nguyễn Thị Hồng Ánh", SICode: "0123456789", PersonalID: "001190000001", Address: "Phường Ba Đình",
		ReceiptDate: mustDate(t, "2026-12-03"), ReceiptNo: "BL-1", Income: 2_200_000, Months: 3,
		From: app.MonthOf(2026, 12), Due: 1_452_000, Paid: 1_161_600, StateSupport: 290_400, StatePercent: 2000, Group: app.Other, New: true}
	l := app.D05List{Office: app.Office{Agency: "01001", Name: "BHXH cơ sở Ba Đình"}, Month: app.MonthOf(2026, 12),
		Increases: []app.D05Row{row, row}, Books: 1}
	var buf bytes.Buffer
	require.NoError(t, sheet.WriteD05(&buf, texts, l))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	const sh = "D05-TS"

	merged, err := f.GetMergeCells(sh)
	require.NoError(t, err)
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	assert.Subset(t, ranges, []string{"A5:T5", "A6:T6", "A8:A9", "B8:B9", "I8:J8", "K8:L8", "S8:S9", "T8:T9"})

	w, err := f.GetColWidth(sh, "E")
	require.NoError(t, err)
	assert.InDelta(t, 30, w, 0.01, "the address column")
	h, err := f.GetRowHeight(sh, 9)
	require.NoError(t, err)
	assert.InDelta(t, 45, h, 0.01)
	layout, err := f.GetPageLayout(sh)
	require.NoError(t, err)
	require.NotNil(t, layout.Orientation)
	assert.Equal(t, "landscape", *layout.Orientation)
	require.NotNil(t, layout.Size)
	assert.Equal(t, 9, *layout.Size, "A4")

	assert.Equal(t, "d05.title", cell(t, f, "A5"))
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", cell(t, f, "B13"))
	// The due amount (column K) of the first row: a number, shown as #,##0, with borders.
	raw, err := f.GetCellValue(sh, "K13", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "1452000", raw)
	st := style(t, f, "K13")
	assert.Equal(t, 3, st.NumFmt)
	assert.Len(t, st.Border, 4)
	// The sum of the increases (row 15): bold, #,##0, twice the row.
	assert.Equal(t, "d05.sum_increase", cell(t, f, "B15"))
	raw, err = f.GetCellValue(sh, "K15", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "2904000", raw)
	st = style(t, f, "K15")
	require.NotNil(t, st.Font)
	assert.True(t, st.Font.Bold)
	assert.Equal(t, 3, st.NumFmt)
	// The headers are bold, centred and wrapped.
	st = style(t, f, "B8")
	require.NotNil(t, st.Alignment)
	assert.True(t, st.Alignment.WrapText)
	assert.Equal(t, "center", st.Alignment.Horizontal)
}

func cell(t *testing.T, f *excelize.File, ref string) string {
	t.Helper()
	v, err := f.GetCellValue("D05-TS", ref)
	require.NoError(t, err)
	return v
}

func style(t *testing.T, f *excelize.File, ref string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle("D05-TS", ref)
	require.NoError(t, err)
	st, err := f.GetStyle(id)
	require.NoError(t, err)
	return st
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	require.NoError(t, err)
	return d
}
