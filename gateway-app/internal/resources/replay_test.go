package resources

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// certifiedPeriod runs a real waterfall on a simulated pool's first
// report, as Servicing:Certify does, and returns the records the ledger
// would hold.
func certifiedPeriod(t *testing.T) (schema.Certification, schema.Waterfall, schema.Report) {
	t.Helper()
	f := simulate(t, 60)
	whole := func(permille int64) money.Amount { return money.FromMajor(f.balance.Cents() * permille / 1000 / 100) }
	def := fmt.Sprintf(`{"version": 1, "deal": "D-1", "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [{"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": "0.045"}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": "0.055"}},
    {"name": "Certificates", "rank": 3, "originalBalance": "0", "residual": true}],
  "fees": [{"name": "servicing", "annualRate": "0.01"}],
  "ocTarget": {"fraction": "0.05", "of": "currentPool", "floorFraction": "0.005"},
  "steps": [{"kind": "fee", "fee": "servicing"}, {"kind": "interest", "classes": ["A"]}, {"kind": "interest", "classes": ["B"]},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B"]},
    {"kind": "residual", "class": "Certificates"}]}`, f.balance, whole(850), whole(100))
	parsed, err := waterfall.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	canonical, err := canon.Marshal(parsed)
	if err != nil {
		t.Fatal(err)
	}
	period := loantape.MonthlyPeriod(1, f.cutoff.AddMonths(1))
	agg, err := loantape.ValidateReport(loantape.NewSliceSource(f.rows, 2), loantape.ReportRules{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	rep := schema.Report{Deal: "D-1", Period: 1, Attempt: 1, Status: schema.ReportComplete, Header: schema.ReportHeader{Aggregates: agg}}
	wf := schema.Waterfall{Deal: "D-1", Version: 1, Definition: canonical, PaymentDay: 15}
	prior, err := distribution.PriorState(parsed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return certify(t, parsed, prior, wf, rep), wf, rep
}

// certify runs a report's period from prior as Servicing:Certify does and
// returns the certification the ledger would hold.
func certify(t *testing.T, def waterfall.Definition, prior waterfall.State, wf schema.Waterfall, rep schema.Report) schema.Certification {
	t.Helper()
	in, err := schema.PeriodInputs(&def, rep, wf, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err := distribution.Compute(distribution.Inputs{Definition: def, Prior: prior, Period: in})
	if err != nil {
		t.Fatal(err)
	}
	return schema.Certification{Deal: rep.Deal, Period: rep.Period, ReportAttempt: rep.Attempt, WaterfallVersion: wf.Version, Inputs: in,
		InputsHash: out.InputsHash, Result: out.ResultJSON, ResultHash: out.ResultHash}
}

func TestReplayRecomputesLocallyAndAsksTheChaincode(t *testing.T) {
	cert, wf, rep := certifiedPeriod(t)
	ts := newTestServer(t)
	ts.ledger.answer("Servicing:GetCertification", cert)
	ts.ledger.answer("Servicing:GetWaterfall", wf)
	ts.ledger.answer("Servicing:GetFixings", []schema.Fixing{})
	ts.ledger.answer("Servicing:Replay", distribution.Verdict{Period: 1, Match: true, InputsHash: cert.InputsHash, StoredInputsHash: cert.InputsHash,
		StoredHash: cert.ResultHash, ReplayedHash: cert.ResultHash, Differences: []string{}})
	ts.ledger.answer("Servicing:GetReport", rep)

	var ok ReplayAnswer
	a := ts.do("GET", "/v1/deals/D-1/periods/1/replay", roles.Auditor, "")
	a.decode(t, &ok)
	if a.Status != http.StatusOK || !ok.Local.Match || !ok.Chaincode.Match || !ok.Agree || ok.Local.ReplayedHash != cert.ResultHash {
		t.Fatalf("replay of the stored records: %d %s", a.Status, a.Body)
	}
	if c := ts.ledger.last(t, "Servicing:GetWaterfall"); c.Tx.Args[1] != "1" {
		t.Fatalf("the waterfall version the period ran under is read: %v", c.Tx.Args)
	}

	// The public report changed after certification (say, interest
	// collected): the local replay shows it, whatever the chaincode says.
	tampered := rep
	tampered.Header.Aggregates.InterestCollected += 100
	ts.ledger.answer("Servicing:GetReport", tampered)
	var bad ReplayAnswer
	ts.do("GET", "/v1/deals/D-1/periods/1/replay", roles.Auditor, "").decode(t, &bad)
	if bad.Local.Match || bad.Agree || bad.Local.InputsHash == cert.InputsHash || len(bad.Local.Differences) == 0 {
		t.Fatalf("a tampered input replayed as a match: %+v", bad.Local)
	}
}
