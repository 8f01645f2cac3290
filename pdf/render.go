package pdf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// CanRender reports whether RenderPNG can work here: poppler's pdftoppm is on PATH.
func CanRender() bool {
	_, err := exec.LookPath("pdftoppm")
	return err == nil
}

// RenderPNG renders the first maxPages pages of a PDF as PNG images at dpi with poppler's
// pdftoppm, for a preview on screen. The PDF holds personal data: it is written to a private
// temporary folder that is removed before returning.
func RenderPNG(ctx context.Context, doc []byte, dpi, maxPages int) ([][]byte, error) {
	dir, err := os.MkdirTemp("", "bhxh-preview-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(
		ctx,
		"pdftoppm",
		"-png",
		"-r",
		strconv.Itoa(dpi),
		"-f",
		"1",
		"-l",
		strconv.Itoa(maxPages),
		in,
		filepath.Join(dir, "page"),
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pdftoppm: %w: %s", err, out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return nil, err
	}
	// pdftoppm pads the page numbers to one width, so the names sort in page order.
	sort.Strings(files)
	pages := make([][]byte, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pages = append(pages, b)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("pdftoppm: no page rendered")
	}
	return pages, nil
}
