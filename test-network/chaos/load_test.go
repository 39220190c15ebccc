package chaos

import (
	"errors"
	"testing"
)

func TestFailureLineIsTheDemosFailureNotAnExpectedRefusal(t *testing.T) {
	out := `[  90.1s] ▸ Secondary trade between banks, delivery versus payment
           AUTO-DEMO-1-TRADE-2: alice offers 250,000 A-3 units · settle tx 7b13af2b8d… recorded failed: RULE_JURISDICTION_BLOCKED (rule 4)

✗ FAILED at step "Gateway apps, identities and a fresh run number" after 0.4s

  GET http://127.0.0.1:11082/readyz: connection refused
`
	got := failureLine(out, errors.New("exit status 1"))
	want := `✗ FAILED at step "Gateway apps, identities and a fresh run number" after 0.4s — GET http://127.0.0.1:11082/readyz: connection refused`
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got := failureLine("no marker", errors.New("signal: killed")); got != "signal: killed" {
		t.Fatalf("without a marker: %q", got)
	}
}
