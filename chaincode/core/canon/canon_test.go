package canon

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

type tranche struct {
	Name       string          `json:"name"`
	Face       money.Amount    `json:"face"`
	Coupon     decimal.Decimal `json:"coupon"`
	MinHolding int64           `json:"minHolding"`
	Tags       map[string]int  `json:"tags,omitempty"`
}

type deal struct {
	ID       string    `json:"id"`
	Closing  time.Time `json:"closing"`
	Tranches []tranche `json:"tranches"`
	Internal string    `json:"-"`
	Counter  int64     `json:"counter,string,omitempty"`
}

func TestMarshalSortsEveryObject(t *testing.T) {
	d := deal{
		ID:      "D1",
		Closing: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		Tranches: []tranche{{
			Name: "A", Face: money.FromMajor(1000), Coupon: decimal.RequireFromString("0.0425"), MinHolding: 100,
			Tags: map[string]int{"z": 1, "a": 2, "M": 3},
		}},
		Internal: "never written",
	}
	got, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"closing":"2026-03-31T00:00:00Z","id":"D1","tranches":[{"coupon":"0.0425","face":"1000.00","minHolding":100,"name":"A","tags":{"M":3,"a":2,"z":1}}]}`
	if string(got) != want {
		t.Fatalf("Marshal:\n got %s\nwant %s", got, want)
	}
}

func TestMarshalIsIndependentOfMapInsertionOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = randomString(rng, 6) + "#" + strconv.Itoa(i)
	}
	var first []byte
	for round := 0; round < 5; round++ {
		m := map[string]any{}
		for _, i := range rng.Perm(len(keys)) {
			m[keys[i]] = []any{int64(i), keys[i], map[string]bool{keys[i]: true}}
		}
		b, err := Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("round %d: bytes differ", round)
		}
	}
}

func TestStringEscapingMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	special := []string{"\"", "\\", "/", "<", ">", "&", "\u2028", "\u2029", "\x7f", "é", "😀", "\x00", "\x1f", "\b", "\f", "\n", "\r", "\t", "a", " "}
	for i := 0; i < 2000; i++ {
		var sb strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			sb.WriteString(special[rng.Intn(len(special))])
		}
		s := sb.String()
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		got, err := Marshal(s)
		if err != nil || string(got) != want {
			t.Fatalf("Marshal(%q) = %s, %v; encoding/json writes %s", s, got, err, want)
		}
		// The canonical form of any other spelling of the same string is the same.
		var alt strings.Builder
		alt.WriteByte('"')
		for _, r := range s {
			alt.WriteString(`\u` + hex4String(r))
		}
		alt.WriteByte('"')
		if c, err := Canonicalize([]byte(alt.String())); err != nil || string(c) != want {
			t.Fatalf("Canonicalize(%s) = %s, %v; want %s", alt.String(), c, err, want)
		}
	}
}

// hex4String spells r as one or two \u escapes (without the first \u).
func hex4String(r rune) string {
	const h = "0123456789abcdef"
	enc := func(v rune) string {
		return string([]byte{h[v>>12&0xF], h[v>>8&0xF], h[v>>4&0xF], h[v&0xF]})
	}
	if r < 0x10000 {
		return enc(r)
	}
	r -= 0x10000
	return enc(0xD800+(r>>10)) + `\u` + enc(0xDC00+(r&0x3FF))
}

type selfMarshaler struct{ out string }

func (s selfMarshaler) MarshalJSON() ([]byte, error) { return []byte(s.out), nil }

func TestMarshalRefusesFloats(t *testing.T) {
	type withFloat struct {
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	type nested struct {
		Inner *withFloat `json:"inner"`
	}
	type embedsFloat struct {
		withFloat
		Other int
	}
	tests := []struct {
		name string
		v    any
		path string
	}{
		{"top-level float", 1.5, ""},
		{"integral float", float64(3), ""},
		{"float32", float32(2), ""},
		{"zero float field", withFloat{Name: "x"}, "price"},
		{"through pointer", nested{Inner: &withFloat{}}, "inner.price"},
		{"in map of any", map[string]any{"b": int64(1), "a": []any{"x", 2.0}}, "a[1]"},
		{"in slice of any", []any{int64(1), map[string]any{"rate": 0.05}}, "[1].rate"},
		{"embedded struct", embedsFloat{}, "withFloat.price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Marshal(tt.v)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Internal || e.Field != tt.path {
				t.Fatalf("Marshal: got %v (field %q), want INTERNAL at %q", err, fieldOf(err), tt.path)
			}
			if _, err := Hash(tt.v); err == nil {
				t.Fatal("Hash must fail too")
			}
		})
	}
	// A nil pointer to a float-holding struct reaches no float.
	if _, err := Marshal(nested{}); err != nil {
		t.Fatalf("nil pointer: %v", err)
	}
}

func TestMarshalChecksSelfMarshalers(t *testing.T) {
	if _, err := Marshal(selfMarshaler{`1.5`}); !errs.Is(err, errs.Internal) {
		t.Fatalf("fraction from MarshalJSON: got %v", err)
	}
	if _, err := Marshal(selfMarshaler{`{"a":1,"a":2}`}); !errs.Is(err, errs.Internal) {
		t.Fatalf("duplicate key from MarshalJSON: got %v", err)
	}
	got, err := Marshal(map[string]selfMarshaler{"k": {`{ "b": 1, "a": [ 2 ] }`}})
	if err != nil || string(got) != `{"k":{"a":[2],"b":1}}` {
		t.Fatalf("got %s, %v", got, err)
	}
}

func TestHash(t *testing.T) {
	v := map[string]any{"b": "2", "a": int64(1)}
	h, err := Hash(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256([]byte(`{"a":1,"b":"2"}`)); h != want {
		t.Fatalf("Hash = %x, want %x", h, want)
	}
	hx, err := HashHex(v)
	if err != nil || hx != hex.EncodeToString(h[:]) {
		t.Fatalf("HashHex = %s, %v", hx, err)
	}
	if _, err := HashHex(1.5); err == nil {
		t.Fatal("HashHex of a float must fail")
	}
}

func TestCanonicalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{` { "b" : [ 1 , { "d" : null , "c" : true } ] , "a" : "x" } `, `{"a":"x","b":[1,{"c":true,"d":null}]}`},
		{`"\u0041\/\u00e9\ud83d\ude00"`, `"A/é😀"`},
		{`"\u2028<>&"`, `"\u2028<>&"`},
		{`"` + "\u2029" + `"`, `"\u2029"`},
		{`-0`, `0`},
		{`[-12, 0, 9007199254740993123]`, `[-12,0,9007199254740993123]`},
		{`{}`, `{}`},
		{`[]`, `[]`},
		{`{"é":1,"e":2,"z":3,"E":4}`, `{"E":4,"e":2,"z":3,"é":1}`},
		{`{"\"":1,"#":2}`, `{"\"":1,"#":2}`},
		{"\n\t false \r\n", `false`},
	}
	for _, tt := range tests {
		got, err := Canonicalize([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Canonicalize(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestCanonicalizeRefuses(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	tests := []struct{ name, in, field, msg string }{
		{"empty", ``, "", "unexpected end of input"},
		{"only space", `   `, "", "unexpected end of input"},
		{"trailing data", `{} {}`, "", "data after the top-level value"},
		{"fraction", `{"rate":0.05}`, "rate", "not an integer"},
		{"exponent", `[1e3]`, "[0]", "not an integer"},
		{"leading zero", `[01]`, "[0]", "leading zero"},
		{"bare minus", `-`, "", "expected a digit"},
		{"duplicate adjacent", `{"a":1,"a":2}`, "a", "duplicate key"},
		{"duplicate far apart", `{"b":1,"a":2,"b":3}`, "b", "duplicate key"},
		{"duplicate by escape", `{"a":1,"\u0061":2}`, "a", "duplicate key"},
		{"nested duplicate", `{"x":[{"k":1,"k":1}]}`, "x[0].k", "duplicate key"},
		{"invalid utf8", "\"\xff\"", "", "invalid UTF-8"},
		{"control char", "\"a\x01\"", "", "control character"},
		{"lone high surrogate", `"\ud800x"`, "", "lone UTF-16 surrogate"},
		{"lone low surrogate", `"\udc00"`, "", "lone UTF-16 surrogate"},
		{"bad escape", `"\x"`, "", "invalid escape"},
		{"bad unicode escape", `"\u12g4"`, "", `invalid \u escape`},
		{"unterminated string", `"abc`, "", "unexpected end of input in string"},
		{"unterminated object", `{"a":1`, "", "unexpected end of input in object"},
		{"missing colon", `{"a" 1}`, "", "expected ':'"},
		{"non-string key", `{1:2}`, "", "expected a string object key"},
		{"trailing comma", `[1,]`, "[1]", "looking for a value"},
		{"bad literal", `[nul]`, "[0]", "expected null"},
		{"single quotes", `'a'`, "", "looking for a value"},
		{"too deep", deep, strings.Repeat("[0]", maxDepth), "nested deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonicalize([]byte(tt.in))
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.BadInput {
				t.Fatalf("got %v, want BAD_INPUT", err)
			}
			if e.Field != tt.field || !strings.Contains(e.Msg, tt.msg) {
				t.Fatalf("got field %q msg %q; want field %q msg containing %q", e.Field, e.Msg, tt.field, tt.msg)
			}
		})
	}
}

