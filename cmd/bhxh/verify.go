package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // scans and photos of a printout
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/pdf"
	"bhxhdesk/seal"
)

func init() {
	register(command{"verify", "verify    FILE.pdf|--qr TEXT [--json]", (*cli).verify})
}

// sealReport is the JSON answer for one QR code.
type sealReport struct {
	Valid     bool         `json:"valid"`
	Outcome   seal.Outcome `json:"outcome"`
	Status    string       `json:"status"` // "final", "provisional", or "" when the text does not decode
	Reason    string       `json:"reason"`
	MessageVI string       `json:"message_vi"`
	MessageEN string       `json:"message_en"`
	QR        string       `json:"qr"`
	Fields    *sealFields  `json:"fields"`
}

// sealFields are the decoded contents of a seal, and what the verifier knows of its key.
type sealFields struct {
	BookNumber string `json:"book_number"`
	PersonalID string `json:"personal_id"` // masked
	FullName   string `json:"full_name"`
	BirthDate  string `json:"birth_date"`
	Office     string `json:"office"`
	Issued     string `json:"issued"`
	KeyID      string `json:"key_id"`
	Device     string `json:"device,omitempty"`
	KeyOffice  string `json:"key_office,omitempty"`
}

// verify checks the signed QR code of printed book-cover confirmations offline: in a PDF this
// program printed (every code of a batch), in a scan or photo (PNG, JPEG), or as the text a
// phone read (--qr, repeatable). Exit 0 when every code is valid, 1 when one is forged, of an
// unknown, revoked or expired key, or malformed, 2 when the file cannot be read or holds no
// code.
func (c *cli) verify(args []string) int {
	fset := c.flagSet("verify")
	var texts stringList
	fset.Var(&texts, "qr", "the text read from the QR code (repeatable)")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil {
		return c.usageError("verify: %v", err)
	}
	if len(pos) > 1 || (len(pos) == 1) == (len(texts) > 0) {
		return c.usageError("verify: cần một tệp PDF hoặc --qr / want one FILE.pdf or --qr TEXT")
	}
	keys, err := c.trustedKeys()
	if err != nil {
		return c.usageError("verify: %v", err)
	}
	if len(pos) == 1 {
		found, err := readCodes(pos[0])
		if err != nil {
			return c.unreadable(pos[0], err, *asJSON)
		}
		texts = found
	}
	now := c.now()
	reports := make([]sealReport, len(texts))
	code := exitOK
	for i, text := range texts {
		// Scanner apps and terminals add spaces and line ends; the seal itself has none.
		reports[i] = c.report(keys.Verify(strings.TrimSpace(text), now), strings.TrimSpace(text))
		if !reports[i].Valid {
			code = exitInvalid
		}
	}
	if *asJSON {
		if len(reports) == 1 {
			return max(code, c.writeJSON(reports[0]))
		}
		return max(code, c.writeJSON(reports))
	}
	if len(reports) > 1 {
		fmt.Fprintln(c.stdout, c.t("verify.qr_count", "count", strconv.Itoa(len(reports))))
	}
	for i, r := range reports {
		if len(reports) > 1 {
			fmt.Fprintf(c.stdout, "\n%d. ", i+1)
		}
		c.printReport(r)
	}
	return code
}

// trustedKeys is the rule data's keys (embedded and --rules), and with --data the desk's
// trusted_keys.json when it exists.
func (c *cli) trustedKeys() (*seal.TrustedKeys, error) {
	if c.dataDir == "" {
		return c.ref.Keys, nil
	}
	path := filepath.Join(c.dataDir, desk.TrustedKeysFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c.ref.Keys, nil
	}
	if err != nil {
		return nil, err
	}
	extra, err := seal.ParseTrustedKeys(data)
	if err != nil {
		// A damaged file of the desk's keys: the rule data's keys still verify.
		fmt.Fprintf(c.stderr, "bhxh: %s: %v; left out\n", path, err)
		extra = nil
	}
	keys, err := seal.NewTrustedKeys(c.ref.Keys.All(), extra)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range append(c.ref.Keys.Warnings(), keys.Warnings()...) {
		fmt.Fprintf(c.stderr, "bhxh: %s\n", w)
	}
	return keys, nil
}

