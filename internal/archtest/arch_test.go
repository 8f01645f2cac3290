// Package archtest checks the module's import rules (README, Layout) on the packages as they
// are: a service never reaches the store's engine, the network or the window; the screens'
// feature packages never import each other; only storage imports Badger.
package archtest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
}

func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "bhxhdesk/...")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 20 {
		t.Fatalf("go list found %d packages", len(ps))
	}
	return ps
}

func TestTheImportRulesHold(t *testing.T) {
	services := map[string]bool{"bhxhdesk/intake": true, "bhxhdesk/records": true, "bhxhdesk/officesync": true,
		"bhxhdesk/privacy": true, "bhxhdesk/continuity": true}
	features := map[string]bool{"bhxhdesk/ui/intakeui": true, "bhxhdesk/ui/recordsui": true, "bhxhdesk/ui/syncui": true,
		"bhxhdesk/ui/adminui": true}
	seen := map[string]bool{}
	for _, p := range packages(t) {
		seen[p.ImportPath] = true
		for _, imp := range p.Imports {
			if services[p.ImportPath] {
				for _, banned := range []string{"bhxhdesk/storage", "bhxhdesk/central", "bhxhdesk/desk", "bhxhdesk/ui", "bhxhdesk/sync"} {
					if imp == banned || strings.HasPrefix(imp, banned+"/") {
						t.Errorf("service %s imports %s", p.ImportPath, imp)
					}
				}
			}
			if features[p.ImportPath] && features[imp] {
				t.Errorf("screen feature %s imports another feature, %s", p.ImportPath, imp)
			}
			if features[p.ImportPath] && imp == "bhxhdesk/ui" {
				t.Errorf("screen feature %s imports the shell", p.ImportPath)
			}
			if strings.HasPrefix(imp, "github.com/dgraph-io/badger") && p.ImportPath != "bhxhdesk/storage" {
				t.Errorf("%s imports Badger; only storage may", p.ImportPath)
			}
			if p.ImportPath == "bhxhdesk/contract" && strings.HasPrefix(imp, "bhxhdesk") {
				t.Errorf("contract imports %s; it imports nothing", imp)
			}
			if p.ImportPath == "bhxhdesk/app" && !strings.HasPrefix(imp, "bhxhdesk/app/") && imp != "bhxhdesk/contract" &&
				strings.HasPrefix(imp, "bhxhdesk") {
				t.Errorf("the domain (app) imports %s", imp)
			}
		}
	}
	for name := range services {
		if !seen[name] {
			t.Errorf("service package %s not found: update the rule", name)
		}
	}
	for name := range features {
		if !seen[name] {
			t.Errorf("feature package %s not found: update the rule", name)
		}
	}
}
