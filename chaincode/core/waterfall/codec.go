package waterfall

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// UnmarshalJSON decodes a definition strictly: unknown fields are refused
// at every level (a misspelt "clases" must not silently drop a rule), and
// each step is decoded by its "kind". It does not Validate; ParseDefinition
// does both.
func (d *Definition) UnmarshalJSON(b []byte) error {
	if err := refuseHugeExponents(b); err != nil {
		return fmt.Errorf("definition: %w", err)
	}
	type plain Definition // no methods: no recursion into UnmarshalJSON
	var w struct {
		plain
		// These shadow plain's []Step fields, which encoding/json cannot fill.
		Steps             []json.RawMessage `json:"steps"`
		AccelerationSteps []json.RawMessage `json:"accelerationSteps"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("definition: %s", clip(err.Error()))
	}
	if dec.More() {
		return fmt.Errorf("definition: unexpected data after the JSON object")
	}
	steps, err := decodeSteps("steps", w.Steps)
	if err != nil {
		return err
	}
	accel, err := decodeSteps("accelerationSteps", w.AccelerationSteps)
	if err != nil {
		return err
	}
	*d = Definition(w.plain)
	d.Steps, d.AccelerationSteps = steps, accel
	return nil
}

func decodeSteps(path string, raws []json.RawMessage) ([]Step, error) {
	if raws == nil {
		return nil, nil
	}
	steps := make([]Step, len(raws))
	for i, raw := range raws {
		s, err := decodeStep(at(path, i), raw)
		if err != nil {
			return nil, fmt.Errorf("%s", clip(err.Error()))
		}
		steps[i] = s
	}
	return steps, nil
}

// ParseDefinition decodes a definition from JSON and validates it.
func ParseDefinition(b []byte) (Definition, error) {
	var d Definition
	if err := json.Unmarshal(b, &d); err != nil {
		return Definition{}, err
	}
	if err := d.Validate(); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// ParsePeriod decodes a servicer report period from JSON (see
// Period.UnmarshalJSON). Its consistency with the deal is checked by Run.
func ParsePeriod(b []byte) (Period, error) {
	var p Period
	if err := json.Unmarshal(b, &p); err != nil {
		return Period{}, err
	}
	return p, nil
}

// ParseState decodes a deal state from JSON (see State.UnmarshalJSON). Its
// consistency with the definition is checked by Run.
func ParseState(b []byte) (State, error) {
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, err
	}
	return s, nil
}

// UnmarshalJSON decodes a period strictly, refusing unknown fields: a
// misspelt "prepayment" must not turn into zero prepayments.
func (p *Period) UnmarshalJSON(b []byte) error {
	type plain Period
	v, err := decodeGuarded[plain]("period", b)
	*p = Period(v)
	return err
}

// UnmarshalJSON decodes a state strictly, refusing unknown fields.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	v, err := decodeGuarded[plain]("state", b)
	*s = State(v)
	return err
}

func decodeGuarded[T any](what string, b []byte) (T, error) {
	if err := refuseHugeExponents(b); err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	v, err := decodeStrict[T](b)
	if err != nil {
		return v, fmt.Errorf("%s: %s", what, clip(err.Error()))
	}
	return v, nil
}

// maxExponent bounds exponent notation in JSON input. money.Parse rescales
// a value such as "1e-1000000000" before it refuses it, which takes
// minutes, so every number or numeric string with a larger exponent is
// refused before decoding. No amount or rate needs one.
const maxExponent = 30

func refuseHugeExponents(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // malformed JSON: the decoder proper reports it
		}
		var s string
		switch v := tok.(type) {
		case json.Number:
			s = string(v)
		case string:
			s = v
		default:
			continue
		}
		if hugeExponent(s) {
			return fmt.Errorf("number %q: exponent beyond ±%d", clip(s), maxExponent)
		}
	}
}

// hugeExponent reports whether s reads as a number in exponent notation
// whose exponent exceeds maxExponent in magnitude.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || strings.Trim(s[:i], "+-.0123456789") != "" || strings.Trim(s[i+1:], "+-0123456789") != "" {
		return false
	}
	e, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s[i+1:] != "" // all digits yet not an int: it overflowed
	}
	return e > maxExponent || e < -maxExponent
}
