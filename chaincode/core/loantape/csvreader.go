package loantape

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// CSVReader streams records from a CSV file whose header row names EX-102
// elements:
//
//   - columns may come in any order and the header match ignores case and
//     surrounding spaces;
//   - unknown columns are ignored (see IgnoredColumns), because servicers
//     export all ~70 EX-102 elements and only some are modelled here;
//   - a missing required column or a repeated column is a fatal error on
//     the header line;
//   - quoted fields (RFC 4180, embedded commas and newlines), CRLF line
//     ends, a UTF-8 byte-order mark and blank lines are all fine;
//   - cells are trimmed; an empty cell is an absent value.
//
// Only the current row is held in memory.
type CSVReader[R Record] struct {
	cr       *csv.Reader
	b        recordBuilder[R]
	colField []int // field index of each column, -1 if ignored
	ignored  []string
	header   bool
	line     int
	err      error // sticky fatal error
}

// NewCSVReader returns a reader of records of kind R from r:
//
//	rd := loantape.NewCSVReader[loantape.PeriodRow](file)
func NewCSVReader[R Record](r io.Reader) *CSVReader[R] {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1 // counted here, to report it as a row error
	cr.ReuseRecord = true
	return &CSVReader[R]{cr: cr, b: newRecordBuilder(fieldsOf[R]())}
}

// Line returns the line on which the last record read starts.
func (c *CSVReader[R]) Line() int { return c.line }

// IgnoredColumns lists the header cells that name no modelled element, in
// header order. It is known after the first Read.
func (c *CSVReader[R]) IgnoredColumns() []string { return c.ignored }

// All ranges over the records; see the package-level All.
func (c *CSVReader[R]) All() iter.Seq2[R, error] { return All[R](c) }

// Read returns the next record. See RowSource for the error contract.
func (c *CSVReader[R]) Read() (R, error) {
	var zero R
	if c.err != nil {
		return zero, c.err
	}
	if !c.header {
		if err := c.readHeader(); err != nil {
			c.err = err
			return zero, err
		}
	}
	cells, err := c.cr.Read()
	if err != nil {
		if err == io.EOF {
			c.err = io.EOF
			return zero, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.line = pe.StartLine
			return zero, &RowError{Line: pe.StartLine, Rule: RuleCSVSyntax,
				Msg: fmt.Sprintf("malformed CSV at line %d column %d: %v", pe.Line, pe.Column, pe.Err)}
		}
		c.err = readError(c.line, err)
		return zero, c.err
	}
	c.line, _ = c.cr.FieldPos(0)
	if len(cells) != len(c.colField) {
		asset := ""
		if i := c.assetColumn(); i >= 0 && i < len(cells) {
			asset = strings.TrimSpace(cells[i])
		}
		return zero, &RowError{Line: c.line, AssetNumber: asset, Rule: RuleFieldCount,
			Msg: fmt.Sprintf("row has %d cells, the header has %d", len(cells), len(c.colField))}
	}
	for col, text := range cells {
		if fi := c.colField[col]; fi >= 0 {
			c.b.vals[fi] = strings.TrimSpace(text)
		}
	}
	line := c.line
	return c.b.build(func(int) int { return line })
}

func (c *CSVReader[R]) assetColumn() int {
	for col, fi := range c.colField {
		if fi == c.b.assetI {
			return col
		}
	}
	return -1
}

func (c *CSVReader[R]) readHeader() error {
	c.header = true
	cells, err := c.cr.Read()
	if err != nil {
		if err == io.EOF {
			return &RowError{Line: 1, Rule: RuleHeader, Msg: "the file is empty: no header row"}
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &RowError{Line: pe.StartLine, Rule: RuleHeader, Msg: "the header row is malformed: " + pe.Err.Error()}
		}
		return readError(1, err)
	}
	c.line, _ = c.cr.FieldPos(0)
	fs := c.b.fields
	c.colField = make([]int, len(cells))
	firstCol := make([]int, len(fs.fields))
	for i := range firstCol {
		firstCol[i] = -1
	}
	for col, cell := range cells {
		name := strings.TrimSpace(cell)
		fi, ok := fs.byFold[strings.ToLower(name)]
		if !ok {
			c.colField[col] = -1
			if name != "" {
				c.ignored = append(c.ignored, name)
			}
			continue
		}
		if firstCol[fi] >= 0 {
			return &RowError{Line: c.line, Field: fs.fields[fi].name, Rule: RuleDuplicateColumn,
				Msg: fmt.Sprintf("column %s appears twice (columns %d and %d)", fs.fields[fi].name, firstCol[fi]+1, col+1)}
		}
		firstCol[fi] = col
		c.colField[col] = fi
	}
	var missing []string
	for fi, f := range fs.fields {
		if f.required && firstCol[fi] < 0 {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return &RowError{Line: c.line, Field: missing[0], Rule: RuleMissingColumn,
			Msg: "required column missing: " + strings.Join(missing, ", ")}
	}
	return nil
}

// skipBOM drops a leading UTF-8 byte-order mark, which spreadsheet programs
// put in front of "CSV UTF-8" exports and which would otherwise glue
// itself to the first column name.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	return br
}
