//go:build pins

// This file only keeps go.mod pinned to the reviewed versions of libraries that parts of the
// program still being written will use; `go mod tidy` honours build tags, so the pins survive
// until real imports replace them. It is never compiled into the program.
package main

import (
	_ "codeberg.org/go-pdf/fpdf"
	_ "fyne.io/fyne/v2/dialog"
	_ "github.com/boombuler/barcode"
	_ "github.com/makiuchi-d/gozxing"
	_ "github.com/xuri/excelize/v2"
	_ "modernc.org/sqlite"
)
