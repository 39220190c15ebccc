package loantape

import (
	"io"
	"iter"
)

// DefaultChunkSize is the number of rows per chunk when none is given:
// small enough that a chunk's rows fit comfortably in one Fabric
// transaction's transient data, large enough that 100,000 loans take 200
// transactions rather than thousands.
const DefaultChunkSize = 500

// ReportChunk is a run of consecutive report rows with their aggregate.
// The gateway submits chunks one by one; the chaincode recomputes each
// chunk's aggregate from its rows, adds them up (ReportAggregates.Add) and
// reconciles the sum with the totals declared for the report.
type ReportChunk struct {
	// Index counts chunks from 0.
	Index int `json:"index"`
	// FirstLine and LastLine are the file lines of the first and last row.
	FirstLine  int              `json:"firstLine"`
	LastLine   int              `json:"lastLine"`
	Rows       []PeriodRow      `json:"rows"`
	Aggregates ReportAggregates `json:"aggregates"`
}

// TapeChunk is a run of consecutive tape loans with their aggregate.
type TapeChunk struct {
	Index      int            `json:"index"`
	FirstLine  int            `json:"firstLine"`
	LastLine   int            `json:"lastLine"`
	Loans      []Loan         `json:"loans"`
	Aggregates TapeAggregates `json:"aggregates"`
}

// ReportChunks cuts src into chunks of size rows (DefaultChunkSize if
// size <= 0), each aggregated for period p. Validate the file first:
// chunking stops at the first error of any kind, which is yielded with a
// zero chunk. Each chunk's Rows is a new slice the caller may keep.
func ReportChunks(src RowSource[PeriodRow], size int, p Period) iter.Seq2[ReportChunk, error] {
	return func(yield func(ReportChunk, error) bool) {
		chunkRows(src, size, func(index, first, last int, rows []PeriodRow) bool {
			g := NewReportAggregator(p)
			for _, r := range rows {
				if err := g.Add(r); err != nil {
					yield(ReportChunk{}, err)
					return false
				}
			}
			return yield(ReportChunk{Index: index, FirstLine: first, LastLine: last, Rows: rows, Aggregates: g.Aggregates()}, nil)
		}, func(err error) { yield(ReportChunk{}, err) })
	}
}

// TapeChunks cuts src into chunks of size loans; see ReportChunks.
func TapeChunks(src RowSource[Loan], size int) iter.Seq2[TapeChunk, error] {
	return func(yield func(TapeChunk, error) bool) {
		chunkRows(src, size, func(index, first, last int, loans []Loan) bool {
			g := NewTapeAggregator()
			for _, l := range loans {
				if err := g.Add(l); err != nil {
					yield(TapeChunk{}, err)
					return false
				}
			}
			return yield(TapeChunk{Index: index, FirstLine: first, LastLine: last, Loans: loans, Aggregates: g.Aggregates()}, nil)
		}, func(err error) { yield(TapeChunk{}, err) })
	}
}

// chunkRows reads src in runs of size records and hands each run to emit
// until emit returns false, the source ends or fails (then fail is called).
func chunkRows[R Record](src RowSource[R], size int, emit func(index, first, last int, rows []R) bool, fail func(error)) {
	if size <= 0 {
		size = DefaultChunkSize
	}
	index, first, last := 0, 0, 0
	rows := make([]R, 0, size)
	for {
		rec, err := src.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
			return
		}
		if len(rows) == 0 {
			first = src.Line()
		}
		rows, last = append(rows, rec), src.Line()
		if len(rows) == size {
			if !emit(index, first, last, rows) {
				return
			}
			index++
			rows = make([]R, 0, size)
		}
	}
	if len(rows) > 0 {
		emit(index, first, last, rows)
	}
}
