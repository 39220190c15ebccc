package canon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// maxDepth bounds the nesting of arrays and objects, so hostile input cannot
// exhaust the stack.
const maxDepth = 1000

// parser walks one JSON document. It serves three callers:
//
//   - Canonicalize and Marshal (emit): validate and write the canonical form
//     to out, sorting object members;
//   - Unmarshal's pre-pass (typed): validate against the target type, so that
//     unknown fields are reported with their path before encoding/json runs;
//   - Unmarshal's error locator (probe): after encoding/json failed, decode
//     each leaf on its own to find the path of the value it choked on.
//
// Every mode rejects what canonical JSON forbids: syntax errors, trailing
// data, invalid UTF-8, lone surrogates, duplicate keys and non-integer
// numbers.
type parser struct {
	data    []byte
	pos     int
	emit    bool
	out     []byte
	probe   bool
	depth   int
	path    []step
	members []member // object members being collected, used as a stack

	found error // probe mode: the first leaf that failed to decode
}

// step is one element of the path to the current value: an object key or
// an array index (index >= 0).
type step struct {
	key   []byte
	index int
}

// member is one object member: its decoded key and, in emit mode, the span
// of `"key":value` in out.
type member struct {
	key        []byte
	start, end int
}

// errProbeDone stops the probe walk once the failing leaf is found.
var errProbeDone = errors.New("probe done")

// document parses the whole input as a single JSON value of Go type t (nil:
// no type checks) followed only by whitespace.
func (p *parser) document(t reflect.Type) error {
	if err := p.value(t, false); err != nil {
		return err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return p.syntaxError("data after the top-level value")
	}
	return nil
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses one value. quoted is true for struct fields with the
// ",string" option, whose leaves the probe must not decode on their own.
func (p *parser) value(t reflect.Type, quoted bool) error {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return p.syntaxError("unexpected end of input")
	}
	info := infoOf(t)
	if p.probe && info.isLeaf(p.data[p.pos]) && !quoted {
		start := p.pos
		if err := p.skipValue(); err != nil {
			return err
		}
		return p.probeLeaf(t, p.data[start:p.pos])
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(info)
	case c == '[':
		return p.array(info)
	case c == '"':
		raw, dec, err := p.str()
		if err != nil {
			return err
		}
		if p.emit {
			p.out = appendString(p.out, dec, raw)
		}
		return nil
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return p.syntaxError(fmt.Sprintf("invalid character %s looking for a value", quoteByte(c)))
	}
}

func (p *parser) skipValue() error {
	emit := p.emit
	p.emit = false
	probe := p.probe
	p.probe = false
	err := p.value(nil, false)
	p.emit, p.probe = emit, probe
	return err
}

func (p *parser) probeLeaf(t reflect.Type, raw []byte) error {
	target := reflect.New(t)
	if err := json.Unmarshal(raw, target.Interface()); err != nil {
		var te *json.UnmarshalTypeError
		var ce *errs.Error
		switch {
		case errors.As(err, &te):
			err = fmt.Errorf("expected %s, got JSON %s", te.Type, te.Value)
		case errors.As(err, &ce):
			err = errors.New(ce.Msg) // the path replaces its own field prefix below
		}
		p.found = p.fieldError("%v", err)
		return errProbeDone
	}
	return nil
}

