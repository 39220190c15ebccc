package loantape

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// charsetReader lets the XML decoder read documents that declare a
// single-byte encoding. encoding/xml handles UTF-8 itself; US-ASCII is a
// subset of it; ISO-8859-1 maps each byte to the code point of the same
// value. Anything else is refused by name rather than misread.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return &latin1Reader{r: bufio.NewReader(input)}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (use UTF-8, US-ASCII or ISO-8859-1)", label)
}

// latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct {
	r       *bufio.Reader
	pending []byte // second byte of a two-byte UTF-8 sequence that did not fit
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			p[n] = l.pending[0]
			l.pending = l.pending[1:]
			n++
			continue
		}
		c, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c < utf8.RuneSelf {
			p[n] = c
			n++
			continue
		}
		var enc [2]byte
		utf8.EncodeRune(enc[:], rune(c))
		p[n] = enc[0]
		n++
		l.pending = append(l.pending[:0], enc[1])
	}
	return n, nil
}