// TestCanonicalizeProperty builds random JSON trees, writes each in many
// spellings (member order, whitespace, escapes) and checks they all
// canonicalize to the same bytes, equal to Marshal of the tree.
func TestCanonicalizeProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < 300; i++ {
		tree := randomTree(rng, 4)
		want, err := Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 4; j++ {
			spelling := spell(rng, tree)
			got, err := Canonicalize([]byte(spelling))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("tree %d spelling %d:\n in  %s\n got %s, %v\nwant %s", i, j, spelling, got, err, want)
			}
		}
		again, err := Canonicalize(want)
		if err != nil || !bytes.Equal(again, want) {
			t.Fatalf("canonical form is not a fixed point: %s", again)
		}
	}
}

func randomTree(rng *rand.Rand, depth int) any {
	switch k := rng.Intn(7); {
	case depth == 0 || k == 0:
		return int64(rng.Intn(2001) - 1000)
	case k == 1:
		return randomString(rng, 5)
	case k == 2:
		return rng.Intn(2) == 0
	case k == 3:
		return nil
	case k == 4:
		a := make([]any, rng.Intn(4))
		for i := range a {
			a[i] = randomTree(rng, depth-1)
		}
		return a
	default:
		m := map[string]any{}
		for n := rng.Intn(5); n > 0; n-- {
			m[randomString(rng, 3)] = randomTree(rng, depth-1)
		}
		return m
	}
}

