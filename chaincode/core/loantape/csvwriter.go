package loantape

import (
	"encoding/csv"
	"io"
)

// CSVWriter writes records as CSV with a header of EX-102 element names
// in EX-102 order. Required fields are always written; absent optional
// values leave the cell empty. Dates use the EX-102 forms (MM-DD-YYYY,
// MM/YYYY), so a CSVReader reads back exactly the records written.
type CSVWriter[R Record] struct {
	w      *csv.Writer
	fields *fieldSet[R]
	cells  []string
	header bool
}

// NewCSVWriter returns a writer of records of kind R to w.
func NewCSVWriter[R Record](w io.Writer) *CSVWriter[R] {
	fs := fieldsOf[R]()
	return &CSVWriter[R]{w: csv.NewWriter(w), fields: fs, cells: make([]string, len(fs.fields))}
}

// Write writes one record (after the header, on the first call). Output is
// buffered: call Flush at the end.
func (c *CSVWriter[R]) Write(rec R) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	for i, f := range c.fields.fields {
		text, absent := formatValue(f.at(&rec))
		if absent && !f.required {
			text = ""
		}
		c.cells[i] = text
	}
	return c.w.Write(c.cells)
}

// Flush writes the header if no record was written, then flushes.
func (c *CSVWriter[R]) Flush() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *CSVWriter[R]) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(c.fields.names())
}
