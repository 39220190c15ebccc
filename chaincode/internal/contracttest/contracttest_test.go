package contracttest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The harness reads the test network's files; these are the facts about
// them that the contract tests rely on.
func TestTestNetwork(t *testing.T) {
	n, err := contracttest.TestNetwork()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	members := map[string][]string{}
	for _, c := range n.Collections {
		members[c.Name] = c.Members
	}
	for _, msp := range n.Config.Custodians() {
		got := members[roles.RegistryCollection(msp)]
		if !slices.Contains(got, n.Trustee) || !slices.Contains(got, msp) {
			t.Errorf("registry of %s has members %v; the trustee keeps every registry", msp, got)
		}
	}
	if got := members[roles.LoanTapeCollection]; !slices.Equal(got, []string{n.Trustee, n.Servicer}) {
		t.Errorf("loanTape members %v", got)
	}
	if got := members[roles.ComplianceCollection]; len(got) != len(n.Config.Custodians()) {
		t.Errorf("compliance members %v", got)
	}
	if n.Investors == n.Trustee || n.Investors == n.Servicer {
		t.Errorf("investor bank %s is also trustee or servicer", n.Investors)
	}
}

// The standard fixture leaves consistent books and every role resolved.
func TestStandardFixture(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	w.IssueAndPlace(f.A, f.Investors, []int64{10, 20, 30, 40})
	for _, tr := range []string{f.A, f.B, f.R} {
		if err := w.CheckTranche(tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
	b, err := w.ReadTranche(f.A)
	if err != nil {
		t.Fatal(err)
	}
	if b.Holders() != 4 || b.Positions[w.Key(f.Investors[3])].Units != 40 {
		t.Fatalf("books %+v", b)
	}
	for id, want := range map[string]string{w.Key(w.Trustee): "trustee", w.Key(w.Servicer): "servicer", w.Key(w.Settlement): "settlement"} {
		if got := w.Must(w.NoRole, "Admin:Roles", id); !strings.Contains(got, `"`+want+`"`) {
			t.Errorf("roles of %s: %s", id, got)
		}
	}
}

// RoundTrip is what catches the gateway's decoding drifting from a
// contract's answer: a field the contract writes that the type lacks, and
// a field the type has that the contract does not write, both fail.
func TestRoundTripCatchesDrift(t *testing.T) {
	ok := `{"available":"70.00","balance":"100.00","held":"30.00","holder":"Org2MSP/alice"}`
	got, err := contracttest.RoundTrip[schema.CashBalance]([]byte(ok))
	if err != nil || got.Available != 70_00 {
		t.Fatalf("a faithful answer: %+v, %v", got, err)
	}
	for name, payload := range map[string]string{
		"a field the type lacks":        `{"available":"70.00","balance":"100.00","held":"30.00","holder":"Org2MSP/alice","pending":"1.00"}`,
		"a field the contract left out": `{"balance":"100.00","held":"30.00","holder":"Org2MSP/alice"}`,
		"not in canonical form":         `{"holder":"Org2MSP/alice","balance":"100.00","held":"30.00","available":"70.00"}`,
	} {
		if _, err := contracttest.RoundTrip[schema.CashBalance]([]byte(payload)); err == nil {
			t.Errorf("%s: accepted %s", name, payload)
		}
	}
}
