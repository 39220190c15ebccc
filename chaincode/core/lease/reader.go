package lease

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Reader streams lease rows from a CSV file whose header names the columns
// in any order and letter case. Unknown columns are ignored
// (IgnoredColumns lists them); a missing required column or a repeated
// one is fatal on the header line; a row with another number of cells
// than the header is a field-count error and reading goes on.
type Reader struct {
	cr       *csv.Reader
	colField []int
	ignored  []string
	vals     []string
	header   bool
	line     int
	err      error
}

// NewReader reads a lease CSV file.
func NewReader(r io.Reader) *Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &Reader{cr: cr, vals: make([]string, len(columns))}
}

// Line returns the line of the record (or error) Read last returned.
func (c *Reader) Line() int { return c.line }

// IgnoredColumns lists header cells that name no lease column.
func (c *Reader) IgnoredColumns() []string { return c.ignored }

// Read returns the next row, io.EOF at the end, a non-fatal
// *loantape.RowError for a bad row (call Read again) or a fatal error
// (returned again by every later call).
func (c *Reader) Read() (Row, error) {
	if c.err != nil {
		return Row{}, c.err
	}
	if !c.header {
		if err := c.readHeader(); err != nil {
			c.err = err
			return Row{}, err
		}
	}
	cells, err := c.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			c.err = io.EOF
		case errors.As(err, &pe):
			c.line = pe.StartLine
			return Row{}, &loantape.RowError{Line: pe.StartLine, Rule: loantape.RuleCSVSyntax,
				Msg: fmt.Sprintf("malformed CSV at line %d column %d: %v", pe.Line, pe.Column, pe.Err)}
		default:
			c.err = &loantape.RowError{Line: c.line + 1, Rule: loantape.RuleRead, Msg: err.Error()}
		}
		return Row{}, c.err
	}
	c.line, _ = c.cr.FieldPos(0)
	if len(cells) != len(c.colField) {
		return Row{}, &loantape.RowError{Line: c.line, Rule: loantape.RuleFieldCount,
			Msg: fmt.Sprintf("the header has %d columns, the row has %d", len(c.colField), len(cells))}
	}
	clear(c.vals)
	for i, f := range c.colField {
		if f >= 0 {
			c.vals[f] = strings.TrimSpace(cells[i])
		}
	}
	return build(c.line, c.vals)
}

func (c *Reader) readHeader() error {
	cells, err := c.cr.Read()
	if err != nil {
		if err == io.EOF {
			return &loantape.RowError{Line: 1, Rule: loantape.RuleHeader, Msg: "the file is empty: want a header row naming lease columns"}
		}
		return &loantape.RowError{Line: 1, Rule: loantape.RuleHeader, Msg: "unreadable header row: " + err.Error()}
	}
	c.header = true
	c.line, _ = c.cr.FieldPos(0)
	seen := make([]bool, len(columns))
	c.colField = make([]int, len(cells))
	for i, cell := range cells {
		name := strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff"))
		f := columnIndex(name)
		if f < 0 {
			c.colField[i] = -1
			c.ignored = append(c.ignored, name)
			continue
		}
		if seen[f] {
			return &loantape.RowError{Line: c.line, Field: columns[f].Name, Rule: loantape.RuleDuplicateColumn,
				Msg: fmt.Sprintf("column %s appears twice in the header", columns[f].Name)}
		}
		seen[f] = true
		c.colField[i] = f
	}
	for f, col := range columns {
		if col.Required && !seen[f] {
			return &loantape.RowError{Line: c.line, Field: col.Name, Rule: loantape.RuleMissingColumn,
				Msg: fmt.Sprintf("required column %s is missing from the header", col.Name)}
		}
	}
	return nil
}

func columnIndex(name string) int {
	for i, c := range columns {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
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
