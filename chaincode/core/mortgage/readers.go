package mortgage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Source is a stream of records with line numbers, as the validators
// consume it. Read returns the next record, io.EOF at the end, a
// non-fatal *loantape.RowError for a bad row (call Read again) or a fatal
// error (returned again by every later call).
type Source[R any] interface {
	Read() (R, error)
	Line() int
}

// maxLineBytes bounds one line of a pipe file: a GSE row is under 400
// bytes, so a longer line is not a row of this layout, and the bound keeps
// a file without newlines from being held in memory whole.
const maxLineBytes = 64 << 10

// PipeReader streams records from a positional, pipe-delimited file
// without a header (the GSE loan-level layouts). Blank lines are skipped,
// CRLF is fine, cells are trimmed, an empty cell is absent. A row with
// fewer columns than the layout models is a field-count error; extra
// columns (a later release of the layout) are ignored.
type PipeReader[R any] struct {
	br     *bufio.Reader
	layout *layout[R]
	vals   []string
	line   int // line of the last record
	next   int // line number of the next line to read
	err    error
}

// NewOriginationReader reads a GSE origination file.
func NewOriginationReader(r io.Reader) *PipeReader[Origination] {
	return newPipeReader(r, originationLayout)
}

// NewPerformanceReader reads a GSE monthly performance file.
func NewPerformanceReader(r io.Reader) *PipeReader[Performance] {
	return newPipeReader(r, performanceLayout)
}

func newPipeReader[R any](r io.Reader, l *layout[R]) *PipeReader[R] {
	return &PipeReader[R]{br: bufio.NewReaderSize(r, 4096), layout: l, vals: make([]string, len(l.columns)), next: 1}
}

// Line returns the line of the record (or error) Read last returned.
func (p *PipeReader[R]) Line() int { return p.line }

// Read returns the next record; see Source.
func (p *PipeReader[R]) Read() (R, error) {
	var zero R
	for p.err == nil {
		text, err := p.readLine()
		if err != nil {
			p.err = err
			break
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		cells := strings.Split(text, "|")
		if len(cells) < p.layout.width {
			return zero, &loantape.RowError{Line: p.line, Rule: loantape.RuleFieldCount,
				Msg: fmt.Sprintf("the %s layout has at least %d columns, the row has %d", p.layout.name, p.layout.width, len(cells))}
		}
		for i, c := range p.layout.columns {
			p.vals[i] = strings.TrimSpace(cells[c.pos-1])
		}
		return p.layout.build(p.line, p.vals)
	}
	return zero, p.err
}

// readLine returns the next line without its end, or io.EOF, or a fatal
// read error.
func (p *PipeReader[R]) readLine() (string, error) {
	var buf bytes.Buffer
	for {
		chunk, err := p.br.ReadSlice('\n')
		buf.Write(chunk)
		if buf.Len() > maxLineBytes {
			p.line = p.next
			return "", &loantape.RowError{Line: p.line, Rule: loantape.RuleRead,
				Msg: fmt.Sprintf("line longer than %d bytes: not a %s file", maxLineBytes, p.layout.name)}
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && buf.Len() > 0:
		case err == io.EOF:
			return "", io.EOF
		default:
			p.line = p.next
			return "", &loantape.RowError{Line: p.line, Rule: loantape.RuleRead, Msg: err.Error()}
		}
		p.line = p.next
		p.next++
		return strings.TrimRight(buf.String(), "\r\n"), nil
	}
}

// CSVReader streams Schedule AL rows from a CSV file whose header names
// the columns in any order and letter case, read by loantape.CellReader:
// unknown columns are ignored (IgnoredColumns lists them); a missing
// required column or a repeated one is fatal on the header line; a row
// with another number of cells than the header is a field-count error.
type CSVReader struct {
	cells  *loantape.CellReader
	layout *layout[ALRow]
}

// NewALReader reads a Schedule AL residential CSV file.
func NewALReader(r io.Reader) *CSVReader {
	return &CSVReader{cells: loantape.NewCellReader(r, alLayout.cellLayout()), layout: alLayout}
}

// Line returns the line of the record (or error) Read last returned.
func (c *CSVReader) Line() int { return c.cells.Line() }

// IgnoredColumns lists header cells that name no modelled column.
func (c *CSVReader) IgnoredColumns() []string { return c.cells.IgnoredColumns() }

// Read returns the next row; see Source.
func (c *CSVReader) Read() (ALRow, error) {
	vals, err := c.cells.Read()
	if err != nil {
		return ALRow{}, err
	}
	return c.layout.build(c.cells.Line(), vals)
}
