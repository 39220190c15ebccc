package loantape

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Column is one column a CSV layout models: its name, matched against
// the header's cells ignoring letter case and surrounding spaces, and
// whether a header must name it.
type Column struct {
	Name     string
	Required bool
}

// Layout is what a CellReader needs to know of a file's columns.
type Layout struct {
	// What the file holds, for the empty-file message ("lease columns").
	What    string
	Columns []Column
	// IDColumn is the index in Columns of the column that identifies a
	// row (the asset number), quoted in a field-count error so the
	// servicer can find the row; -1 for none.
	IDColumn int
}

// CellReader streams the rows of a CSV file whose header row names the
// columns of a Layout, as text cells laid out like Layout.Columns. It is
// the one header-and-row reader every CSV format of the project shares
// (EX-102 tapes and reports, Schedule AL, leases, card trust reports), so
// that they agree on what a malformed file is:
//
//   - columns may come in any order; unknown ones are ignored (see
//     IgnoredColumns), because servicers export more than is modelled;
//   - a missing required column or a repeated one is a fatal error on
//     the header line;
//   - quoted fields (RFC 4180, embedded commas and newlines), CRLF line
//     ends, a UTF-8 byte-order mark and blank lines are all fine;
//   - a row with another number of cells than the header is a non-fatal
//     field-count error, and so is a CSV syntax error: reading goes on;
//   - cells are trimmed; an empty cell is an absent value ("").
//
// Only the current row is held in memory.
type CellReader struct {
	cr       *csv.Reader
	layout   Layout
	byFold   map[string]int
	colField []int // column index in Layout.Columns of each header cell, -1 if ignored
	ignored  []string
	cells    []string
	header   bool
	line     int
	err      error // sticky fatal error
}

// NewCellReader reads the CSV file r laid out as l.
func NewCellReader(r io.Reader, l Layout) *CellReader {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1 // counted here, to report it as a row error
	cr.ReuseRecord = true
	byFold := make(map[string]int, len(l.Columns))
	for i, c := range l.Columns {
		byFold[strings.ToLower(c.Name)] = i
	}
	return &CellReader{cr: cr, layout: l, byFold: byFold, cells: make([]string, len(l.Columns))}
}

// Line returns the line on which the row (or error) Read last returned
// starts.
func (c *CellReader) Line() int { return c.line }

// IgnoredColumns lists the header cells that name no column of the
// layout, in header order. It is known after the first Read.
func (c *CellReader) IgnoredColumns() []string { return c.ignored }

// Read returns the next row's cells indexed like Layout.Columns, valid
// until the next call; io.EOF at the end; a non-fatal *RowError for a bad
// row (call Read again); or a fatal error, returned again by every later
// call.
func (c *CellReader) Read() ([]string, error) {
	if c.err != nil {
		return nil, c.err
	}
	if !c.header {
		if err := c.readHeader(); err != nil {
			c.err = err
			return nil, err
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
			return nil, &RowError{Line: pe.StartLine, Rule: RuleCSVSyntax,
				Msg: fmt.Sprintf("malformed CSV at line %d column %d: %v", pe.Line, pe.Column, pe.Err)}
		default:
			c.err = readError(c.line, err)
		}
		return nil, c.err
	}
	c.line, _ = c.cr.FieldPos(0)
	if len(cells) != len(c.colField) {
		return nil, &RowError{Line: c.line, AssetNumber: c.rowID(cells), Rule: RuleFieldCount,
			Msg: fmt.Sprintf("row has %d cells, the header has %d", len(cells), len(c.colField))}
	}
	clear(c.cells)
	for col, text := range cells {
		if f := c.colField[col]; f >= 0 {
			c.cells[f] = strings.TrimSpace(text)
		}
	}
	return c.cells, nil
}

// rowID is the identifying cell of a row whose cells do not line up with
// the header, if the row reaches that far.
func (c *CellReader) rowID(cells []string) string {
	if c.layout.IDColumn < 0 {
		return ""
	}
	for col, f := range c.colField {
		if f == c.layout.IDColumn && col < len(cells) {
			return strings.TrimSpace(cells[col])
		}
	}
	return ""
}

func (c *CellReader) readHeader() error {
	c.header = true
	cells, err := c.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return &RowError{Line: 1, Rule: RuleHeader, Msg: "the file is empty: want a header row naming " + c.layout.What}
		case errors.As(err, &pe):
			return &RowError{Line: pe.StartLine, Rule: RuleHeader, Msg: "the header row is malformed: " + pe.Err.Error()}
		}
		return readError(1, err)
	}
	c.line, _ = c.cr.FieldPos(0)
	cols := c.layout.Columns
	c.colField = make([]int, len(cells))
	firstCol := make([]int, len(cols))
	for i := range firstCol {
		firstCol[i] = -1
	}
	for col, cell := range cells {
		name := strings.TrimSpace(cell)
		f, ok := c.byFold[strings.ToLower(name)]
		if !ok {
			c.colField[col] = -1
			if name != "" {
				c.ignored = append(c.ignored, name)
			}
			continue
		}
		if firstCol[f] >= 0 {
			return &RowError{Line: c.line, Field: cols[f].Name, Rule: RuleDuplicateColumn,
				Msg: fmt.Sprintf("column %s appears twice (columns %d and %d)", cols[f].Name, firstCol[f]+1, col+1)}
		}
		firstCol[f] = col
		c.colField[col] = f
	}
	var missing []string
	for f, col := range cols {
		if col.Required && firstCol[f] < 0 {
			missing = append(missing, col.Name)
		}
	}
	if len(missing) > 0 {
		return &RowError{Line: c.line, Field: missing[0], Rule: RuleMissingColumn,
			Msg: "required column missing: " + strings.Join(missing, ", ")}
	}
	return nil
}
