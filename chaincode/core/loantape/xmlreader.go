package loantape

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
)

// Namespace is the XML namespace of EX-102 auto-loan asset data.
const Namespace = "http://www.sec.gov/edgar/document/absee/autoloan/assetdata"

// EX-102 document structure: one root, one assets element per loan.
const (
	rootElement  = "assetData"
	assetElement = "assets"
)

// XMLReader streams records from an EX-102 asset-data document with an
// encoding/xml token loop, one assets element at a time; the document is
// never held whole. It accepts what servicers file:
//
//   - the root must be assetData, in the autoloan namespace or in none
//     (an autolease or other namespace is refused: its elements differ);
//   - namespace prefixes are fine, elements are matched by local name;
//   - omitted elements are absent values, unknown elements are ignored;
//   - a repeated element keeps its first non-empty value (issuers repeat subvented
//     and modificationTypeCode; neither changes a modelled field);
//   - ISO-8859-1 and US-ASCII declared encodings are decoded.
//
// Line numbers are those of each assets start tag; a bad element is
// reported on its own line.
type XMLReader[R Record] struct {
	dec    *xml.Decoder
	b      recordBuilder[R]
	lines  []int // line of each field's element in the current asset
	text   []byte
	inRoot bool
	// inAsset is set while an assets element is being read, so that a
	// syntax error names the loan only when it is inside one.
	inAsset bool
	line    int
	err     error // sticky: fatal error or io.EOF
}

// NewXMLReader returns a reader of records of kind R from r:
//
//	rd := loantape.NewXMLReader[loantape.PeriodRow](file)
func NewXMLReader[R Record](r io.Reader) *XMLReader[R] {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charsetReader
	fs := fieldsOf[R]()
	return &XMLReader[R]{dec: dec, b: newRecordBuilder(fs), lines: make([]int, len(fs.fields))}
}

// Line returns the line of the last assets element read.
func (x *XMLReader[R]) Line() int { return x.line }

// All ranges over the records; see the package-level All.
func (x *XMLReader[R]) All() iter.Seq2[R, error] { return All[R](x) }

// Read returns the next record. See RowSource for the error contract.
func (x *XMLReader[R]) Read() (R, error) {
	var zero R
	if x.err != nil {
		return zero, x.err
	}
	if !x.inRoot {
		if err := x.openRoot(); err != nil {
			return zero, x.fail(err)
		}
	}
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return zero, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == assetElement {
				return x.readAsset()
			}
			// Not part of EX-102 asset data: step over it.
			if err := x.dec.Skip(); err != nil {
				return zero, x.fail(err)
			}
		case xml.EndElement: // the root closes: the decoder has checked it matches
			x.err = io.EOF
			return zero, io.EOF
		}
	}
}

func (x *XMLReader[R]) openRoot() error {
	for {
		tok, err := x.dec.Token()
		if err == io.EOF {
			return &RowError{Line: x.pos(), Rule: RuleXMLRoot, Msg: "no " + rootElement + " element: the document is empty"}
		}
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != rootElement || (t.Name.Space != "" && t.Name.Space != Namespace) {
				return &RowError{Line: x.pos(), Rule: RuleXMLRoot,
					Msg: fmt.Sprintf("root element is {%s}%s, want %s in namespace %s", t.Name.Space, t.Name.Local, rootElement, Namespace)}
			}
			x.inRoot = true
			return nil
		}
	}
}

// readAsset reads the children of an assets element up to its end tag.
func (x *XMLReader[R]) readAsset() (R, error) {
	var zero R
	x.line = x.pos()
	x.b.reset()
	x.inAsset = true
	defer func() { x.inAsset = false }()
	var structural *RowError
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return zero, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elemLine := x.pos()
			fi, known := x.b.fields.byName[t.Name.Local]
			keep := known && x.b.vals[fi] == "" // first non-empty value wins
			text, nested, err := x.elementText(keep)
			if err != nil {
				return zero, x.fail(err)
			}
			if nested && structural == nil {
				structural = &RowError{Line: elemLine, Field: t.Name.Local, Rule: RuleXMLStructure,
					Msg: t.Name.Local + " holds elements where text was expected"}
			}
			if keep && !nested {
				x.b.vals[fi] = text
				x.lines[fi] = elemLine
			}
		case xml.EndElement:
			if structural != nil {
				structural.AssetNumber = x.b.asset()
				return zero, structural
			}
			return x.b.build(func(i int) int {
				if x.b.vals[i] == "" {
					return x.line // a missing element is blamed on its asset
				}
				return x.lines[i]
			})
		}
	}
}

// elementText reads the character data of the element just opened, up to
// its end tag, and trims it (only if keep: unknown elements are read for
// well-formedness, not for their text). Child elements are skipped and
// reported.
func (x *XMLReader[R]) elementText(keep bool) (text string, nested bool, err error) {
	x.text = x.text[:0]
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if keep {
				x.text = append(x.text, t...)
			}
		case xml.StartElement:
			nested = true
			if err := x.dec.Skip(); err != nil {
				return "", false, err
			}
		case xml.EndElement:
			if !keep {
				return "", nested, nil
			}
			return string(bytes.TrimSpace(x.text)), nested, nil
		}
	}
}

// fail turns a decoder error into a sticky fatal RowError.
func (x *XMLReader[R]) fail(err error) error {
	var re *RowError
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &re):
	case errors.As(err, &se):
		re = &RowError{Line: se.Line, Rule: RuleXMLSyntax, Msg: "malformed XML: " + se.Msg}
		if x.inAsset {
			re.AssetNumber = x.b.asset()
		}
	case err == io.EOF:
		re = &RowError{Line: x.pos(), Rule: RuleXMLSyntax, Msg: "malformed XML: unexpected end of document"}
	default:
		re = readError(x.pos(), err)
	}
	x.err = re
	return re
}

func (x *XMLReader[R]) pos() int {
	line, _ := x.dec.InputPos()
	return line
}
