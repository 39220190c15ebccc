package cardtrust

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// WriteCSV writes reports as CSV with the layout's header, in the form
// NewCSVReader reads back to the same reports.
func WriteCSV(w io.Writer, reports []Report) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(reportColumns))
	for i, c := range reportColumns {
		row[i] = c.name
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for k := range reports {
		r := &reports[k]
		for i, c := range reportColumns {
			switch v := c.at(r).(type) {
			case *string:
				row[i] = *v
			case *int:
				row[i] = strconv.Itoa(*v)
			case *Month:
				row[i] = v.String()
			case *money.Amount:
				row[i] = v.String()
			case *decimal.Decimal:
				row[i] = v.String()
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
