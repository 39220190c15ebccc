package loantape

import (
	"bufio"
	"io"
	"iter"
)

// CSVReader streams records from a CSV file whose header row names EX-102
// elements, read by a CellReader (columns in any order, unknown ones
// ignored, quoted fields, CRLF, byte-order mark, blank lines; a missing
// required column or a repeated one is fatal on the header line). The
// header match ignores case because servicers' exports differ in it.
//
// Only the current row is held in memory.
type CSVReader[R Record] struct {
	cells *CellReader
	b     recordBuilder[R]
}

// NewCSVReader returns a reader of records of kind R from r:
//
//	rd := loantape.NewCSVReader[loantape.PeriodRow](file)
func NewCSVReader[R Record](r io.Reader) *CSVReader[R] {
	fs := fieldsOf[R]()
	b := newRecordBuilder(fs)
	cols := make([]Column, len(fs.fields))
	for i, f := range fs.fields {
		cols[i] = Column{Name: f.name, Required: f.required}
	}
	return &CSVReader[R]{cells: NewCellReader(r, Layout{What: "EX-102 elements", Columns: cols, IDColumn: b.assetI}), b: b}
}

// Line returns the line on which the last record read starts.
func (c *CSVReader[R]) Line() int { return c.cells.Line() }

// IgnoredColumns lists the header cells that name no modelled element, in
// header order. It is known after the first Read.
func (c *CSVReader[R]) IgnoredColumns() []string { return c.cells.IgnoredColumns() }

// All ranges over the records; see the package-level All.
func (c *CSVReader[R]) All() iter.Seq2[R, error] { return All[R](c) }

// Read returns the next record. See RowSource for the error contract.
func (c *CSVReader[R]) Read() (R, error) {
	cells, err := c.cells.Read()
	if err != nil {
		var zero R
		return zero, err
	}
	copy(c.b.vals, cells)
	line := c.cells.Line()
	return c.b.build(func(int) int { return line })
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
