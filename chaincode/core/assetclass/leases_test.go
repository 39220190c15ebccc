package assetclass

import "testing"

// The lease class is named "leases" and replaces the auto-loan
// balance-over-original rule (a discounted balance may exceed the cost).
func TestLeasesClass(t *testing.T) {
	if c, err := Parse("leases"); err != nil || c != Leases || Of(Leases).Class != Leases {
		t.Fatalf("Parse(leases) = %q, %v", c, err)
	}
	if s := Of(Leases).SkipLoantapeRules; len(s) != 1 || s[0] != "balance-exceeds-original" {
		t.Fatalf("skipped rules %v", s)
	}
}
