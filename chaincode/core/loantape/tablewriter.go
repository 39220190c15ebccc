package loantape

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// TableWriter writes records of a layout read by a CellReader (Schedule
// AL, leases) as CSV: a header of every column in layout order, then one
// row per record with each value formatted by FormatCell, so that reading
// back what was written gives equal records.
type TableWriter[R any] struct {
	cw      *csv.Writer
	columns []Column
	at      func(col int, r *R) any
	cells   []string
	header  bool
}

// NewTableWriter returns a writer to w of records whose column col lives
// at at(col, r): a *string, *money.Amount, *decimal.Decimal, *int, *Month
// or *Date.
func NewTableWriter[R any](w io.Writer, columns []Column, at func(col int, r *R) any) *TableWriter[R] {
	return &TableWriter[R]{cw: csv.NewWriter(w), columns: columns, at: at, cells: make([]string, len(columns))}
}

// Write writes one record (the header first).
func (t *TableWriter[R]) Write(r R) error {
	if !t.header {
		t.header = true
		for i, c := range t.columns {
			t.cells[i] = c.Name
		}
		if err := t.cw.Write(t.cells); err != nil {
			return err
		}
	}
	for i, c := range t.columns {
		t.cells[i] = FormatCell(t.at(i, &r), c.Required)
	}
	return t.cw.Write(t.cells)
}

// Flush writes any buffered data and returns the first error.
func (t *TableWriter[R]) Flush() error {
	t.cw.Flush()
	return t.cw.Error()
}

// FormatCell renders a value as a servicer's file writes it: amounts and
// rates as plain decimals, months MM/YYYY and dates MM-DD-YYYY (EX-102).
// An absent value (empty text, a zero date, a zero number in an optional
// column) is an empty cell; a zero number in a required column is written
// ("0.00"), since an empty cell there means missing.
func FormatCell(v any, required bool) string {
	switch p := v.(type) {
	case *string:
		return *p
	case *money.Amount:
		if *p == 0 && !required {
			return ""
		}
		return p.String()
	case *decimal.Decimal:
		if p.IsZero() && !required {
			return ""
		}
		return p.String()
	case *int:
		if *p == 0 && !required {
			return ""
		}
		return strconv.Itoa(*p)
	case *Month:
		return p.EX102()
	case *Date:
		return p.EX102()
	}
	panic(fmt.Sprintf("loantape: FormatCell cannot format a %T", v))
}
