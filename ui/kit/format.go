package kit

import (
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