func (p *parser) object(info *typeInfo) error {
	if p.depth++; p.depth > maxDepth {
		return p.fieldError("nested deeper than %d levels", maxDepth)
	}
	p.pos++ // '{'
	objStart := len(p.out)
	if p.emit {
		p.out = append(p.out, '{')
	}
	base := len(p.members)
	sorted := true
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return p.closeObject(objStart, base, sorted)
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.syntaxError("expected a string object key")
		}
		raw, key, err := p.str()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.syntaxError("expected ':' after object key")
		}
		p.pos++
		if n := len(p.members); n > base {
			if c := bytes.Compare(p.members[n-1].key, key); c == 0 {
				return p.duplicate(key)
			} else if c > 0 {
				sorted = false
			}
		}
		p.path = append(p.path, step{key: key, index: -1})
		fieldType, quoted, known := info.field(key)
		if !known && !p.probe {
			return p.fieldError("unknown field; known fields: %s", info.fieldList())
		}
		m := member{key: key}
		if p.emit {
			if len(p.members) > base {
				p.out = append(p.out, ',')
			}
			m.start = len(p.out)
			p.out = appendString(p.out, key, raw)
			p.out = append(p.out, ':')
		}
		if err := p.value(fieldType, quoted); err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
		m.end = len(p.out)
		p.members = append(p.members, m)

		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.syntaxError("unexpected end of input in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return p.closeObject(objStart, base, sorted)
		default:
			return p.syntaxError("expected ',' or '}' after object member")
		}
	}
}

// closeObject finds duplicate keys among the members collected since base
// and, in emit mode, rewrites them in key order.
func (p *parser) closeObject(objStart, base int, sorted bool) error {
	p.depth--
	ms := p.members[base:]
	defer func() { p.members = p.members[:base] }()
	if sorted {
		// Keys arrived strictly increasing: no duplicates, nothing to move.
		if p.emit {
			p.out = append(p.out, '}')
		}
		return nil
	}
	slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	for i := 1; i < len(ms); i++ {
		if bytes.Equal(ms[i-1].key, ms[i].key) {
			return p.duplicate(ms[i].key)
		}
	}
	if p.emit {
		body := slices.Clone(p.out[objStart+1:])
		p.out = p.out[:objStart+1]
		for i, m := range ms {
			if i > 0 {
				p.out = append(p.out, ',')
			}
			p.out = append(p.out, body[m.start-objStart-1:m.end-objStart-1]...)
		}
		p.out = append(p.out, '}')
	}
	return nil
}

func (p *parser) duplicate(key []byte) error {
	p.path = append(p.path, step{key: key, index: -1})
	return p.fieldError("duplicate key")
}

func (p *parser) array(info *typeInfo) error {
	if p.depth++; p.depth > maxDepth {
		return p.fieldError("nested deeper than %d levels", maxDepth)
	}
	p.pos++ // '['
	if p.emit {
		p.out = append(p.out, '[')
	}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		if p.emit {
			p.out = append(p.out, ']')
		}
		return nil
	}
	for i := 0; ; i++ {
		if p.emit && i > 0 {
			p.out = append(p.out, ',')
		}
		p.path = append(p.path, step{index: i})
		if err := p.value(info.elemType(), false); err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.syntaxError("unexpected end of input in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			if p.emit {
				p.out = append(p.out, ']')
			}
			return nil
		default:
			return p.syntaxError("expected ',' or ']' after array element")
		}
	}
}

func (p *parser) literal(word string) error {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return p.syntaxError(fmt.Sprintf("invalid literal, expected %s", word))
	}
	p.pos += len(word)
	if p.emit {
		p.out = append(p.out, word...)
	}
	return nil
}

// number accepts the JSON integer grammar -?(0|[1-9][0-9]*) and refuses
// fractions and exponents: canonical JSON carries no floats, and amounts,
// rates and factors travel as decimal strings.
func (p *parser) number() error {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
	}
	switch n := p.pos - digits; {
	case n == 0:
		return p.syntaxError("expected a digit in number")
	case n > 1 && p.data[digits] == '0':
		return p.syntaxError("number with a leading zero")
	}
	end := p.pos
	if p.pos < len(p.data) && (p.data[p.pos] == '.' || p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		for p.pos < len(p.data) && strings.IndexByte("0123456789.eE+-", p.data[p.pos]) >= 0 {
			p.pos++
		}
		return p.fieldError("number %s is not an integer; send decimal values as strings", p.data[start:p.pos])
	}
	if p.emit {
		if string(p.data[start:end]) == "-0" {
			p.out = append(p.out, '0')
		} else {
			p.out = append(p.out, p.data[start:end]...)
		}
	}
	return nil
}

