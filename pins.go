//go:build pins

// This file only keeps go.mod pinned to the reviewed versions of libraries the next parts of the
// program use (the PDF printouts); `go mod tidy` honours build tags, so
// the pins survive until real imports replace them. It is never compiled into the program.
package main

import (
	_ "codeberg.org/go-pdf/fpdf"
	_ "github.com/boombuler/barcode"
)
