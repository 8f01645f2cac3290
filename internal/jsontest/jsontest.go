// Package jsontest checks that an encoder writes the bytes encoding/json writes, on values of
// given types filled at random with what encoders tend to write differently.
package jsontest

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// SameAsEncodingJSON encodes 300 random values of each sample's type with marshal and with
// encoding/json.Marshal and fails t at the first that differs: awkward text (HTML's <>&,
// quotes, control characters, invalid UTF-8, U+2028, Vietnamese), times in other zones with
// nanoseconds, maps of several keys, empty and nil slices and maps, zero and set times, raw
// messages.
func SameAsEncodingJSON(t *testing.T, marshal func(any) ([]byte, error), samples ...any) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 9))
	for _, sample := range samples {
		typ := reflect.TypeOf(sample)
		for i := range 300 {
			v := reflect.New(typ).Elem()
			fill(rng, v, 0)
			want, wantErr := json.Marshal(v.Interface())
			got, err := marshal(v.Interface())
			if wantErr != nil {
				require.Error(t, err, "%s #%d: encoding/json refuses it (%v)", typ, i, wantErr)
				continue
			}
			require.NoError(t, err, "%s #%d", typ, i)
			require.Equal(t, string(want), string(got), "%s #%d", typ, i)
		}
	}
}

// awkward are strings that encoders tend to write differently.
var awkward = []string{
	"", "Nguyễn Thị Hồng Ánh", `<script>alert("x")</script> & co`, "tab\there\nnewline\r\x00\x1f",
	"bad utf-8: \xff\xfe and a cut \xe1\xba", "line\u2028para\u2029", "emoji 🙂 and \\ backslash",
	"0123456789", "Thôn Yên Định, xóm 29", "\u007f del",
}

// fill sets v to random values of its type (depth bounds nested structs).
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		zones := []*time.Location{time.UTC, time.FixedZone("ICT", 7*3600), time.FixedZone("", -90*60)}
		if rng.IntN(5) > 0 {
			v.Set(reflect.ValueOf(time.Date(1990+rng.IntN(60), time.Month(1+rng.IntN(12)), 1+rng.IntN(28),
				rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*rng.IntN(1e9), zones[rng.IntN(len(zones))])))
		}
		return
	}
	if v.Type() == reflect.TypeOf(json.RawMessage(nil)) {
		raws := []string{`{"a":1,"b":"<&>"}`, `null`, `[1,2,"x"]`, `"Nguyễn"`, `{"n":{"m":[true,false]}}`}
		if rng.IntN(4) > 0 {
			v.Set(reflect.ValueOf(json.RawMessage(raws[rng.IntN(len(raws))])))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(awkward[rng.IntN(len(awkward))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if rng.IntN(3) > 0 {
			v.SetInt(rng.Int64N(1<<40) - 1<<39)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rng.IntN(3) > 0 {
			v.SetUint(rng.Uint64() >> (64 - v.Type().Bits()))
		}
	case reflect.Float32, reflect.Float64:
		v.SetFloat(rng.NormFloat64() * 1e6)
	case reflect.Pointer:
		if depth < 3 && rng.IntN(2) == 0 {
			p := reflect.New(v.Type().Elem())
			fill(rng, p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.Slice:
		switch n := rng.IntN(4); {
		case n == 0: // nil
		case depth >= 3:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fill(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		if n := rng.IntN(4); n > 0 {
			m := reflect.MakeMapWithSize(v.Type(), n)
			for range n - 1 {
				k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				fill(rng, k, depth+1)
				fill(rng, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	}
}
