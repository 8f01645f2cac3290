package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
)

// MaskDigits hides personal numbers in a line of log: in every run of 9 or more digits
// (personal IDs, old social-insurance codes, phone numbers, also written with spaces or dots
// between groups) only the first three digits stay. Logs are read by people who need not know
// who registered (DOMAIN §9: mask IDs in logs).
func MaskDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		// A run of digits, allowing single spaces or dots between groups.
		j, digits := i, 0
		end := i
		for j < len(s) {
			if s[j] >= '0' && s[j] <= '9' {
				digits++
				j++
				end = j
				continue
			}
			if (s[j] == ' ' || s[j] == '.') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
				continue
			}
			break
		}
		run := s[i:end]
		if digits < 9 {
			b.WriteString(run)
		} else {
			kept := 0
			for k := 0; k < len(run); k++ {
				c := run[k]
				switch {
				case c < '0' || c > '9':
					b.WriteByte(c)
				case kept < 3:
					b.WriteByte(c)
					kept++
				default:
					b.WriteByte('*')
				}
			}
		}
		i = end
	}
	return b.String()
}

// NewLogHandler writes text log lines to w, with every message and value passed through
// MaskDigits, so that no log line carries a personal number whatever a caller puts in it.
func NewLogHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return maskHandler{slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: maskAttr})}
}

func maskAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, MaskDigits(a.Value.String()))
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			return slog.String(a.Key, MaskDigits(v.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, MaskDigits(v.String()))
		}
		return slog.String(a.Key, MaskDigits(a.Value.String()))
	}
	return a
}

// maskHandler masks the message too (ReplaceAttr sees it only as the "msg" attribute of text
// output, which it already covers) and attributes added with WithAttrs.
type maskHandler struct{ slog.Handler }

func (h maskHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Message = MaskDigits(r.Message)
	return h.Handler.Handle(ctx, r)
}

func (h maskHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = maskAttr(nil, a)
	}
	return maskHandler{h.Handler.WithAttrs(out)}
}

func (h maskHandler) WithGroup(name string) slog.Handler {
	return maskHandler{h.Handler.WithGroup(name)}
}
