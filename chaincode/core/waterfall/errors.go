package waterfall

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with one input field, named by its JSON path
// ("steps[3].classes[1]") and the rule it breaks.
type FieldError struct {
	Path    string
	Problem string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Problem }

// ValidationError lists the problems found in a definition, state or period,
// in the order of the fields. errors.As finds each *FieldError in it.
type ValidationError struct {
	Problems []*FieldError
	// Omitted counts problems beyond the first maxReportedProblems.
	Omitted int
}

// maxReportedProblems keeps an error message short enough for a chaincode
// response whatever the input.
const maxReportedProblems = 20

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	s := strings.Join(msgs, "; ")
	if e.Omitted > 0 {
		s += fmt.Sprintf("; and %d more", e.Omitted)
	}
	return s
}

// Unwrap lets errors.As and errors.Is reach each FieldError.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// problems collects FieldErrors while a validator walks its input.
type problems struct{ v ValidationError }

func (p *problems) add(path, format string, args ...any) {
	if len(p.v.Problems) >= maxReportedProblems {
		p.v.Omitted++
		return
	}
	p.v.Problems = append(p.v.Problems, &FieldError{Path: clip(path), Problem: clip(fmt.Sprintf(format, args...))})
}

// maxMessage bounds one problem's text: inputs (names, keys) are quoted in
// messages and may be arbitrarily long.
const maxMessage = 300

func clip(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func (p *problems) err() error {
	if len(p.v.Problems) == 0 {
		return nil
	}
	v := p.v
	return &v
}

// at indexes a path: at("steps", 3) is "steps[3]". Validators build paths
// for every field, valid or not, so this avoids fmt.
func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
