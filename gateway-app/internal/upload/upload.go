// Package upload is the gateway's file pipeline for loan tapes and
// servicer reports: an EX-102 file (CSV or XML) read row by row, checked
// completely first, then cut into chunks for the ledger.
//
// Two passes over the spooled file, never the file in memory:
//
//  1. Check reads every row (loantape's streaming readers), applies every
//     loantape rule with the row's line, the loans this gateway knows of
//     (unknown loan, balance continuity) and the servicer's control totals,
//     and sums the good rows. A file with any bad row is refused whole,
//     listing each bad row (a bounded list) with its line, loan, field and
//     rule: nothing is submitted.
//  2. Chunks reads the file again and hands the caller one chunk of rows
//     at a time, with its lines and aggregate, to submit.
//
// Memory is one chunk plus the validator's set of asset numbers (needed to
// refuse a loan reported twice): a 100,000-loan report never sits in
// memory whole, let alone twice.
//
// Workflow runs a whole upload: read the pool, deal and report records
// it depends on, check the file, open or resume the report, submit the
// chunks through a Submitter (the API's call, or a fake in tests), and
// keep the loan book in the store in step. The HTTP handlers only turn a
// request into a TapeRequest or ReportRequest and the answer or error
// back into HTTP.
//
// Imports: the chaincode's pure core and schema, ledger (transactions
// and errors) and store (the loan book); never the API, bbolt or the
// contracts.
package upload

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Format is an uploaded file's format.
type Format string

// The EX-102 formats loantape reads.
const (
	CSV Format = "csv"
	XML Format = "xml"
)

// ContentTypes are the media types accepted for each format.
var ContentTypes = map[string]Format{
	"text/csv": CSV, "application/csv": CSV,
	"application/xml": XML, "text/xml": XML,
}

// AcceptedContentTypes lists ContentTypes' keys, for documentation.
func AcceptedContentTypes() []string {
	return []string{"text/csv", "application/csv", "application/xml", "text/xml"}
}

// FormatOf returns the format of a media type.
func FormatOf(mediaType string) (Format, error) {
	f, ok := ContentTypes[mediaType]
	if !ok {
		return "", fmt.Errorf("media type %q is neither CSV nor EX-102 XML", mediaType)
	}
	return f, nil
}

// Opener opens the file from its start; each pass opens it again.
type Opener func() (io.ReadCloser, error)

// source is a row source over an open file and what it learnt of the
// file's columns.
type source[R loantape.Record] struct {
	loantape.RowSource[R]
	ignored func() []string
}

func newSource[R loantape.Record](f Format, r io.Reader) source[R] {
	if f == XML {
		return source[R]{RowSource: loantape.NewXMLReader[R](r), ignored: func() []string { return nil }}
	}
	cr := loantape.NewCSVReader[R](r)
	return source[R]{RowSource: cr, ignored: cr.IgnoredColumns}
}

// Refused is a file the gateway will not submit: its bad rows in file
// order (at most the validator's limit; Limited says checking stopped
// there). Totals that do not match the control totals are RowErrors with
// rule "totals" and no line.
type Refused struct {
	Errors  []*loantape.RowError
	Limited bool
}

func (r *Refused) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the file was refused with %d error(s); nothing was submitted", len(r.Errors))
	if len(r.Errors) > 0 {
		b.WriteString(": ")
		b.WriteString(r.Errors[0].Error())
	}
	return b.String()
}

// refusal turns a validator's verdict into a *Refused, or nil.
// rowChecker is what loantape's report and tape validators offer a pass
// over a file: check a record, or account for one that did not parse.
type rowChecker[R loantape.Record] interface {
	Check(line int, rec R) bool
	Reject(err error) bool
}

// checkAll streams every record of src through v until v has seen enough
// errors, and returns how many records parsed.
func checkAll[R loantape.Record](src source[R], v rowChecker[R]) int {
	n := 0
	for rec, err := range loantape.All[R](src) {
		more := true
		if err != nil {
			more = v.Reject(err)
		} else {
			n++
			more = v.Check(src.Line(), rec)
		}
		if !more {
			break
		}
	}
	return n
}

func refusal(err error) error {
	if err == nil {
		return nil
	}
	var ve *loantape.ValidationError
	if errors.As(err, &ve) {
		return &Refused{Errors: ve.Errors, Limited: ve.Limited}
	}
	return err
}

// DefaultMaxErrors bounds the errors listed for a refused file.
const DefaultMaxErrors = 50
