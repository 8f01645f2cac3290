// Package seal is the electronic seal of printed book-cover confirmations (con dấu điện tử):
// a device's Ed25519 signing key, the seal a QR code carries (the cover's data with the personal
// ID masked), the trusted keys an office verifies against, and the offline verification of a
// printout.
//
// It may import app (values, errors, the catalogue); the services and the documents import it.
package seal
