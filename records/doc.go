// Package records is the offline records service (thu và quản lý sổ, thẻ — TST, DOMAIN §8):
// payment vouchers typed, imported or pulled from the accounting feed, their matching to
// participants, the participation periods they append, book covers and their printing.
//
// It may import app and contract; it must not import storage, central, desk or ui.
package records
