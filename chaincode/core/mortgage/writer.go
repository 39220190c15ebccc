package mortgage

import (
	"io"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// ALWriter writes Schedule AL rows as CSV with a header of every column
// in table order (loantape.FormatCell: absent values are empty cells), so
// reading back what was written gives equal rows.
type ALWriter = loantape.TableWriter[ALRow]

// NewALWriter returns a writer to w.
func NewALWriter(w io.Writer) *ALWriter {
	return loantape.NewTableWriter(w, alLayout.cellLayout().Columns, func(col int, r *ALRow) any { return alLayout.columns[col].at(r) })
}
