package mortgage

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Kind says how a column's text becomes a value.
type Kind string

const (
	// Text is kept as written (trimmed).
	Text Kind = "text"
	// Amount is a plain decimal rounded half-up to the cent.
	Amount Kind = "amount"
	// Percent is a percentage as the GSE files write rates ("6.875"), held
	// as a fraction (0.06875) like every rate in the project.
	Percent Kind = "percent"
	// Fraction is a rate already written as a fraction ("0.06875"), as
	// Schedule AL files in this project are (the loantape convention).
	Fraction Kind = "fraction"
	// Count is a whole number (terms, ages, scores, LTV in whole percent).
	Count Kind = "count"
	// YearMonth is YYYYMM, the GSE form of a month.
	YearMonth Kind = "yyyymm"
	// MonthKind is MM/YYYY or YYYY-MM (Reg AB II / ISO).
	MonthKind Kind = "month"
	// DateKind is MM-DD-YYYY or YYYY-MM-DD.
	DateKind Kind = "date"
	// ProceedsKind is an amount, or a flag standing for one: the GSE
	// performance file writes "C" (covered: the loan was repurchased, the
	// proceeds cover the UPB) or "U" (unknown) in the net sale proceeds
	// column.
	ProceedsKind Kind = "proceeds"
)

// Proceeds is a net sale proceeds column: an Amount, or a Flag ("C", "U")
// in its place.
type Proceeds struct {
	Amount money.Amount `json:"amount"`
	Flag   string       `json:"flag"`
}

// column is one field of a layout: where it is (Pos, 1-based, in a
// positional file; Name in a file with a header), what it holds and where
// it lives in the record.
type column[R any] struct {
	pos      int
	name     string
	kind     Kind
	required bool
	// signed marks amounts that may be negative (losses, adjustments).
	signed bool
	doc    string
	at     func(r *R) any
}

// ColumnInfo documents one column of a layout.
type ColumnInfo struct {
	// Position is the 1-based column of a positional (pipe) file; 0 in a
	// file read by header.
	Position int    `json:"position,omitempty"`
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Required bool   `json:"required"`
	Signed   bool   `json:"signed,omitempty"`
	Doc      string `json:"doc"`
}

// layout is a record kind's field table: the single description that
// readers, canonical encoding and required-field checks work from.
type layout[R any] struct {
	name    string
	columns []column[R]
	// width is the highest modelled position: a positional row must have
	// at least that many columns.
	width int
	// keyCol is the index of the loan identifier column.
	keyCol int
}

func newLayout[R any](name, key string, cols []column[R]) *layout[R] {
	l := &layout[R]{name: name, columns: cols, keyCol: -1}
	names := map[string]bool{} // a header is matched ignoring case
	for i, c := range cols {
		f := strings.ToLower(c.name)
		if names[f] {
			panic("mortgage: duplicate column " + c.name)
		}
		names[f] = true
		l.width = max(l.width, c.pos)
		if c.name == key {
			l.keyCol = i
		}
	}
	if l.keyCol < 0 {
		panic("mortgage: layout " + name + " has no key column " + key)
	}
	return l
}

// cellLayout is the layout as loantape.CellReader matches a header to it.
func (l *layout[R]) cellLayout() loantape.Layout {
	out := loantape.Layout{What: l.name + " columns", IDColumn: l.keyCol}
	for _, c := range l.columns {
		out.Columns = append(out.Columns, loantape.Column{Name: c.name, Required: c.required})
	}
	return out
}

// info lists the columns for documentation and the gateway's schema page.
func (l *layout[R]) info() []ColumnInfo {
	out := make([]ColumnInfo, len(l.columns))
	for i, c := range l.columns {
		out[i] = ColumnInfo{Position: c.pos, Name: c.name, Kind: c.kind, Required: c.required, Signed: c.signed, Doc: c.doc}
	}
	return out
}