// str reads a string token. raw is the text between the quotes; dec is the
// decoded value, which aliases raw when the string has no escapes.
func (p *parser) str() (raw, dec []byte, err error) {
	p.pos++ // opening quote
	start := p.pos
	escaped := false
	for {
		if p.pos >= len(p.data) {
			return nil, nil, p.syntaxError("unexpected end of input in string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			raw = p.data[start:p.pos]
			p.pos++
			if !escaped {
				return raw, raw, nil
			}
			dec, err := p.unescape(raw, start)
			return raw, dec, err
		case c == '\\':
			escaped = true
			p.pos += 2 // the escape is checked by unescape; skip the escaped quote
		case c < 0x20:
			return nil, nil, p.syntaxError("control character in string")
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, nil, p.syntaxError("invalid UTF-8 in string")
			}
			p.pos += size
		}
	}
}

// unescape decodes the escapes of raw, a string body starting at offset in
// the input (for error positions).
func (p *parser) unescape(raw []byte, offset int) ([]byte, error) {
	dec := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			dec = append(dec, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return nil, p.syntaxErrorAt(offset+i, "truncated escape")
		}
		switch e := raw[i+1]; e {
		case '"', '\\', '/':
			dec = append(dec, e)
		case 'b':
			dec = append(dec, '\b')
		case 'f':
			dec = append(dec, '\f')
		case 'n':
			dec = append(dec, '\n')
		case 'r':
			dec = append(dec, '\r')
		case 't':
			dec = append(dec, '\t')
		case 'u':
			r, n := hex4(raw[i+2:])
			if n < 0 {
				return nil, p.syntaxErrorAt(offset+i, `invalid \u escape`)
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, n2 := rune(-1), -1
				if i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2, n2 = hex4(raw[i+2:])
				}
				pair := utf16.DecodeRune(r, r2)
				if n2 < 0 || pair == utf8.RuneError {
					return nil, p.syntaxErrorAt(offset+i-6, "lone UTF-16 surrogate in string")
				}
				r = pair
				i += 6
			}
			dec = utf8.AppendRune(dec, r)
			continue
		default:
			return nil, p.syntaxErrorAt(offset+i, fmt.Sprintf("invalid escape %s", quoteByte(e)))
		}
		i += 2
	}
	return dec, nil
}

func hex4(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, -1
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return 0, -1
	}
	return rune(v), 4
}

// appendString writes s (valid UTF-8) as a JSON string the way
// encoding/json does with HTML escaping off: only '"', '\\', control
// characters and U+2028/U+2029 are escaped. raw is the source text of the
// token, reused when it is already in that form.
func appendString(dst, s, raw []byte) []byte {
	if len(raw) == len(s) && !needsEscape(s) {
		dst = append(dst, '"')
		dst = append(dst, raw...)
		return append(dst, '"')
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

func needsEscape(s []byte) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\\':
			return true
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return true // U+2028, U+2029
		}
	}
	return false
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// pathString renders the current path as `tranches[2].rate`.
func (p *parser) pathString() string {
	var b strings.Builder
	for _, s := range p.path {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(s.key)
	}
	return b.String()
}

// parseError is the parser's error: the path of the offending value and
// what is wrong with it. Callers turn it into an errs.Error.
type parseError struct {
	path string
	msg  string
}

func (e *parseError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

func (p *parser) fieldError(format string, args ...any) error {
	return &parseError{path: p.pathString(), msg: fmt.Sprintf(format, args...)}
}

func (p *parser) syntaxError(what string) error { return p.syntaxErrorAt(p.pos, what) }

func (p *parser) syntaxErrorAt(offset int, what string) error {
	return &parseError{path: p.pathString(), msg: fmt.Sprintf("invalid JSON at offset %d: %s", offset, what)}
}
