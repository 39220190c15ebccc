package api

import "testing"

func TestAcceptedFormat(t *testing.T) {
	alts := []Alternate[struct{}]{{Format: "csv", ContentType: "text/csv; charset=utf-8"}}
	for accept, want := range map[string]string{
		"":                               "",
		"*/*":                            "",
		"application/json":               "",
		"text/csv":                       "csv",
		"text/csv;charset=utf-8":         "csv",
		"application/json, text/csv":     "",
		"text/html, text/csv;q=0.9, */*": "csv",
		"text/csv;q=0":                   "",
		"application/xml":                "",
	} {
		if got := acceptedFormat(accept, alts); got != want {
			t.Errorf("Accept %q: format %q, want %q", accept, got, want)
		}
	}
}