func randomString(rng *rand.Rand, max int) string {
	alphabet := []rune{'a', 'b', 'Z', '0', ' ', '"', '\\', '/', '\n', 'é', '€', '😀', '\u2028', '\x01', '<'}
	n := rng.Intn(max + 1)
	r := make([]rune, n)
	for i := range r {
		r[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(r)
}

// spell writes v as JSON with random member order, whitespace and escapes.
func spell(rng *rand.Rand, v any) string {
	ws := func() string { return []string{"", " ", "\n", "\t ", "\r\n"}[rng.Intn(5)] }
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = ws() + spellString(rng, k) + ws() + ":" + spell(rng, x[k])
		}
		return ws() + "{" + strings.Join(parts, ",") + ws() + "}" + ws()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = spell(rng, e)
		}
		return ws() + "[" + strings.Join(parts, ",") + ws() + "]" + ws()
	case string:
		return ws() + spellString(rng, x) + ws()
	default:
		b, _ := json.Marshal(x)
		return ws() + string(b) + ws()
	}
}

func spellString(rng *rand.Rand, s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || rng.Intn(3) == 0:
			b.WriteString(`\u` + hex4String(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

type base struct {
	Owner  string `json:"owner"`
	Shadow string `json:"shadow"`
}

type strictTarget struct {
	base
	ID       string           `json:"id"`
	Units    int64            `json:"units"`
	Amount   money.Amount     `json:"amount"`
	Rate     decimal.Decimal  `json:"rate"`
	When     time.Time        `json:"when"`
	Limits   map[string]int64 `json:"limits"`
	Items    []tranche        `json:"items"`
	Shadow   int              `json:"shadow"`
	Count    int64            `json:"count,string"`
	Opt      *tranche         `json:"opt"`
	Any      any              `json:"any"`
	Hidden   string           `json:"-"`
	untagged string
}

func TestUnmarshalStrict(t *testing.T) {
	tests := []struct {
		name, in, field, msg string
	}{
		{"unknown field", `{"id":"x","idd":1}`, "idd", "unknown field; known fields: amount, any, count, id, items, limits, opt, owner, rate, shadow, units, when"},
		{"case differs", `{"ID":"x"}`, "ID", "unknown field"},
		{"dash field", `{"Hidden":"x"}`, "Hidden", "unknown field"},
		{"unexported field", `{"untagged":"x"}`, "untagged", "unknown field"},
		{"unknown nested", `{"items":[{"name":"A"},{"nmae":"B"}]}`, "items[1].nmae", "unknown field"},
		{"unknown under pointer", `{"opt":{"x":1}}`, "opt.x", "unknown field"},
		{"duplicate", `{"units":1,"id":"a","units":2}`, "units", "duplicate key"},
		{"float", `{"units":1.0}`, "units", "not an integer"},
		{"float amount", `{"amount":12.5}`, "amount", "not an integer"},
		{"trailing", `{"id":"a"}x`, "", "data after the top-level value"},
		{"type mismatch", `{"units":"5"}`, "units", "expected int64, got JSON string"},
		{"nested type mismatch", `{"items":[{"name":"A"},{"minHolding":true}]}`, "items[1].minHolding", "expected int64, got JSON bool"},
		{"object for array", `{"items":{}}`, "items", "expected []canon.tranche, got JSON object"},
		{"map value mismatch", `{"limits":{"a":1,"b":"x"}}`, "limits.b", "expected int64, got JSON string"},
		{"amount error", `{"items":[{"face":"1.001"}]}`, "items[0].face", `amount "1.001": more than two decimal places`},
		{"amount null", `{"amount":null}`, "amount", "null is not an amount"},
		{"decimal error", `{"rate":"abc"}`, "rate", "can't convert abc to decimal"},
		{"time error", `{"when":"yesterday"}`, "when", "cannot parse"},
		{"quoted option", `{"count":"x"}`, "", "invalid use of ,string"},
		{"overflow", `{"units":9223372036854775808}`, "units", "expected int64, got JSON number 9223372036854775808"},
		{"top-level type", `[1]`, "", "expected canon.strictTarget, got JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v strictTarget
			err := Unmarshal([]byte(tt.in), &v)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.BadInput {
				t.Fatalf("got %v, want BAD_INPUT", err)
			}
			if e.Field != tt.field || !strings.Contains(e.Msg, tt.msg) {
				t.Fatalf("got field %q msg %q; want field %q, msg containing %q", e.Field, e.Msg, tt.field, tt.msg)
			}
		})
	}
}

// coded fails to decode with an errs.Error, as a type of another core
// package would.
type coded struct{}

func (*coded) UnmarshalJSON([]byte) error { return errs.Field("inner", "no good") }

func TestUnmarshalKeepsOneCode(t *testing.T) {
	var v struct {
		List []coded `json:"list"`
	}
	err := Unmarshal([]byte(`{"list":[{}]}`), &v)
	if err == nil || err.Error() != "[BAD_INPUT] list[0]: inner: no good" {
		t.Fatalf("got %v", err)
	}
}

func TestUnmarshalAccepts(t *testing.T) {
	in := `{
		"owner": "Org2MSP", "shadow": 7, "id": "D1", "units": 500, "amount": "12.50",
		"rate": "0.0425", "when": "2026-01-02T03:04:05Z", "limits": {"b": 2, "a": 1},
		"items": [{"name": "A", "face": "1000.00", "coupon": "0.05", "minHolding": 100}],
		"count": "42", "opt": null, "any": {"n": 1.5e3, "s": [true, null]}
	}`
	in = strings.Replace(in, "1.5e3", "1500", 1)
	var v strictTarget
	if err := Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.Owner != "Org2MSP" || v.Shadow != 7 || v.Units != 500 || v.Amount != 1250 || v.Count != 42 ||
		!v.Rate.Equal(decimal.RequireFromString("0.0425")) || v.Limits["a"] != 1 || len(v.Items) != 1 ||
		v.Items[0].Face != money.FromMajor(1000) || v.Opt != nil || !v.When.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("decoded wrongly: %+v", v)
	}
	if n, ok := v.Any.(map[string]any)["n"].(json.Number); !ok || n != "1500" {
		t.Fatalf("numbers in interface values must decode as json.Number, got %#v", v.Any)
	}
}

func TestUnmarshalRoundTrip(t *testing.T) {
	d := deal{
		ID: "D1", Closing: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), Counter: 3,
		Tranches: []tranche{{Name: "A", Face: 123456789, Coupon: decimal.RequireFromString("0.0425"), MinHolding: 1, Tags: map[string]int{"x": 1}}},
	}
	b, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back deal
	if err := Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := Marshal(back)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("round trip changed bytes:\n%s\n%s (%v)", b, b2, err)
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	var v deal
	for _, target := range []any{v, nil, (*deal)(nil)} {
		if err := Unmarshal([]byte(`{}`), target); !errs.Is(err, errs.Internal) {
			t.Errorf("Unmarshal into %T: got %v, want INTERNAL", target, err)
		}
	}
}

