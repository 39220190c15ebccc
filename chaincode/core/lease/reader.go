package lease

import (
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Reader streams lease rows from a CSV file whose header names the columns
// in any order and letter case, read by loantape.CellReader: unknown
// columns are ignored (IgnoredColumns lists them); a missing required
// column or a repeated one is fatal on the header line; a row with another
// number of cells than the header is a field-count error and reading goes
// on.
type Reader struct {
	cells *loantape.CellReader
}

// cellLayout is the lease layout as the CellReader matches it.
var cellLayout = func() loantape.Layout {
	l := loantape.Layout{What: "lease columns", IDColumn: 0}
	for _, c := range columns {
		l.Columns = append(l.Columns, loantape.Column{Name: c.Name, Required: c.Required})
	}
	return l
}()

// NewReader reads a lease CSV file.
func NewReader(r io.Reader) *Reader {
	return &Reader{cells: loantape.NewCellReader(r, cellLayout)}
}

// Line returns the line of the record (or error) Read last returned.
func (c *Reader) Line() int { return c.cells.Line() }

// IgnoredColumns lists header cells that name no lease column.
func (c *Reader) IgnoredColumns() []string { return c.cells.IgnoredColumns() }

// Read returns the next row, io.EOF at the end, a non-fatal
// *loantape.RowError for a bad row (call Read again) or a fatal error
// (returned again by every later call).
func (c *Reader) Read() (Row, error) {
	vals, err := c.cells.Read()
	if err != nil {
		return Row{}, err
	}
	return build(c.cells.Line(), vals)
}

// build parses one row's texts (indexed like columns) into a Row; the
// first bad column in table order is reported.
func build(line int, vals []string) (Row, error) {
	var r Row
	id := vals[0]
	for i, c := range columns {
		text := vals[i]
		if text == "" {
			if c.Required {
				return Row{}, &loantape.RowError{Line: line, AssetNumber: id, Field: c.Name, Rule: loantape.RuleRequired,
					Msg: c.Name + " is required but missing or empty"}
			}
			continue
		}
		if rule, msg := parse(c.Name, c.Kind, c.at(&r), text); rule != "" {
			return Row{}, &loantape.RowError{Line: line, AssetNumber: id, Field: c.Name, Rule: rule, Msg: msg}
		}
	}
	return r, nil
}

// maxCount bounds whole numbers so later arithmetic cannot overflow.
const maxCount = 1_000_000_000

// parse reads text (trimmed, not empty) into dst; it returns the rule
// broken and a message naming the column and the value.
func parse(name string, kind Kind, dst any, text string) (rule, msg string) {
	notNumber := func() (string, string) { return loantape.RuleNumber, fmt.Sprintf("%s %q is not a number", name, text) }
	switch kind {
	case Text:
		*dst.(*string) = text
	case Amount:
		if !loantape.IsPlainDecimal(text) {
			return notNumber()
		}
		a, err := money.ParseLenient(text)
		if err != nil {
			return notNumber()
		}
		if a < 0 {
			return loantape.RuleNegativeAmount, fmt.Sprintf("%s %s is negative", name, a)
		}
		*dst.(*money.Amount) = a
	case Fraction:
		if !loantape.IsPlainDecimal(text) {
			return notNumber()
		}
		d, err := decimal.NewFromString(text)
		if err != nil {
			return notNumber()
		}
		*dst.(*decimal.Decimal) = d
	case Count:
		n, err := strconv.Atoi(text)
		if err != nil || n > maxCount || n < -maxCount {
			return loantape.RuleNumber, fmt.Sprintf("%s %q is not a whole number", name, text)
		}
		*dst.(*int) = n
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
		panic(fmt.Sprintf("lease: column %s has unknown kind %q", name, kind))
	}
	return "", ""
}