// maxVerifyFile is the largest file verify reads: a printed confirmation or its photo is far
// smaller.
const maxVerifyFile = 64 << 20

// readCodes reads the QR codes of a PDF, or of a PNG or JPEG image.
func readCodes(path string) ([]string, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxVerifyFile {
		return nil, app.Errorf(app.Invalid, app.CodeFileTooLarge, "max", "64 MB")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\n\r "), []byte("%PDF-")) {
		return pdf.ReadQR(data)
	}
	// The size an image claims is checked before it is decoded: a few kilobytes may claim
	// gigapixels.
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, app.Errorf(app.Invalid, app.CodeVerifyNotPdfOrImage)
	}
	if err := pdf.CheckImageSize(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, app.Errorf(app.Invalid, app.CodeVerifyNotPdfOrImage)
	}
	return pdf.DecodeQR(img)
}

// unreadable reports a file that cannot be checked (exit 2), with the reason in both languages.
func (c *cli) unreadable(path string, err error, asJSON bool) int {
	var e *app.Error
	if !errors.As(err, &e) {
		e = app.Errorf(app.Invalid, app.CodePdfUnreadable, "detail", err.Error())
		var pe *fs.PathError
		if errors.As(err, &pe) {
			e.Args["detail"] = pe.Err.Error()
		}
	}
	vi, en := c.ref.Catalog.Message(app.VI, e), c.ref.Catalog.Message(app.EN, e)
	if asJSON {
		_ = c.writeJSON(map[string]any{"valid": false, "reason": e.Code, "message_vi": vi, "message_en": en, "file": path})
	} else {
		msg := vi
		if c.lang == app.EN {
			msg = en
		}
		fmt.Fprintf(c.stderr, "bhxh: verify %s: %s\n", path, msg)
	}
	return exitUsage
}

func (c *cli) report(v seal.Verification, text string) sealReport {
	r := sealReport{Valid: v.Valid(), Outcome: v.Outcome, Reason: v.Reason, QR: text,
		MessageVI: v.Message(c.ref.Catalog, app.VI), MessageEN: v.Message(c.ref.Catalog, app.EN)}
	if !v.Decoded {
		return r
	}
	s := v.Seal
	r.Status = s.Status.String()
	r.Fields = &sealFields{BookNumber: s.BookNumber(), PersonalID: s.MaskedID(), FullName: s.Name,
		BirthDate: s.BirthDate.String(), Office: s.Office, Issued: s.Issued.Format(time.RFC3339), KeyID: s.Key.String()}
	if v.KeyKnown {
		r.Fields.Device, r.Fields.KeyOffice = v.Key.Device, v.Key.Office
	}
	return r
}

func (c *cli) printReport(r sealReport) {
	msg := r.MessageVI
	if c.lang == app.EN {
		msg = r.MessageEN
	}
	fmt.Fprintf(c.stdout, "%s — %s\n", c.t("verify.outcome."+string(r.Outcome)), msg)
	if r.Fields == nil {
		return
	}
	f := r.Fields
	w := tabwriter.NewWriter(c.stdout, 0, 2, 2, ' ', 0)
	rows := [][2]string{
		{"verify.field.status", c.t("verify.status." + r.Status)},
		{"verify.field.book_number", f.BookNumber},
		{"verify.field.personal_id", f.PersonalID},
		{"verify.field.full_name", f.FullName},
		{"verify.field.birth_date", f.BirthDate},
		{"verify.field.office", f.Office},
		{"verify.field.issued", f.Issued},
		{"verify.field.key", f.KeyID},
	}
	if f.Device != "" {
		rows = append(rows, [2]string{"verify.field.device", f.Device + " (" + f.KeyOffice + ")"})
	}
	for _, row := range rows {
		fmt.Fprintf(w, "  %s\t%s\n", c.t(row[0]), row[1])
	}
	_ = w.Flush()
	if r.Valid {
		fmt.Fprintln(c.stdout, c.t("verify.compare"))
	}
}
