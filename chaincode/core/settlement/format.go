package settlement

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// stamp renders a time for messages: RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func itoa(n int) string { return strconv.Itoa(n) }

// quoteRune quotes the character starting at byte i of s.
func quoteRune(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strconv.QuoteRune(r)
}

// messageOf returns an error's message without its own field prefix, so
// that the caller can put its field name in front instead.
func messageOf(err error) string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.Field != "" {
		return strings.TrimPrefix(e.Msg, e.Field+": ")
	}
	return e.Msg
}
