// Command fakepeople prints TK1-TS registrations of realistic fake Vietnamese people as a JSON
// array, for seeding a demonstration office (scripts/screenshots.sh):
//
//	go run ./scripts/fakepeople --n 5 --seed 3 --month 2026-11 > people.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
)

func main() {
	n := flag.Int("n", 5, "how many people")
	seed := flag.Uint64("seed", 1, "the seed: the same seed gives the same people")
	month := flag.String("month", "", "the first month they pay (YYYY-MM)")
	flag.Parse()
	g := fake.New(*seed, assets.MustLoad().Places)
	g.StartMonth = *month
	forms := make([]app.RegistrationForm, *n)
	for i := range forms {
		forms[i] = g.Form()
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(forms); err != nil {
		fmt.Fprintln(os.Stderr, "fakepeople:", err)
		os.Exit(1)
	}
}
