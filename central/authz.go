package central

import (
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// The authorisation model (docs/authorization.md): every operation a desk pushes is checked
// against its office's own area before it changes anything.
//
//   - A person is served by the offices that hold a registration (dossier) of their personal ID
//     at the centre: Person.Offices grows only when a dossier is created, never by a period, a
//     cover or a decision.
//   - Dossiers: created only under the desk's office, with a code that names that office and a
//     device code the desk claimed (claimCode); changed only by a desk of that office.
//   - Periods (quá trình đóng): added only by an office that serves the person, for a voucher
//     that office recorded or the feed routed to it.
//   - Covers (tờ bìa sổ): created, issued and printed only by the office of the person's first
//     registration (the cover's owner).
//   - Identity decisions: made only by an office that serves the person, on an open review,
//     choosing one of the identities recorded, each checked as a form's would be.
//   - Device keys: a key is one device's; the published keys file never lists a key twice.

// serves reports whether the office holds a registration of the person.
func serves(p Person, office string) bool { return p.HasOffice(office) }

// coverOwner is the office of the person's first registration: the one that issues the book
// cover ("" when the centre holds no registration).
func coverOwner(p Person) string {
	if len(p.Offices) == 0 {
		return ""
	}
	return p.Offices[0]
}

// claimCode checks a new dossier's code, {agency}-{yymmdd}-{device}{seq}: the agency must be
// the desk's office, the day six digits, and the device code one this desk claimed — the first
// code with a device code no desk of the office holds claims it for the desk — and never one
// another desk claimed. A rejected result when the code is not the desk's.
func claimCode(tx Tx, dev Device, code string) (contract.OpResult, bool, error) {
	parts := strings.Split(code, "-")
	if len(parts) != 3 || len(parts[1]) != 6 || !digitsOnly(parts[1]) || len(parts[2]) < 5 {
		return rejected("bad_dossier_code", "code", clip(code)), false, nil
	}
	if parts[0] != dev.Office {
		return rejected("not_your_office", "office", clip(parts[0])), false, nil
	}
	o, ok, err := tx.Office(dev.Office)
	if err != nil {
		return contract.OpResult{}, false, err
	}
	if !ok {
		o = Office{Agency: dev.Office}
	}
	// A desk numbers its dossiers with exactly four digits after its device code, so the
	// device is the tail less those: K7 and K70 are two desks, and K700001 is K70's.
	tail := parts[2]
	device, seq := tail[:len(tail)-4], tail[len(tail)-4:]
	if !digitsOnly(seq) || device == "" {
		return rejected("bad_dossier_code", "code", clip(code)), false, nil
	}
	if id, ok := o.Codes[device]; ok {
		if id != dev.ID {
			return rejected("dossier_code_not_yours", "code", code, "device", device), false, nil
		}
		return contract.OpResult{}, true, nil
	}
	if o.Codes == nil {
		o.Codes = map[string]string{}
	}
	o.Codes[device] = dev.ID
	return contract.OpResult{}, true, tx.PutOffice(o)
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip shortens a value a peer sent for a result's arguments.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// checkPeriod checks a period's fields as the desk's records make them: months in order, at most
// five years at once, amounts that are not negative, and the voucher it came from.
func checkPeriod(pe app.Period) bool {
	n := int(pe.To-pe.From) + 1
	return pe.From > 0 && pe.To >= pe.From && n <= 60 && pe.Voucher != "" && len(pe.Voucher) <= 64 && len(pe.ReceiptNo) <= 64 &&
		pe.Income >= 0 && pe.Gross >= 0 && pe.StateSupport >= 0 && pe.LocalSupport >= 0 && pe.Paid >= 0 && pe.Discount >= 0 &&
		pe.Interest >= 0 && pe.SupportMonths >= 0 && pe.SupportMonths <= n && len(pe.Method) <= 20
}
