package central

import (
	"context"
	"fmt"

	"bhxhdesk/app"
)

// PostVouchers takes vouchers from the central accounting feed: each is stored once (by its id,
// given one when missing) and routed to the office that registered the person, or kept until
// a registration for that personal ID arrives.
func (s *Service) PostVouchers(ctx context.Context, ins []app.VoucherInput) ([]string, error) {
	now := s.now(ctx)
	ids := make([]string, len(ins))
	err := s.Store.Update(ctx, func(tx Tx) error {
		for i, in := range ins {
			if in.ID == "" {
				in.ID = app.NewUUIDv7(now)
			}
			ids[i] = in.ID
			if _, ok, err := tx.Voucher(in.ID); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := app.ParseVoucher(in); err != nil {
				return fmt.Errorf("voucher %d (%s): %w", i+1, in.ReceiptNo, err)
			}
			body, _ := app.FeedVoucherPayload.Marshal(in)
			v := Voucher{ID: in.ID, PersonalID: in.PersonalID, Source: string(app.SourceCentral), Body: body, Received: now}
			p, ok, err := tx.Person(in.PersonalID)
			if err != nil {
				return err
			}
			if ok && len(p.Offices) > 0 {
				v.Office = p.Offices[len(p.Offices)-1]
				by, err := creditor(tx, p, v.Office)
				if err != nil {
					return err
				}
				if err := routeFeedVoucher(tx, v.Office, by, v.ID, body, now); err != nil {
					return err
				}
			} else if err := tx.PutUnrouted(in.PersonalID, v.ID); err != nil {
				return err
			}
			if err := tx.PutVoucher(v); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}
