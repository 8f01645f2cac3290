// Command gen writes the Vietnamese subsets of the embedded Noto Sans fonts that the PDF
// printouts use (assets/fonts/NotoSansVN-*.ttf). Run from the repository root after changing
// the fonts or fontsubset.Vietnamese:
//
//	go run ./internal/fontsubset/gen
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"bhxhdesk/internal/fontsubset"
)

func main() {
	for _, style := range []string{"Regular", "Bold"} {
		in := filepath.Join("assets", "fonts", "NotoSans-"+style+".ttf")
		out := filepath.Join("assets", "fonts", "NotoSansVN-"+style+".ttf")
		if err := run(in, out); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func run(in, out string) error {
	ttf, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	sub, err := fontsubset.Subset(ttf, fontsubset.Vietnamese())
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, sub, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d → %d bytes\n", out, len(ttf), len(sub))
	return nil
}
