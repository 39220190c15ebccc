package resources

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/statement"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// TestSeasonedDealReplaysAndStatesFromItsOpening: a deal opened after
// period 1 from a certificate has no certification of period 1; the
// replay and the trustee statement of period 2 start from the state
// stored with the opening, and without an opening the gateway says period
// 1 is not certified.
func TestSeasonedDealReplaysAndStatesFromItsOpening(t *testing.T) {
	cert1, wf, rep1 := certifiedPeriod(t)
	def, err := waterfall.ParseDefinition(wf.Definition)
	if err != nil {
		t.Fatal(err)
	}
	var res1 waterfall.Result
	if err := json.Unmarshal(cert1.Result, &res1); err != nil {
		t.Fatal(err)
	}
	opened := res1.NewState // the certificate after period 1, as the trustee opened it
	// Period 2's report: period 1's collections again, one month later,
	// from the pool period 1 left.
	rep2 := rep1
	rep2.Period = 2
	agg := &rep2.Header.Aggregates
	agg.Period = loantape.MonthlyPeriod(2, agg.Period.Beginning.YearMonth().AddMonths(1))
	agg.BeginningBalance, agg.EndingBalance = opened.PoolBalance, opened.PoolBalance-(rep1.Header.Aggregates.BeginningBalance-rep1.Header.Aggregates.EndingBalance)
	cert2 := certify(t, def, opened, wf, rep2)

	ts := newTestServer(t)
	ts.ledger.script("Servicing:GetCertification", func(tx ledger.Tx) (ledger.Result, error) {
		if tx.Args[1] != "2" {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: "NOT_FOUND: deal D-1 period 1 is not certified"}
		}
		b, err := json.Marshal(cert2)
		return ledger.Result{Payload: b}, err
	})
	ts.ledger.answer("Servicing:GetWaterfall", wf)
	ts.ledger.answer("Servicing:GetFixings", []schema.Fixing{})
	ts.ledger.answer("Servicing:GetReport", rep2)
	ts.ledger.answer("Servicing:Replay", distribution.Verdict{Period: 2, Match: true, InputsHash: cert2.InputsHash, StoredInputsHash: cert2.InputsHash,
		StoredHash: cert2.ResultHash, ReplayedHash: cert2.ResultHash, Differences: []string{}})
	ts.ledger.answer("Servicing:GetOpening", schema.Opening{Deal: "D-1", Period: 1, WaterfallVersion: 1, State: opened})

	var ok ReplayAnswer
	a := ts.do("GET", "/v1/deals/D-1/periods/2/replay", roles.Auditor, "")
	a.decode(t, &ok)
	if a.Status != http.StatusOK || !ok.Local.Match || !ok.Agree {
		t.Fatalf("replay of a seasoned deal's first certified period: %d %s", a.Status, a.Body)
	}
	var st statement.Statement
	s := ts.do("GET", "/v1/deals/D-1/periods/2/trustee-statement", roles.Auditor, "")
	s.decode(t, &st)
	if s.Status != http.StatusOK {
		t.Fatalf("trustee statement: %d %s", s.Status, s.Body)
	}

	// Opened at another period, or not at all: period 1 is simply not
	// certified.
	ts.ledger.answer("Servicing:GetOpening", schema.Opening{Deal: "D-1", Period: 3, State: opened})
	if r := ts.do("GET", "/v1/deals/D-1/periods/2/replay", roles.Auditor, ""); r.Status != http.StatusNotFound {
		t.Fatalf("replay without the period before: %d %s", r.Status, r.Body)
	}
}