func TestStructFieldsFollowEncodingJSON(t *testing.T) {
	type inner struct {
		A string
		B string `json:"b"`
		C string
	}
	type outer struct {
		inner
		*Other
		B    int    `json:"B"`
		Name string `json:"name"`
	}
	got := infoOf(reflect.TypeFor[outer]()).names
	// C is ambiguous (depth 1 in two embedded structs, both untagged): dropped, as encoding/json does.
	want := []string{"A", "B", "D", "b", "name"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	var o outer
	if err := Unmarshal([]byte(`{"C":"x"}`), &o); !errs.Is(err, errs.BadInput) {
		t.Fatalf("ambiguous field must be unknown, got %v", err)
	}
	if err := Unmarshal([]byte(`{"A":"a","b":"b","B":2,"D":"d"}`), &o); err != nil || o.A != "a" || o.inner.B != "b" || o.B != 2 || o.D != "d" {
		t.Fatalf("got %+v, %v", o, err)
	}
}

// Other is exported so that encoding/json can allocate it when embedded by pointer.
type Other struct {
	C string
	D string
}

func fieldOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return "<none>"
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[true,null,"x"]}`, `"\u00e9\ud83d\ude00"`, `[-0, 12]`, `{"a":{"a":{}}}`, `1.5`, `{"a":1,"a":2}`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Canonicalize(in)
		if err != nil {
			if !errs.Is(err, errs.BadInput) {
				t.Fatalf("error without BAD_INPUT code: %v", err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q for %q", out, in)
		}
		again, err := Canonicalize(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not a fixed point: %q -> %q (%v)", out, again, err)
		}
		var a, b any
		da := json.NewDecoder(bytes.NewReader(in))
		da.UseNumber()
		db := json.NewDecoder(bytes.NewReader(out))
		db.UseNumber()
		if da.Decode(&a) != nil || db.Decode(&b) != nil || !reflect.DeepEqual(normalizeZero(a), b) {
			t.Fatalf("meaning changed: %q -> %q", in, out)
		}
	})
}

// normalizeZero maps the number -0 to 0, the one rewrite Canonicalize makes.
func normalizeZero(v any) any {
	switch x := v.(type) {
	case json.Number:
		if x == "-0" {
			return json.Number("0")
		}
	case []any:
		for i := range x {
			x[i] = normalizeZero(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalizeZero(x[k])
		}
	}
	return v
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"id":"D1","units":5,"items":[{"name":"A","face":"1.00"}],"limits":{"a":1}}`))
	f.Add([]byte(`{"amount":"1.001"}`))
	f.Add([]byte(`{"opt":{"coupon":"x"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var v strictTarget
		err := Unmarshal(in, &v)
		if err != nil && !errs.Is(err, errs.BadInput) {
			t.Fatalf("error without BAD_INPUT code: %v", err)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	d := deal{ID: "D1", Closing: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	for i := 0; i < 5; i++ {
		d.Tranches = append(d.Tranches, tranche{Name: "A", Face: 100000000, Coupon: decimal.RequireFromString("0.0425"), MinHolding: 1000})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	in := []byte(`{"id":"D1","units":500,"amount":"12.50","rate":"0.0425","items":[{"name":"A","face":"1000.00","coupon":"0.05","minHolding":100},{"name":"B","face":"10.00","coupon":"0.07","minHolding":1}],"limits":{"a":1,"b":2}}`)
	b.ReportAllocs()
	for b.Loop() {
		var v strictTarget
		if err := Unmarshal(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}
