package kit

import (
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// VNTime formats a time in Vietnam as hh:mm dd/mm/yyyy.
func VNTime(t time.Time) string { return t.In(calendar.VN).Format("15:04 02/01/2006") }

// BirthText shows a birth date as Vietnamese forms print it.
func BirthText(iso string) string {
	if b, err := app.ParseBirthDate(iso); err == nil {
		return b.VNString()
	}
	return iso
}

// ParseVNDate reads a date as typed in Vietnam, dd/mm/yyyy (d/m/yyyy too), or YYYY-MM-DD.
func ParseVNDate(text string) (calendar.Date, error) {
	s := strings.TrimSpace(text)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return calendar.Of(t.Year(), t.Month(), t.Day()), nil
		}
	}
	return 0, &app.Error{Kind: app.Invalid, Code: app.CodeDateFormat, Field: "date"}
}

// PlaceLine is "detail, commune, province" with the official names.
func PlaceLine(places *app.Places, province, commune, detail string) string {
	var parts []string
	if detail != "" {
		parts = append(parts, detail)
	}
	if n, ok := places.CommuneName(province, commune); ok {
		parts = append(parts, n)
	}
	if p, ok := places.Province(province); ok {
		parts = append(parts, p.Name)
	}
	return strings.Join(parts, ", ")
}
