// Package officesync is the office side of synchronisation with the central services: the
// outbox handed to the sync engine in order, the centre's acknowledgements, pulled changes
// applied through the same logic as local work (records), notices for what a person must
// decide, the office's redownload and the transfer files of offices with no link at all.
//
// The engine that moves pages over the network is package sync; this package never touches
// the network. It may import app, contract and records; it must not import storage, central,
// desk or ui.
package officesync
