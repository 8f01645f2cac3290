package jsoncols

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dossierLike builds a batch shaped like a push: operations with nested objects, arrays of
// objects, optional fields, Vietnamese strings with escapes, numbers of every form.
func dossierLike(r *rand.Rand, n int) []byte {
	names := []string{"Nguyễn Thị Hồng Ánh", "Đỗ Thanh Hương", "Trần \"Bé\" Tư", "Lê\\Văn\nMột", "<Hoàng> & Xuân", ""}
	var ops []map[string]any
	for i := range n {
		payload := map[string]any{
			"code": fmt.Sprintf("01001-260105-D6%04d", i),
			"form": map[string]any{
				"full_name":   names[r.IntN(len(names))],
				"personal_id": fmt.Sprintf("%012d", r.Int64N(1e12)),
				"income":      1500000 + 50000*r.IntN(40),
			},
			"quote": map[string]any{
				"rate":     0.22,
				"warnings": []string{},
				"rules":    []map[string]any{{"table": "contribution", "ok": true}, {"table": "x", "ok": false, "v": nil}},
			},
			"steps":  []any{},
			"nested": []any{[]any{1, -2.5e-3, "a"}, map[string]any{}},
		}
		if r.IntN(3) == 0 {
			payload["optional"] = map[string]any{"reason": "thiếu giấy tờ"}
		}
		p, _ := json.Marshal(payload)
		ops = append(ops, map[string]any{"op_id": fmt.Sprintf("%08x", r.Uint32()), "hlc": r.Uint64(), "payload": json.RawMessage(p)})
	}
	b, _ := json.Marshal(map[string]any{"ops": ops, "cursor": 12, "compact": true})
	return b
}

func TestRoundTripIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][]byte{
		[]byte(`null`), []byte(`0`), []byte(`"x"`), []byte(`[]`), []byte(`{}`), []byte(`[[],{},[{}]]`),
		[]byte(`{"a":{"b":[1,2,3]},"a2":{"b":[true,false,null]}}`),
		[]byte(`[{"k":"v"},{"k":1},{"k":{"x":1}},{"k":[]}]`), // one path, values of every kind
		[]byte(`{"":"","\"#\"":"#","\\u00e1":"\u00e1"}`),
		dossierLike(r, 1), dossierLike(r, 300),
	}
	for i, c := range cases {
		enc, err := Encode(c)
		require.NoError(t, err, "case %d", i)
		dec, err := Decode(enc, 1<<30)
		require.NoError(t, err, "case %d", i)
		assert.Equal(t, string(c), string(dec), "case %d", i)
	}
}

func TestGroupsValuesByField(t *testing.T) {
	b := dossierLike(rand.New(rand.NewPCG(3, 4)), 50)
	enc, err := Encode(b)
	require.NoError(t, err)
	// All personal IDs sit together in one column: from the first to the last, nothing else.
	var v struct {
		Ops []struct {
			Payload struct {
				Form struct {
					PersonalID string `json:"personal_id"`
				} `json:"form"`
			} `json:"payload"`
		} `json:"ops"`
	}
	require.NoError(t, json.Unmarshal(b, &v))
	var ids []string
	for _, op := range v.Ops {
		ids = append(ids, `"`+op.Payload.Form.PersonalID+`"`)
	}
	assert.Contains(t, string(enc), strings.Join(ids, "\n"))
}

func TestRefusesWhatIsNotOneCompactValue(t *testing.T) {
	for _, bad := range []string{``, `{"a": 1}`, `[1, 2]`, `{"a":1} `, `{"a":1}{}`, `{"a"1}`, `{"a":1,}`, `[1,]`, `"open`,
		"\"tab\there\"", `tru`, `{1:2}`, `#`, `{"a":[1}`, strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2)} {
		_, err := Encode([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}

func TestDecodeRefusesDamagedInputAndHonoursTheLimit(t *testing.T) {
	b := dossierLike(rand.New(rand.NewPCG(5, 6)), 20)
	enc, err := Encode(b)
	require.NoError(t, err)
	_, err = Decode(enc, len(b)-1)
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Decode(enc, len(b))
	assert.NoError(t, err)
	// Every truncation fails; no single flipped byte panics, and what decodes is the same length
	// or an error.
	for n := range len(enc) {
		_, err := Decode(enc[:n], 1<<30)
		assert.Error(t, err, "cut at %d", n)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		m := bytes.Clone(enc)
		m[r.IntN(len(m))] ^= byte(1 + r.IntN(255))
		_, _ = Decode(m, 1<<30)
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(`{"a":[1,"b",{"c":null}]}`))
	f.Add(dossierLike(rand.New(rand.NewPCG(9, 9)), 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		enc, err := Encode(b)
		if err != nil {
			return
		}
		dec, err := Decode(enc, 1<<30)
		if err != nil || !bytes.Equal(dec, b) {
			t.Fatalf("round trip of %q: %q, %v", b, dec, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	enc, _ := Encode([]byte(`{"a":[1,"b",{"c":null}],"d":[{"a":1},{"a":2}]}`))
	f.Add(enc)
	f.Fuzz(func(_ *testing.T, b []byte) {
		_, _ = Decode(b, 1<<20)
	})
}

func TestBoundsTheFieldsOfOneValue(t *testing.T) {
	var b strings.Builder
	b.WriteByte('{')
	for i := range maxPaths + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":1`, i)
	}
	b.WriteByte('}')
	_, err := Encode([]byte(b.String()))
	assert.ErrorIs(t, err, ErrTooManyPaths)

	// A decoder is not made to allocate for columns no shape can use.
	forged := []byte(magic)
	forged = append(forged, 1, '#')
	forged = binaryUvarint(forged, maxPaths+1)
	for range maxPaths + 1 {
		forged = append(forged, 0)
	}
	_, err = Decode(forged, 1<<20)
	assert.Error(t, err)
}

func binaryUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
