package lease

import (
	"io"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Writer writes lease rows as CSV with a header of every column in table
// order (loantape.FormatCell: absent values are empty cells), so reading
// back what was written gives equal rows.
type Writer = loantape.TableWriter[Row]

// NewWriter returns a writer to w.
func NewWriter(w io.Writer) *Writer {
	return loantape.NewTableWriter(w, cellLayout.Columns, func(col int, r *Row) any { return columns[col].at(r) })
}
