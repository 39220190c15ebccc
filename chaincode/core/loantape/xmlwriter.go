package loantape

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
)

// XMLWriter writes records as an EX-102 asset-data document: an XML
// declaration, an assetData root in the autoloan namespace and one assets
// element per record, one child element per line in EX-102 order. Absent
// optional values are omitted, as EDGAR filers do; required ones are
// always written.
type XMLWriter[R Record] struct {
	w       *bufio.Writer
	fields  *fieldSet[R]
	started bool
	closed  bool
}

// NewXMLWriter returns a writer of records of kind R to w. Call Close to
// finish the document.
func NewXMLWriter[R Record](w io.Writer) *XMLWriter[R] {
	return &XMLWriter[R]{w: bufio.NewWriter(w), fields: fieldsOf[R]()}
}

var errWriterClosed = errors.New("loantape: write after Close")

// Write writes one assets element.
func (x *XMLWriter[R]) Write(rec R) error {
	if x.closed {
		return errWriterClosed
	}
	x.start()
	x.w.WriteString("  <" + assetElement + ">\n")
	for _, f := range x.fields.fields {
		text, absent := formatValue(f.at(&rec))
		if absent && !f.required {
			continue
		}
		x.w.WriteString("    <")
		x.w.WriteString(f.name)
		x.w.WriteByte('>')
		if err := xml.EscapeText(x.w, []byte(text)); err != nil {
			return err
		}
		x.w.WriteString("</")
		x.w.WriteString(f.name)
		x.w.WriteString(">\n")
	}
	_, err := x.w.WriteString("  </" + assetElement + ">\n")
	return err
}

// Close ends the document and flushes it; it does not close the
// underlying writer. A document with no records is still complete.
func (x *XMLWriter[R]) Close() error {
	if x.closed {
		return nil
	}
	x.start()
	x.closed = true
	x.w.WriteString("</" + rootElement + ">\n")
	return x.w.Flush()
}

func (x *XMLWriter[R]) start() {
	if x.started {
		return
	}
	x.started = true
	x.w.WriteString(xml.Header)
	x.w.WriteString("<" + rootElement + ` xmlns="` + Namespace + `">` + "\n")
}
