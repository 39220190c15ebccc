package assetclass

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Class{"": Auto, "auto": Auto, "mortgage": Mortgage, "cards": Cards} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Parse("Mortgage"); err == nil {
		t.Error("class names are exact")
	}
}

// Every rule a class skips exists in loantape and may be skipped there, so
// the validators accept the rules built from this table.
func TestSkippedRulesAreSkippable(t *testing.T) {
	for _, i := range All() {
		r := ReportRules(i.Class, loantape.ReportRules{})
		if _, err := loantape.NewReportValidator(r); err != nil {
			t.Errorf("%s: %v", i.Class, err)
		}
		if _, err := loantape.NewTapeValidator(loantape.TapeRules{Skip: i.SkipLoantapeRules}); err != nil {
			t.Errorf("%s: %v", i.Class, err)
		}
	}
}
