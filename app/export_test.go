package app

// MonthsForTest is the months the person's periods count as they stand (refunds taken off).
func (p *Participant) MonthsForTest() int { return p.monthsUpTo(0) }
