// Package privacy carries out the office's duties for personal data (DOMAIN §9; Law
// 91/2025/QH15 and Decree 356/2025/NĐ-CP): the access log, the export of one person's data, the
// purge of closed dossiers after the retention period and the report of what a lost machine
// held.
//
// It may import app; it must not import storage, central, desk or ui.
package privacy
