// Command bhxh is the headless command line of the offline voluntary-insurance desk: quotes,
// validation and deadlines for scripts and checks (DESIGN.md §5). It needs no display and no cgo.
//
// Exit status: 0 success; 1 the input was understood but is invalid or refused by a rule; 2 usage
// error or unreadable input. With --json the output is one JSON value on stdout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/storage"
)

const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

var version = "dev"

func main() {
	storage.LimitMemory(0)
	os.Exit(run(os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv}))
}

// env is what a command may touch of the outside world; tests supply their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
	// kdf is the password-hashing cost of new accounts; storage.DefaultKDF when zero (tests
	// use a cheap one).
	kdf storage.KDF
}

// cli is one invocation: the loaded reference data and the global options.
type cli struct {
	env
	ref *assets.Reference
	// rulesDirs are the administrator's --rules folders the reference data was loaded with.
	rulesDirs []iofs.FS
	lang      app.Lang
	dataDir   string // --data, "" for the default folder
	storeDir  string // --data, or the default folder
	storeErr  error  // why there is no default folder
}

// command is one subcommand: its usage line (after "bhxh ") and what it runs. Each file adds its
// commands to the registry in an init function, in the order the usage lists them.
type command struct {
	name  string
	usage string
	run   func(c *cli, args []string) int
}

var commands []command

func register(cmds ...command) { commands = append(commands, cmds...) }

func init() {
	register(
		command{"calc", "calc      --income N --method M --group G --month YYYY-MM [--province P] [--local-group ID] [--support-used N]\n" +
			"            [--paid-on YYYY-MM-DD] [--json]", (*cli).calc},
		command{"rules", "rules     [--from YYYY-MM] [--to YYYY-MM] [--province P] [--markdown|--json]", (*cli).rules},
		command{"validate", "validate  [FILE|-] [--json]", (*cli).validate},
		command{"deadline", "deadline  --received RFC3339 [--province P] [--days N] [--json]", (*cli).deadline},
	)
}

const usageHead = `bhxh — bàn tiếp nhận BHXH tự nguyện (offline voluntary-insurance desk) %s

Cách dùng / usage:
  bhxh [--lang vi|en] [--rules DIR] [--data DIR] COMMAND [flags]

Lệnh / commands:
`

const usageTail = `  version

Store commands read the officer's credentials from BHXH_USER / BHXH_PASSWORD (asked on a terminal
when unset). Exit: 0 ok; 1 invalid by a rule; 2 usage error or unreadable input.
`

func printUsage(w io.Writer) {
	fmt.Fprintf(w, usageHead, version)
	for _, c := range commands {
		fmt.Fprintln(w, "  "+c.usage)
	}
	fmt.Fprint(w, usageTail)
}

func run(args []string, e env) int {
	global := flag.NewFlagSet("bhxh", flag.ContinueOnError)
	global.SetOutput(e.stderr)
	lang := global.String("lang", "", "language of messages: vi (default) or en")
	rulesDir := global.String("rules", "", "folder of rule files that replace the embedded ones")
	dataDir := global.String("data", "", "data folder of the office store (default: the user's data folder)")
	global.Usage = func() { printUsage(e.stderr) }
	if err := global.Parse(args); err != nil {
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		global.Usage()
		return exitUsage
	}
	c := &cli{env: e, lang: app.VI, dataDir: *dataDir}
	switch l := firstNonEmpty(*lang, e.getenv("BHXH_LANG")); l {
	case "", "vi":
	case "en":
		c.lang = app.EN
	default:
		fmt.Fprintf(e.stderr, "bhxh: --lang %q: dùng vi hoặc en / use vi or en\n", l)
		return exitUsage
	}
	var overrides []iofs.FS
	if *rulesDir != "" {
		if st, err := os.Stat(*rulesDir); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stderr, "bhxh: --rules %s: không phải thư mục / not a folder\n", *rulesDir)
			return exitUsage
		}
		overrides = append(overrides, os.DirFS(*rulesDir))
	}
	dir := *dataDir
	if dir == "" {
		var derr error
		if dir, derr = desk.DefaultDataDir(); derr != nil {
			c.storeErr = derr // store commands say so; the rule commands need no folder
		}
	}
	c.storeDir = dir
	// Reference data the centre sent to this desk applies to every command, under the
	// administrator's --rules folder.
	ref, err := desk.LoadReference(dir, overrides...)
	if err != nil {
		// Inconsistent rule data must stop every command: a quote under broken rules is worse
		// than none.
		fmt.Fprintf(e.stderr, "bhxh: dữ liệu quy định lỗi / rule data is inconsistent: %v\n", err)
		return exitUsage
	}
	c.ref, c.rulesDirs = ref, overrides
	cmd, cargs := rest[0], rest[1:]
	for _, k := range commands {
		if k.name == cmd {
			return k.run(c, cargs)
		}
	}
	switch cmd {
	case "version":
		fmt.Fprintln(e.stdout, version)
		return exitOK
	case "help", "-h", "--help":
		global.Usage()
		return exitOK
	}
	fmt.Fprintf(e.stderr, "bhxh: lệnh không có / unknown command %q\n", cmd)
	global.Usage()
	return exitUsage
}

// parseInterspersed parses flags that may come before or after positional arguments
// ("validate file.json --json"), returning the positional ones.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *cli) usageError(format string, a ...any) int {
	fmt.Fprintf(c.stderr, "bhxh: "+format+"\n", a...)
	return exitUsage
}

// problem is one broken rule as the JSON output shows it.
type problem struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	MessageVI string `json:"message_vi"`
	MessageEN string `json:"message_en"`
}

// problems lists an error's field problems with both languages' messages.
func (c *cli) problems(err error) []problem {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		out := make([]problem, len(ve.Problems))
		for i, p := range ve.Problems {
			out[i] = problem{p.Field, p.Code, c.ref.Catalog.Problem(app.VI, p), c.ref.Catalog.Problem(app.EN, p)}
		}
		return out
	}
	var e *app.Error
	if errors.As(err, &e) {
		return []problem{{e.Field, e.Code, c.ref.Catalog.Message(app.VI, e), c.ref.Catalog.Message(app.EN, e)}}
	}
	return []problem{{"", "internal", c.ref.Catalog.Message(app.VI, err), c.ref.Catalog.Message(app.EN, err)}}
}

func (c *cli) printProblems(ps []problem) {
	for _, p := range ps {
		msg := p.MessageVI
		if c.lang == app.EN {
			msg = p.MessageEN
		}
		fmt.Fprintln(c.stdout, "  - "+msg)
	}
}

func (c *cli) t(key string, args ...string) string { return c.ref.Catalog.T(c.lang, key, args...) }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// flagSet is a command's flags, their problems told on standard error.
func (c *cli) flagSet(name string) *flag.FlagSet {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	return fset
}

// jsonInput reads the arguments of a command that takes one JSON input (a file, or standard
// input when none is named) and --json; code is the exit status when the command must end now.
func (c *cli) jsonInput(name string, args []string) (data []byte, asJSON *bool, code int) {
	fset := c.flagSet(name)
	asJSON = fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) > 1 {
		return nil, asJSON, c.usageError("%s: %v", name, firstErr(err, pos))
	}
	if data, err = c.readInput(pos); err != nil {
		return nil, asJSON, c.usageError("%s: %v", name, err)
	}
	return data, asJSON, 0
}
