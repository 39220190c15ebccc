package resources

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// projectedDeal scripts the ledger with a deal certified for period 1:
// its status (state after period 1), its waterfall and its sealed pool.
func projectedDeal(t *testing.T) *testServer {
	t.Helper()
	cert, wf, _ := certifiedPeriod(t)
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	f := simulate(t, 60)
	g := loantape.NewTapeAggregator()
	for _, l := range f.loans {
		if err := g.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	agg, err := json.Marshal(g.Aggregates())
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t)
	ts.ledger.answer("Servicing:GetStatus", schema.DealServicing{Deal: "D-1", Pool: "P-1", WaterfallVersion: 1, Period: 1, State: res.NewState})
	ts.ledger.answer("Servicing:GetWaterfall", wf)
	ts.ledger.answer("Pool:Get", schema.PoolView{Pool: schema.Pool{ID: "P-1", Status: "sealed", LoanCount: 60, Balance: f.balance, Aggregates: agg}})
	return ts
}

const projectionBody = `{"assumptions": {"prepayment": {"kind": "ABS", "rate": "0.015"}, "defaults": {"kind": "CDR", "rate": "0.02"},
  "severity": "0.5", "recoveryLag": 3, "chargeOffMonths": 3},
 "pricing": {"defaultPrice": "99.75", "benchmark": [{"years": "1", "rate": "0.04"}, {"years": "3", "rate": "0.042"}], "breakeven": true},
 "grid": {"prepayments": [{"kind": "ABS", "rate": "0.01"}, {"kind": "ABS", "rate": "0.02"}],
          "defaults": [{"kind": "CDR", "rate": "0.01"}, {"kind": "CDR", "rate": "0.05"}]}}`

// Any user who may read the deal projects it from its certified state,
// with the pool's public statistics; nothing is submitted.
func TestProjectionFromTheCertifiedState(t *testing.T) {
	ts := projectedDeal(t)
	a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, projectionBody)
	if a.Status != http.StatusOK {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	var out ProjectionAnswer
	a.decode(t, &out)
	if out.Period != 1 || out.PoolSource != "poolStatistics" || len(out.Loans) != 1 || out.Loans[0].Count != 60 {
		t.Fatalf("start %d from %s with %+v", out.Period, out.PoolSource, out.Loans)
	}
	p := out.Projection
	if p.StartPeriod != 1 || p.Pool[0].Period != 2 || p.Pool[0].BeginningBalance != out.Loans[0].Balance {
		t.Fatalf("the projection starts at period %d with pool %s; lines hold %s", p.Pool[0].Period, p.Pool[0].BeginningBalance, out.Loans[0].Balance)
	}
	a1 := p.Classes[0].Analytics
	if a1 == nil || a1.WAL <= 0 || a1.SpreadBP == nil || a1.Price != 99.75 || a1.BreakevenCDR == nil {
		t.Fatalf("class A analytics: %+v", a1)
	}
	if out.Grid == nil || len(out.Grid.Cells) != 4 || out.Grid.Cells[3].Prepayment.Rate.String() != "0.02" {
		t.Fatalf("grid: %+v", out.Grid)
	}
	if s := ts.ledger.submitted(""); len(s) != 0 {
		t.Fatalf("a projection submitted %v", s)
	}

	csv := ts.do("POST", "/v1/deals/D-1/projections", roles.Auditor, projectionBody, "Accept", "text/csv")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(string(csv.Body), "class,period,paymentDate,interest,principal,") || !strings.Contains(string(csv.Body), "\nA,2,") {
		t.Fatalf("CSV: %d %v %.300s", csv.Status, csv.Header, csv.Body)
	}
}

// Bad assumptions are one 400 naming every bad field with its rule.
func TestProjectionRefusesBadAssumptions(t *testing.T) {
	ts := projectedDeal(t)
	body := `{"assumptions": {"prepayment": {"kind": "PSA", "rate": "0.015"}, "defaults": {"kind": "CDR", "rate": "1.5"},
  "severity": "0.5", "recoveryLag": 99, "chargeOffMonths": 3},
 "pricing": {"classes": [{"class": "Z", "price": "100"}]},
 "grid": {"prepayments": [{"kind": "CPR", "rate": "-0.1"}], "defaults": [{"kind": "CDR", "rate": "0.01"}]}}`
	a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, body)
	if a.Status != http.StatusBadRequest {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	p := a.problem(t)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	want := "assumptions.prepayment.kind assumptions.defaults.rate assumptions.recoveryLag pricing.classes[0].class grid.prepayments[0].rate"
	if p.Field != "assumptions.prepayment.kind" || strings.Join(fields, " ") != want {
		t.Fatalf("field %q, errors %v; want %s", p.Field, fields, want)
	}
	if !strings.Contains(p.Errors[2].Detail, "0 to 36") {
		t.Errorf("the rule is not stated: %+v", p.Errors[2])
	}
}

// Projected from closing with period 1's certified inputs as its actual
// collections, the deal pays every class what the certification paid, to
// the cent: the gateway runs the engine the chaincode certified with.
func TestProjectionReproducesACertifiedPeriod(t *testing.T) {
	cert, _, _ := certifiedPeriod(t)
	var certified waterfall.Result
	if err := json.Unmarshal(cert.Result, &certified); err != nil {
		t.Fatal(err)
	}
	ts := projectedDeal(t)
	ts.ledger.answer("Servicing:GetCertification", cert)
	inputs, err := json.Marshal(cert.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"fromPeriod": 0, "assumptions": {"prepayment": {"kind": "ABS", "rate": "0.015"}, "defaults": {"kind": "CDR", "rate": "0.02"},
  "severity": "0.5", "recoveryLag": 3, "chargeOffMonths": 3, "months": 1, "actuals": [` + string(inputs) + `]}, "pricing": {}}`
	a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, body)
	if a.Status != http.StatusOK {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	var out ProjectionAnswer
	a.decode(t, &out)
	if out.Period != 0 || len(out.Projection.Pool) != 1 {
		t.Fatalf("from period %d, %d periods projected", out.Period, len(out.Projection.Pool))
	}
	for i, c := range out.Projection.Classes {
		f, want := c.Flows[0], certified.Classes[i]
		if f.Interest != want.InterestPaid || f.Principal != want.PrincipalPaid || f.Residual != want.ResidualPaid || f.Balance != want.EndingBalance {
			t.Errorf("class %s: projected %+v, certified %+v", c.Class, f, want)
		}
	}
	if a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, `{"fromPeriod": 2, "assumptions": {"prepayment": {"kind": "ABS", "rate": "0.015"},
  "defaults": {"kind": "CDR", "rate": "0.02"}, "severity": "0.5"}, "pricing": {}}`); a.Status != http.StatusBadRequest || a.problem(t).Field != "fromPeriod" {
		t.Errorf("from a period not certified yet: %d %s", a.Status, a.Body)
	}
}
