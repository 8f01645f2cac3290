package records

import (
	"sort"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// MonthlyReport is the office's report for a month (báo cáo tháng): who took part at its start
// and end, who joined, came back or stopped, and what was collected, by support group. It needs
// PermVoucher (the officers who record payments) and is recorded in the audit log.
func (s *Service) MonthlyReport(sess *app.Session, m app.Month) (app.MonthlyReport, error) {
	var r app.MonthlyReport
	if err := sess.Require(app.PermVoucher); err != nil {
		return r, err
	}
	b := app.NewReportBuilder(sess.Office.Agency, m)
	err := s.Store.View(func(tx Tx) error {
		b.Local = func(pe app.Period) bool { return localPeriod(tx, pe) }
		return tx.EachParticipant(func(p app.Participant) error {
			b.Add(p)
			return nil
		})
	})
	if err != nil {
		return r, err
	}
	r = b.Report()
	return r, s.audit(sess, "report.monthly", m.String())
}

// D05 is list D05-TS of the office for a month: every payment recorded with a voucher paid in
// the month, each with the state's and the province's shares as the amounts recorded show them,
// and the number of first-time participants whose books are to be issued. The refunds decided
// in the month are its decreases. It needs PermVoucher and is recorded in the audit log.
func (s *Service) D05(sess *app.Session, m app.Month) (app.D05List, error) {
	l := app.D05List{Office: sess.Office, Month: m}
	if err := sess.Require(app.PermVoucher); err != nil {
		return l, err
	}
	ref := s.Ref.Get()
	err := s.Store.View(func(tx Tx) error {
		if o, ok, err := tx.Office(); err != nil {
			return err
		} else if ok {
			l.Office = o
		}
		return tx.EachParticipant(func(p app.Participant) error {
			// The person's first payment (tăng mới): the earliest paid, not the earliest month
			// paid for (missing time paid later covers months before it).
			first := -1
			for i, pe := range p.Periods {
				if first < 0 || pe.PaidOn < p.Periods[first].PaidOn {
					first = i
				}
			}
			for i, pe := range p.Periods {
				if app.MonthOfDate(pe.PaidOn) != m || !localPeriod(tx, pe) {
					continue
				}
				row := app.D05Row{FullName: p.FullName, SICode: p.PersonalID, PersonalID: p.PersonalID,
					Address: ref.Places.AddressLine(p.Address), ReceiptDate: pe.PaidOn, ReceiptNo: pe.ReceiptNo, Income: pe.Income,
					Months: pe.Months(), From: pe.From, Due: pe.Gross - pe.Discount + pe.Interest, Paid: pe.Paid,
					StateSupport: pe.StateSupport, LocalSupport: pe.LocalSupport, OtherSupport: pe.OtherSupport, Group: app.GroupOf(p),
					New: i == first}
				if p.OldSICode != "" {
					row.SICode = p.OldSICode
				}
				if base, ok := ref.Rules.SupportBase(pe.From); ok {
					row.StatePercent = app.SupportPercent(pe.StateSupport, pe.SupportMonths, base)
					row.LocalPercent = app.SupportPercent(pe.LocalSupport, pe.Months(), base)
				}
				if v, ok, err := tx.Voucher(pe.Voucher); err != nil {
					return err
				} else if ok {
					row.Collector = v.Voucher.Collector
				}
				if row.New && !p.HasBook {
					l.Books++
				}
				l.Increases = append(l.Increases, row)
			}
			// Refunds decided this month (giảm): the months given back, their contribution and
			// support, as negative amounts so the list's total is what stays with the fund.
			for _, e := range p.Events {
				if e.Kind != app.EventRefund || e.Refund == nil || app.MonthOfDate(calendar.DateOf(e.At.In(calendar.VN))) != m ||
					(e.Office != "" && e.Office != l.Office.Agency) {
					continue
				}
				for _, rl := range e.Refund.Lines {
					row := app.D05Row{FullName: p.FullName, SICode: p.PersonalID, PersonalID: p.PersonalID,
						Address: ref.Places.AddressLine(p.Address), ReceiptDate: calendar.DateOf(e.At.In(calendar.VN)), ReceiptNo: rl.ReceiptNo,
						Months: -rl.Months, From: rl.From, Due: -rl.Contribution, Paid: -rl.Amount, StateSupport: -rl.StateSupport,
						LocalSupport: -rl.LocalSupport, Group: app.GroupOf(p), Refund: e.Reason}
					for _, pe := range p.Periods {
						if pe.Voucher == rl.Voucher {
							row.Income = pe.Income
						}
					}
					if p.OldSICode != "" {
						row.SICode = p.OldSICode
					}
					l.Decreases = append(l.Decreases, row)
				}
			}
			return nil
		})
	})
	if err != nil {
		return l, err
	}
	sort.SliceStable(l.Increases, func(i, j int) bool {
		a, b := l.Increases[i], l.Increases[j]
		if a.ReceiptDate != b.ReceiptDate {
			return a.ReceiptDate < b.ReceiptDate
		}
		return a.ReceiptNo < b.ReceiptNo
	})
	return l, s.audit(sess, "report.d05", m.String())
}

// audit records that a person produced a report (the lists carry personal data).
func (s *Service) audit(sess *app.Session, action, month string) error {
	return s.Store.Update(func(tx Tx) error {
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: action, Detail: "month=" + month})
	})
}

