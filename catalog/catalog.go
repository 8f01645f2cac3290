package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"bhxhdesk/app"
)

// Catalog holds every user-facing text in every language (assets/i18n/*.json). Templates take
// {name} placeholders. Read-only once loaded.
type Catalog struct {
	msgs map[app.Lang]map[string]string
}

// LoadCatalog reads each language's texts from dir: <lang>.json and any number of
// <lang>.<part>.json (one part per area of the program, e.g. vi.records.json), merged. It fails
// when a key is defined twice, or when one language lacks a key another has, so no screen can
// show a raw key.
func LoadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[app.Lang]map[string]string{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	for _, l := range app.Langs {
		m := map[string]string{}
		found := false
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".json") || (name != string(l)+".json" && !strings.HasPrefix(name, string(l)+".")) {
				continue
			}
			found = true
			data, err := fs.ReadFile(fsys, path.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("catalog: %w", err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("catalog %s: key %q is defined in another %s file too", name, k, l)
				}
				m[k] = app.NormalizeText(v)
			}
		}
		if !found {
			return nil, fmt.Errorf("catalog: no %s.json in %s", l, dir)
		}
		c.msgs[l] = m
	}
	var missing []string
	for _, l := range app.Langs {
		for k := range c.msgs[app.VI] {
			if _, ok := c.msgs[l][k]; !ok {
				missing = append(missing, string(l)+":"+k)
			}
		}
		for k := range c.msgs[l] {
			if _, ok := c.msgs[app.VI][k]; !ok {
				missing = append(missing, "vi:"+k)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("catalog: keys missing: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[app.VI][key]; return ok }

// T renders key in lang with args (key, value pairs); an unknown key renders as itself so a
// gap is visible rather than blank.
func (c *Catalog) T(l app.Lang, key string, args ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i]] = args[i+1]
	}
	return c.render(l, key, m)
}

func (c *Catalog) render(l app.Lang, key string, args map[string]string) string {
	t, ok := c.msgs[l][key]
	if !ok {
		if t, ok = c.msgs[app.VI][key]; !ok {
			return key
		}
	}
	for k, v := range args {
		// A role or a state travels in errors as its code; people read its name.
		if k == "role" || k == "state" || k == "reason" {
			if name, ok := c.msgs[l][k+"."+v]; ok {
				v = name
			}
		}
		t = strings.ReplaceAll(t, "{"+k+"}", v)
	}
	if l == app.EN && len(args) > 0 {
		t = englishOne.ReplaceAllString(t, "${1}1 $2")
	}
	return t
}

// englishOne finds a count of one before a plural noun of the English texts ("(1 months)",
// "1 covers printed"): the catalogue writes the plural, and one of anything is singular.
// Vietnamese nouns do not change.
var englishOne = regexp.MustCompile(
	`(^|[^0-9.,])1 (day|month|cover|time|dossier|voucher|operation|record|page|notice|action|problem|item|row|year|account)s\b`,
)

// Warning renders a quote warning ("rule_reported:<table>", "rule_pending:<table>:<YYYY-MM>")
// for a person.
func (c *Catalog) Warning(l app.Lang, w string) string {
	kind, rest, _ := strings.Cut(w, ":")
	table, from, _ := strings.Cut(rest, ":")
	switch kind {
	case "rule_reported":
		return c.T(l, "quote.warning_reported", "table", c.T(l, "table."+table))
	case "rule_pending":
		return c.T(l, "quote.warning_pending", "table", c.T(l, "table."+table), "from", vnMonth(from))
	}
	if c.Has("warn." + w) {
		return c.T(l, "warn."+w)
	}
	return w
}

// Outlook renders a notice about the rule data for an administrator: tables and groups by
// name, months as MM/YYYY.
func (c *Catalog) Outlook(l app.Lang, n app.RuleNotice) string {
	args := make(map[string]string, len(n.Args))
	for k, v := range n.Args {
		switch k {
		case "from", "to", "month":
			v = vnMonth(v)
		case "table":
			v = c.render(l, "table."+v, nil)
		case "group":
			v = c.groupName(l, v, n.Args)
		}
		args[k] = v
	}
	text := c.render(l, "outlook."+n.Code, args)
	if _, ok := n.Args["group"]; ok && n.Code != app.OutlookLocalEnding {
		text += " (" + c.render(l, "outlook.group", map[string]string{"group": args["group"]}) + ")"
	}
	return capitalise(text)
}

// groupName names a state support group, or a province's own group by the name the notice
// carries for the language (group_vi, group_en); its ID when it carries none.
func (c *Catalog) groupName(l app.Lang, g string, args map[string]string) string {
	if _, err := app.ParseSupportGroup(g); err == nil {
		return c.render(l, "group."+g, nil)
	}
	if name := args["group_"+string(l)]; name != "" {
		return name
	}
	return g
}

// capitalise starts a sentence with a capital letter (a notice may begin with a table's name,
// written in lower case for the middle of a sentence).
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// vnMonth writes a YYYY-MM month as MM/YYYY; anything else stays as it is.
func vnMonth(s string) string {
	if m, err := app.ParseMonth(s); err == nil {
		return m.VNString()
	}
	return s
}

// Problem renders a field problem as "label: message".
func (c *Catalog) Problem(l app.Lang, p app.FieldProblem) string {
	return c.render(l, "field."+p.Field, nil) + ": " + c.render(l, "err."+p.Code, p.Args)
}

// Message renders any error for a person: a field problem list joined by line breaks, an *Error
// by its code, anything else as the generic internal message.
func (c *Catalog) Message(l app.Lang, err error) string {
	switch e := err.(type) {
	case *app.ValidationError:
		lines := make([]string, len(e.Problems))
		for i, p := range e.Problems {
			lines[i] = c.Problem(l, p)
		}
		return strings.Join(lines, "\n")
	case *app.Error:
		if e.Field != "" {
			return c.Problem(l, app.FieldProblem{Field: e.Field, Code: e.Code, Args: e.Args})
		}
		return c.render(l, "err."+e.Code, e.Args)
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return c.Message(l, ae)
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		return c.Message(l, ve)
	}
	return c.render(l, "err.internal", nil)
}

// Prefixed returns the texts of a language whose keys start with prefix, keyed without it.
func (c *Catalog) Prefixed(l app.Lang, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range c.msgs[l] {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}
