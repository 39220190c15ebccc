package lease

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Writer writes lease rows as CSV with a header of every column in table
// order; absent values (zero amounts in optional columns, empty text, zero
// dates) are empty cells, so reading back what was written gives equal
// rows.
type Writer struct {
	cw     *csv.Writer
	header bool
	cells  []string
}

// NewWriter returns a writer to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{cw: csv.NewWriter(w), cells: make([]string, len(columns))}
}

// Write writes one row (the header first).
func (w *Writer) Write(r Row) error {
	if !w.header {
		w.header = true
		if err := w.cw.Write(Columns()); err != nil {
			return err
		}
	}
	for i, c := range columns {
		w.cells[i] = cell(c.at(&r), c.Required)
	}
	return w.cw.Write(w.cells)
}

// Flush writes any buffered data and returns the first error.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// cell renders a value; a zero number in a required column is written
// ("0.00"), since an empty cell there means missing.
func cell(v any, required bool) string {
	switch p := v.(type) {
	case *string:
		return *p
	case *money.Amount:
		if *p == 0 && !required {
			return ""
		}
		return p.String()
	case *decimal.Decimal:
		return p.String()
	case *int:
		if *p == 0 && !required {
			return ""
		}
		return strconv.Itoa(*p)
	case *loantape.Month:
		if p.IsZero() {
			return ""
		}
		return p.String()
	case *loantape.Date:
		if p.IsZero() {
			return ""
		}
		return p.String()
	}
	panic("lease: unsupported column type")
}