// SendMonthlyReport makes the office's report for a month and sends it (SendReport).
func (s *Service) SendMonthlyReport(sess *app.Session, m app.Month) (app.MonthlyReport, error) {
	if err := s.Sendable(m); err != nil {
		return app.MonthlyReport{}, err
	}
	r, err := s.MonthlyReport(sess, m)
	if err != nil {
		return r, err
	}
	return r, s.SendReport(sess, r)
}

// Sendable refuses a month that has not ended: only a past month's report is sent.
func (s *Service) Sendable(m app.Month) error {
	if now := app.MonthOfDate(calendar.DateOf(s.Now.Time().In(calendar.VN))); m >= now {
		return &app.Error{Kind: app.Invalid, Code: app.CodeReportMonthOpen, Field: "month", Args: map[string]string{"month": m.VNString()}}
	}
	return nil
}

// SendReport puts a monthly report the office made (MonthlyReport) in the outbox for the
// centre, where the province sees the sum of its offices; a report sent again for the month
// replaces the one before. It needs PermVoucher.
func (s *Service) SendReport(sess *app.Session, r app.MonthlyReport) error {
	if err := sess.Require(app.PermVoucher); err != nil {
		return err
	}
	if err := s.Sendable(r.Month); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error {
		if err := app.Enqueue(tx, app.OpReportMonthly, r.Office+"/"+r.Month.String(), 0, app.ReportPayload.To(r), s.Now.Time()); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "report.send", Detail: "month=" + r.Month.String()})
	})
}

// Trend is the office's participants at each month's end and what was collected in each of the
// n months up to to (the dashboard's chart). It needs PermVoucher.
func (s *Service) Trend(sess *app.Session, to app.Month, n int) ([]app.TrendPoint, error) {
	if err := sess.Require(app.PermVoucher); err != nil {
		return nil, err
	}
	b := app.NewTrendBuilder(to, n)
	err := s.Store.View(func(tx Tx) error {
		return tx.EachParticipant(func(p app.Participant) error {
			b.Add(p)
			return nil
		})
	})
	return b.Points(), err
}

// localPeriod reports whether a period was paid at this office: its voucher is one of the
// office's (a participant known to two offices carries the other's periods, whose vouchers this
// desk does not hold). A period without a voucher is the office's.
func localPeriod(tx Tx, pe app.Period) bool {
	if pe.Voucher == "" {
		return true
	}
	_, ok, err := tx.Voucher(pe.Voucher)
	return err == nil && ok
}
