package mortgage

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ALWriter writes Schedule AL rows as CSV with a header of every column
// in table order; absent values (zero amounts, empty text, zero dates) are
// empty cells, so reading back what was written gives equal rows.
type ALWriter struct {
	cw     *csv.Writer
	header bool
	cells  []string
}

// NewALWriter returns a writer to w.
func NewALWriter(w io.Writer) *ALWriter {
	return &ALWriter{cw: csv.NewWriter(w), cells: make([]string, len(alLayout.columns))}
}

// Write writes one row (the header first).
func (a *ALWriter) Write(r ALRow) error {
	if !a.header {
		a.header = true
		if err := a.cw.Write(ALColumns()); err != nil {
			return err
		}
	}
	for i, c := range alLayout.columns {
		a.cells[i] = formatCell(c.at(&r), c.required)
	}
	return a.cw.Write(a.cells)
}

// Flush writes any buffered data and returns the first error.
func (a *ALWriter) Flush() error {
	a.cw.Flush()
	return a.cw.Error()
}

// formatCell renders a value; a zero number in a required column is
// written ("0.00"), since an empty cell there means missing.
func formatCell(v any, required bool) string {
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
	case *loantape.Month:
		if p.IsZero() {
			return ""
		}
		return p.EX102()
	case *loantape.Date:
		if p.IsZero() {
			return ""
		}
		return p.EX102()
	}
	panic("mortgage: unsupported column type")
}
