// Package recordsui is the records screens of the desk (thu, sổ thẻ): payment vouchers typed or
// imported from a collection agent's file, the exceptions an officer decides, the book covers
// and their printed confirmations, and a participant's electronic book.
//
// It reaches the office through its own narrow Office interface and the records service; it may
// import app, the services, ui/kit and ui/widgets, never another feature package.
package recordsui
