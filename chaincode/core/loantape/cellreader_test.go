package loantape

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// The shared reader every CSV layout uses: cells come back in layout
// order whatever the header's order and case, unknown columns are listed,
// a short row names its identifying cell, and the reader goes on after it.
func TestCellReaderLaysCellsOutByHeader(t *testing.T) {
	l := Layout{What: "test columns", IDColumn: 1, Columns: []Column{{Name: "amount", Required: true}, {Name: "id", Required: true}, {Name: "note"}}}
	text := "\xef\xbb\xbfID, Extra ,AMOUNT\r\nA1,x,10.00\r\nA2,y\r\n\r\nA3,z,\"1,5\"\r\n"
	rd := NewCellReader(strings.NewReader(text), l)
	var got [][]string
	var rowErrs []*RowError
	for {
		cells, err := rd.Read()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) && !re.Fatal() {
			rowErrs = append(rowErrs, re)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, slices.Clone(cells))
	}
	want := [][]string{{"10.00", "A1", ""}, {"1,5", "A3", ""}}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 3 || rowErrs[0].AssetNumber != "A2" || rowErrs[0].Rule != RuleFieldCount {
		t.Errorf("row errors %+v, want one field-count error for A2 on line 3", rowErrs)
	}
	if !slices.Equal(rd.IgnoredColumns(), []string{"Extra"}) {
		t.Errorf("ignored %q", rd.IgnoredColumns())
	}
}

func TestCellReaderHeaderErrorsAreFatal(t *testing.T) {
	l := Layout{What: "test columns", IDColumn: -1, Columns: []Column{{Name: "a", Required: true}, {Name: "b", Required: true}, {Name: "c"}}}
	for _, tc := range []struct{ text, field, rule string }{
		{"", "", RuleHeader},
		{"a,c\n1,2\n", "b", RuleMissingColumn},
		{"a,b,A\n1,2,3\n", "a", RuleDuplicateColumn},
	} {
		rd := NewCellReader(strings.NewReader(tc.text), l)
		_, err := rd.Read()
		var re *RowError
		if !errors.As(err, &re) || !re.Fatal() || re.Field != tc.field || re.Rule != tc.rule {
			t.Errorf("%q: %v, want fatal %s on field %q", tc.text, err, tc.rule, tc.field)
		}
		if _, again := rd.Read(); again != err {
			t.Errorf("%q: a fatal error must stick, got %v then %v", tc.text, err, again)
		}
	}
}
