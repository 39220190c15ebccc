package scheduler

import (
	"context"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// A rule in the terms for an index no coupon names still holds
// certification up (the chaincode resolves every ruled index): the
// scheduler waits with the rule's reason instead of submitting a
// certification the chaincode would refuse with FIXING_UNRESOLVED.
func TestARuledIndexNoCouponNamesStillHoldsCertification(t *testing.T) {
	f := newFakeLedger(t, false) // fixed coupons only
	f.wf.Fixings = []fixing.Rule{{Index: "SOFR30A", Sources: []string{"Org2MSP", "Org3MSP"}, MinSources: 2, StaleDays: 5}}
	f.holders(4)
	f.report(1, schema.ReportComplete)
	_, book := openBook(t, t.TempDir())
	s := New(trusteeConfig(2), f, book, &testClock{day("2026-05-13")}, quiet(), nil)
	s.Pass(context.Background())
	v := view(t, s)
	if f.certifyCalls != 0 || len(v.Next) != 1 || !strings.Contains(strings.Join(v.Next[0].Waiting, ";"), "fixing SOFR30A: index SOFR30A: 0 valid posting(s)") {
		t.Fatalf("ruled index unmet: %+v (certify calls %d)", v, f.certifyCalls)
	}
}
