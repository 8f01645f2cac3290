package assets_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

// Every error code the code can produce has a Vietnamese and an English message, so no user
// ever sees a raw code.
// TestEveryErrorCodeHasMessages: every code of the registry (app.Codes) has its message, and
// every code still spelled as a literal in the source is in the registry.
func TestEveryErrorCodeHasMessages(t *testing.T) {
	ref := assets.MustLoad()
	codeRe := regexp.MustCompile(
		`(?:Code: |Errorf\([A-Za-z.]+, |report\(sl, [^,]+, "[a-z_.]+", |bad\("[a-z_.]*", |\bExc[A-Za-z]+ += )"([a-z_]+)"`,
	)
	tagRe := regexp.MustCompile(`"(?:[a-z_]+)": "([a-z_]+)",`)
	found := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() && (d.Name() == "bin" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, m := range codeRe.FindAllStringSubmatch(string(src), -1) {
			found[m[1]] = true
		}
		if strings.HasSuffix(path, "registration.go") {
			block := string(src)[strings.Index(string(src), "var codeByTag"):]
			block = block[:strings.Index(block, "}")]
			for _, m := range tagRe.FindAllStringSubmatch(block, -1) {
				found[m[1]] = true
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, len(found), 40, "the scan finds the codes")
	registry := map[string]bool{}
	for _, code := range app.Codes {
		assert.False(t, registry[code], "code %q listed twice", code)
		registry[code] = true
		assert.True(t, ref.Catalog.Has("err."+code), "no message for error code %q", code)
	}
	for code := range found {
		assert.True(t, registry[code], "error code %q is spelled in the source but not in app.Codes", code)
	}
}
