package cardtrust

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// CSVReader streams monthly reports from a CSV file whose header names the
// columns of [Layout] in any order and letter case. Unknown columns are
// ignored (IgnoredColumns lists them); a missing or repeated column is
// fatal on the header line; a row with another number of cells than the
// header is a field-count error and reading goes on with the next row.
type CSVReader struct {
	cr       *csv.Reader
	colField []int
	ignored  []string
	vals     []string
	header   bool
	line     int
	err      error
}

// byFold maps a lower-cased column name to its index in reportColumns.
var byFold = func() map[string]int {
	m := make(map[string]int, len(reportColumns))
	for i, c := range reportColumns {
		m[strings.ToLower(c.name)] = i
	}
	return m
}()

// NewCSVReader reads card trust reports from r, one at a time.
func NewCSVReader(r io.Reader) *CSVReader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &CSVReader{cr: cr, vals: make([]string, len(reportColumns))}
}

// Line returns the line of the report (or error) Read last returned.
func (c *CSVReader) Line() int { return c.line }

// IgnoredColumns lists header cells that name no column of the layout.
func (c *CSVReader) IgnoredColumns() []string { return c.ignored }

// Read returns the next report, io.EOF at the end, a non-fatal
// *loantape.RowError for a bad row (call Read again), or a fatal error
// that every later call returns again.
func (c *CSVReader) Read() (Report, error) {
	if c.err != nil {
		return Report{}, c.err
	}
	if !c.header {
		if err := c.readHeader(); err != nil {
			c.err = err
			return Report{}, err
		}
	}
	for {
		cells, err := c.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			switch {
			case err == io.EOF:
				c.err = io.EOF
			case errors.As(err, &pe):
				c.line = pe.StartLine
				return Report{}, &loantape.RowError{Line: pe.StartLine, Rule: loantape.RuleCSVSyntax,
					Msg: fmt.Sprintf("malformed CSV at line %d column %d: %v", pe.Line, pe.Column, pe.Err)}
			default:
				c.err = &loantape.RowError{Line: c.line + 1, Rule: loantape.RuleRead, Msg: err.Error()}
			}
			return Report{}, c.err
		}
		c.line, _ = c.cr.FieldPos(0)
		if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
			continue // a blank line between months
		}
		if len(cells) != len(c.colField) {
			return Report{}, &loantape.RowError{Line: c.line, Rule: loantape.RuleFieldCount,
				Msg: fmt.Sprintf("the header has %d columns, the row has %d", len(c.colField), len(cells))}
		}
		for i, f := range c.colField {
			if f >= 0 {
				c.vals[f] = strings.TrimSpace(cells[i])
			}
		}
		return build(c.line, c.vals)
	}
}

func (c *CSVReader) readHeader() error {
	cells, err := c.cr.Read()
	if err != nil {
		if err == io.EOF {
			return &loantape.RowError{Line: 1, Rule: loantape.RuleHeader, Msg: "the file is empty: want a header row naming the card report columns"}
		}
		return &loantape.RowError{Line: 1, Rule: loantape.RuleHeader, Msg: "unreadable header row: " + err.Error()}
	}
	c.header = true
	c.line, _ = c.cr.FieldPos(0)
	seen := make([]bool, len(reportColumns))
	c.colField = make([]int, len(cells))
	for i, cell := range cells {
		name := strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff"))
		f, ok := byFold[strings.ToLower(name)]
		if !ok {
			c.colField[i] = -1
			c.ignored = append(c.ignored, name)
			continue
		}
		if seen[f] {
			return &loantape.RowError{Line: c.line, Field: reportColumns[f].name, Rule: loantape.RuleDuplicateColumn,
				Msg: fmt.Sprintf("column %s appears twice in the header", reportColumns[f].name)}
		}
		seen[f] = true
		c.colField[i] = f
	}
	for f, col := range reportColumns {
		if !seen[f] {
			return &loantape.RowError{Line: c.line, Field: col.name, Rule: loantape.RuleMissingColumn,
				Msg: fmt.Sprintf("required column %s is missing from the header", col.name)}
		}
	}
	return nil
}

// ReadAll reads every report of r, checking each on its own
// ([CheckReport]); it returns the good reports and every row error (up to
// loantape.DefaultMaxErrors), or a fatal error alone.
func ReadAll(r io.Reader) ([]Report, []*loantape.RowError, error) {
	cr := NewCSVReader(r)
	var out []Report
	var bad []*loantape.RowError
	for {
		rep, err := cr.Read()
		if err == io.EOF {
			return out, bad, nil
		}
		if err == nil {
			err = CheckReport(cr.Line(), &rep)
		}
		var re *loantape.RowError
		switch {
		case err == nil:
			out = append(out, rep)
		case errors.As(err, &re) && !re.Fatal():
			if len(bad) < loantape.DefaultMaxErrors {
				bad = append(bad, re)
			}
		default:
			return nil, nil, err
		}
	}
}
