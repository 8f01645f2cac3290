// Package refdata holds the reference data a desk applies (dữ liệu quy định) — rule tables,
// calendars, places, the message catalogue, the provinces' workflows and the trusted keys — and
// the Source the services read it from, which the desk replaces whole when the centre publishes
// a file. It sits above the domain (app) and the seals so that both stay free of it.
package refdata
