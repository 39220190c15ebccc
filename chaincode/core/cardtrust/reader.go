package cardtrust

import (
	"errors"
	"io"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// CSVReader streams monthly reports from a CSV file whose header names the
// columns of [Layout] in any order and letter case, read by
// loantape.CellReader: unknown columns are ignored (IgnoredColumns lists
// them); a missing or repeated column is fatal on the header line; a row
// with another number of cells than the header is a field-count error and
// reading goes on with the next row.
type CSVReader struct {
	cells *loantape.CellReader
}

// cellLayout is the report layout as the CellReader matches it: every
// column is required; a report row is named by its month, not an asset.
var cellLayout = func() loantape.Layout {
	l := loantape.Layout{What: "the card report columns", IDColumn: -1}
	for _, c := range reportColumns {
		l.Columns = append(l.Columns, loantape.Column{Name: c.name, Required: true})
	}
	return l
}()

// NewCSVReader reads card trust reports from r, one at a time.
func NewCSVReader(r io.Reader) *CSVReader {
	return &CSVReader{cells: loantape.NewCellReader(r, cellLayout)}
}

// Line returns the line of the report (or error) Read last returned.
func (c *CSVReader) Line() int { return c.cells.Line() }

// IgnoredColumns lists header cells that name no column of the layout.
func (c *CSVReader) IgnoredColumns() []string { return c.cells.IgnoredColumns() }

// Read returns the next report, io.EOF at the end, a non-fatal
// *loantape.RowError for a bad row (call Read again), or a fatal error
// that every later call returns again.
func (c *CSVReader) Read() (Report, error) {
	vals, err := c.cells.Read()
	if err != nil {
		return Report{}, err
	}
	return build(c.cells.Line(), vals)
}

// ReadAll reads every report of r, checking each on its own
// ([CheckReport]); it returns the good reports and every row error (up to
// loantape.DefaultMaxErrors), or a fatal error alone.
func ReadAll(r io.Reader) ([]Report, []*loantape.RowError, error) {
	cr := NewCSVReader(r)
	var out []Report
	var bad []*loantape.RowError
	for {
		rep, err := cr.Read()
		if err == io.EOF {
			return out, bad, nil
		}
		if err == nil {
			err = CheckReport(cr.Line(), &rep)
		}
		var re *loantape.RowError
		switch {
		case err == nil:
			out = append(out, rep)
		case errors.As(err, &re) && !re.Fatal():
			if len(bad) < loantape.DefaultMaxErrors {
				bad = append(bad, re)
			}
		default:
			return nil, nil, err
		}
	}
}
