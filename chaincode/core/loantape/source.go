package loantape

import (
	"io"
	"iter"
)

// RowSource is a stream of records with line numbers: [CSVReader] and
// [XMLReader] implement it, and the validators and chunkers consume it.
type RowSource[R Record] interface {
	// Read returns the next record, io.EOF at the end, a non-fatal
	// *RowError for a bad row (call Read again for the next one) or a
	// fatal error (every later call returns it again).
	Read() (R, error)
	// Line returns the line on which the record (or error) last returned
	// by Read starts.
	Line() int
}

// All ranges over src until io.EOF or a fatal error: bad rows are yielded
// with their *RowError and the loop goes on; a fatal error is yielded and
// ends the loop. Inside the loop src.Line() is the line of the current
// record.
func All[R Record](src RowSource[R]) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		for {
			rec, err := src.Read()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || (err != nil && isFatal(err)) {
				return
			}
		}
	}
}

// recordBuilder turns the text of one record's fields into a record. The
// readers collect the text (CSV cells, XML element contents) into vals,
// indexed like the field table, and call build once per record.
type recordBuilder[R Record] struct {
	fields *fieldSet[R]
	vals   []string
	assetI int // index of assetNumber in the field table
}

func newRecordBuilder[R Record](fs *fieldSet[R]) recordBuilder[R] {
	return recordBuilder[R]{fields: fs, vals: make([]string, len(fs.fields)), assetI: fs.byName["assetNumber"]}
}

func (b *recordBuilder[R]) reset() { clear(b.vals) }

func (b *recordBuilder[R]) asset() string { return b.vals[b.assetI] }

// build parses every field. lineOf gives the line to blame for field i
// (the row's line in CSV, the element's line in XML). The first bad field,
// in element order, is the one reported, with a zero record.
func (b *recordBuilder[R]) build(lineOf func(i int) int) (R, error) {
	var rec, zero R
	for i, f := range b.fields.fields {
		text := b.vals[i]
		if text == "" {
			if f.required {
				return zero, &RowError{Line: lineOf(i), AssetNumber: b.asset(), Field: f.name, Rule: RuleRequired,
					Msg: f.name + " is required but missing or empty"}
			}
			continue
		}
		if rule, msg := parseValue(f.at(&rec), f.name, text); rule != "" {
			return zero, &RowError{Line: lineOf(i), AssetNumber: b.asset(), Field: f.name, Rule: rule, Msg: msg}
		}
	}
	return rec, nil
}

// SliceSource serves records already in memory as a RowSource: a chunk
// the chaincode received, rows built by a test. Record i is reported on
// line firstLine+i, so errors point back into the file the chunk came
// from.
type SliceSource[R Record] struct {
	recs      []R
	firstLine int
	next      int
}

// NewSliceSource returns a source of recs, the first on line firstLine.
func NewSliceSource[R Record](recs []R, firstLine int) *SliceSource[R] {
	return &SliceSource[R]{recs: recs, firstLine: firstLine}
}

// Read returns the next record, or io.EOF.
func (s *SliceSource[R]) Read() (R, error) {
	if s.next >= len(s.recs) {
		var zero R
		return zero, io.EOF
	}
	s.next++
	return s.recs[s.next-1], nil
}

// Line returns the line of the record last returned.
func (s *SliceSource[R]) Line() int { return s.firstLine + s.next - 1 }