// build parses one row's texts (indexed like the columns) into a record.
// The first bad column in table order is reported.
func (l *layout[R]) build(line int, vals []string) (R, error) {
	var rec, zero R
	id := vals[l.keyCol]
	for i, c := range l.columns {
		text := vals[i]
		if text == "" {
			if c.required {
				return zero, &loantape.RowError{Line: line, AssetNumber: id, Field: c.name, Rule: loantape.RuleRequired,
					Msg: c.name + " is required but missing or empty"}
			}
			continue
		}
		if rule, msg := parseKind(c.name, c.kind, c.signed, c.at(&rec), text); rule != "" {
			return zero, &loantape.RowError{Line: line, AssetNumber: id, Field: c.name, Rule: rule, Msg: msg}
		}
	}
	return rec, nil
}

// maxCount bounds whole numbers so later arithmetic cannot overflow.
const maxCount = 1_000_000_000

// parseKind reads text (trimmed, not empty) into dst as a column of the
// given kind; it returns the rule broken and a message naming the column
// and the value.
func parseKind(name string, kind Kind, signed bool, dst any, text string) (rule, msg string) {
	notNumber := func() (string, string) { return loantape.RuleNumber, fmt.Sprintf("%s %q is not a number", name, text) }
	switch kind {
	case Text:
		*dst.(*string) = text
	case Amount, ProceedsKind:
		if kind == ProceedsKind && (text == ProceedsCovered || text == ProceedsUnknown) {
			dst.(*Proceeds).Flag = text
			return "", ""
		}
		if !plainDecimal(text) {
			return notNumber()
		}
		a, err := money.ParseLenient(text)
		if err != nil {
			return notNumber()
		}
		if a < 0 && !signed {
			return loantape.RuleNegativeAmount, fmt.Sprintf("%s %s is negative", name, a)
		}
		if kind == ProceedsKind {
			dst.(*Proceeds).Amount = a
		} else {
			*dst.(*money.Amount) = a
		}
	case Percent, Fraction:
		if !plainDecimal(text) {
			return notNumber()
		}
		d, err := decimal.NewFromString(text)
		if err != nil {
			return notNumber()
		}
		if kind == Percent {
			d = d.Shift(-2)
		}
		*dst.(*decimal.Decimal) = d
	case Count:
		n, err := strconv.Atoi(text)
		if err != nil || n > maxCount || n < -maxCount {
			return loantape.RuleNumber, fmt.Sprintf("%s %q is not a whole number", name, text)
		}
		*dst.(*int) = n
	case YearMonth:
		m, ok := parseYYYYMM(text)
		if !ok {
			return loantape.RuleDate, fmt.Sprintf("%s %q is not a month written YYYYMM", name, text)
		}
		*dst.(*loantape.Month) = m
	case MonthKind:
		m, err := loantape.ParseMonth(text)
		if err != nil {
			return loantape.RuleDate, fmt.Sprintf("%s %v", name, err)
		}
		*dst.(*loantape.Month) = m
	case DateKind:
		d, err := loantape.ParseDate(text)
		if err != nil {
			return loantape.RuleDate, fmt.Sprintf("%s %v", name, err)
		}
		*dst.(*loantape.Date) = d
	default:
		panic(fmt.Sprintf("mortgage: column %s has unknown kind %q", name, kind))
	}
	return "", ""
}

// Net sale proceeds flags of the GSE performance file.
const (
	// ProceedsCovered: the loan was repurchased or its proceeds cover the
	// UPB; no loss is computed.
	ProceedsCovered = "C"
	// ProceedsUnknown: the proceeds are not known yet.
	ProceedsUnknown = "U"
)

// parseYYYYMM reads the GSE month form, e.g. 202403.
func parseYYYYMM(s string) (loantape.Month, bool) {
	if len(s) != 6 {
		return loantape.Month{}, false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[4:])
	if err1 != nil || err2 != nil || y < 1900 || m < 1 || m > 12 || s[0] == '+' || s[0] == '-' || s[4] == '+' || s[4] == '-' {
		return loantape.Month{}, false
	}
	return loantape.MonthOf(y, time.Month(m)), true
}

var plainDecimal = loantape.IsPlainDecimal
