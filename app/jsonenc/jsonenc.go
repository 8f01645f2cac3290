// Package jsonenc encodes JSON byte for byte as encoding/json.Marshal does, with
// github.com/segmentio/encoding's faster encoder wherever it writes the same bytes.
//
// The desk's stores, the audit chain's hashed entries and the operations sent to the centre are
// bytes already written in the field: an encoder that wrote them differently would change a
// record's format. segmentio's encoder (v0.5.4) matches encoding/json on HTML escaping, invalid
// UTF-8, U+2028/U+2029, sorted map keys, times and raw messages, but does not know the
// "omitzero" option (Go 1.24): a type with such a field anywhere inside it is encoded by
// encoding/json.
package jsonenc

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	segjson "github.com/segmentio/encoding/json"
)

// Marshal encodes v as encoding/json.Marshal would. A raw message inside v (json.RawMessage)
// is taken to be valid JSON, as json.Marshal or a decoder made it: it is compacted and
// HTML-escaped, not parsed.
func Marshal(v any) ([]byte, error) {
	if v == nil || needsStd(reflect.TypeOf(v)) {
		return json.Marshal(v)
	}
	return segjson.Append(nil, v, segjson.EscapeHTML|segjson.SortMapKeys|segjson.TrustRawMessage)
}

// std records, per type, whether encoding/json must encode it.
var std sync.Map // reflect.Type → bool

// needsStd reports whether t has an "omitzero" field anywhere inside it.
func needsStd(t reflect.Type) bool {
	if v, ok := std.Load(t); ok {
		return v.(bool)
	}
	v := omitZeroIn(t, map[reflect.Type]bool{})
	std.Store(t, v)
	return v
}

func omitZeroIn(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return omitZeroIn(t.Elem(), seen)
	case reflect.Map:
		return omitZeroIn(t.Key(), seen) || omitZeroIn(t.Elem(), seen)
	case reflect.Interface:
		return true // what it holds is known only then: encoding/json decides
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if _, opts, _ := strings.Cut(f.Tag.Get("json"), ","); hasOption(opts, "omitzero") {
				return true
			}
			if omitZeroIn(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}
