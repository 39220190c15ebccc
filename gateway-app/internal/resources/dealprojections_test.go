package resources

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/projection"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// projectedDeal scripts the ledger with a deal certified for period 1:
// its status (state after period 1), its waterfall and its sealed pool.
func projectedDeal(t *testing.T) *testServer {
	t.Helper()
	cert, wf, _ := certifiedPeriod(t)
	res := resultOf(t, cert)
	ts := newTestServer(t)
	ts.ledger.answer("Servicing:GetStatus", schema.DealServicing{Deal: "D-1", Pool: "P-1", WaterfallVersion: 1, Period: 1, State: res.NewState})
	ts.ledger.answer("Servicing:GetWaterfall", wf)
	ts.ledger.answer("Pool:Get", schema.PoolView{Pool: sealedPool(t, simulate(t, 60))})
	return ts
}

// sealedPool is the simulated pool as the ledger shows it sealed, with
// its tape's public aggregates (and no Merkle root: set one to match a
// loan book).
func sealedPool(t *testing.T, f poolFiles) schema.Pool {
	t.Helper()
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
	return schema.Pool{ID: "P-1", Status: "sealed", LoanCount: len(f.loans), Balance: f.balance, Aggregates: agg}
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
	if out.Period != 1 || out.CollateralSource != "poolAggregates" || !strings.Contains(out.CollateralNote, "not sealed") ||
		len(out.Loans) != 1 || out.Loans[0].Count != 60 {
		t.Fatalf("start %d from %s (%s) with %+v", out.Period, out.CollateralSource, out.CollateralNote, out.Loans)
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

	noGrid := projectionBody[:strings.Index(projectionBody, `,
 "grid"`)] + "}"
	csv := ts.do("POST", "/v1/deals/D-1/projections", roles.Auditor, noGrid, "Accept", "text/csv")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(string(csv.Body), "class,period,paymentDate,interest,principal,") || !strings.Contains(string(csv.Body), "\nA,2,") {
		t.Fatalf("CSV: %d %v %.300s", csv.Status, csv.Header, csv.Body)
	}
	grid := ts.do("POST", "/v1/deals/D-1/projections", roles.Auditor, projectionBody, "Accept", "text/csv")
	rows := strings.Split(strings.TrimSpace(string(grid.Body)), "\n")
	if grid.Status != http.StatusOK || !strings.HasPrefix(rows[0], "prepaymentKind,prepaymentRate,defaultsKind,defaultsRate,") ||
		len(rows) != 1+4*2 || !strings.HasPrefix(rows[8], "ABS,0.02,CDR,0.05,") || !strings.Contains(rows[8], ",B,") {
		t.Fatalf("grid CSV: %d, want a header and 4 scenarios × 2 notes:\n%s", grid.Status, grid.Body)
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
	certified := resultOf(t, cert)
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

// The gateway that keeps the pool's loan book (it uploaded the tape and
// period 1's report) projects from it as of period 1: rep lines by
// default, whose balances add up to the certified pool balance to the
// cent and whose counts to the loans still paying, or loan by loan; once
// the book is past period 1+1, or at another gateway, it falls back to
// the pool's aggregates and says why.
func TestProjectionFromTheLoanBook(t *testing.T) {
	cert, _, rep := certifiedPeriod(t)
	ts := projectedDeal(t)
	f := simulate(t, 60)
	pool := sealedPool(t, f)
	pool.MerkleRoot = "TAPE"
	ts.ledger.answer("Pool:Get", schema.PoolView{Pool: pool})
	rep.MerkleRoot = "REPORT-1"
	ts.ledger.answer("Servicing:GetReport", rep)
	ts.ledger.answer("Servicing:GetCertification", cert)
	body := `{"assumptions": {"prepayment": {"kind": "ABS", "rate": "0.015"}, "defaults": {"kind": "CDR", "rate": "0.02"}, "severity": "0.5",
  "chargeOffMonths": 3}, "pricing": {}%s}`
	project := func(extra string) ProjectionAnswer {
		t.Helper()
		a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, fmt.Sprintf(body, extra))
		if a.Status != http.StatusOK {
			t.Fatalf("%d %s", a.Status, a.Body)
		}
		var out ProjectionAnswer
		a.decode(t, &out)
		return out
	}
	if out := project(""); out.CollateralSource != "poolAggregates" || !strings.Contains(out.CollateralNote, "keeps no loan book") || len(out.Loans) != 1 {
		t.Fatalf("without a book: %s (%s)", out.CollateralSource, out.CollateralNote)
	}
	if err := ts.store.Update(func(w store.Writer) error {
		return errors.Join(w.PutTapeLoans("P-1", f.loans), w.FinishTape("P-1", "TAPE", len(f.loans)),
			w.PutReportRows("P-1", 1, f.rows), w.FinishReport("P-1", 1, "REPORT-1"))
	}); err != nil {
		t.Fatal(err)
	}
	state := resultOf(t, cert)
	paying := 0
	for _, r := range f.rows {
		if r.ReportingPeriodActualEndBalanceAmount > 0 {
			paying++
		}
	}
	sums := func(lines []projection.Loan) (money.Amount, int) {
		var b money.Amount
		var n int
		for _, l := range lines {
			b, n = b+l.Balance, n+l.Count
		}
		return b, n
	}
	lines := project("")
	if b, n := sums(lines.Loans); lines.CollateralSource != "loanBook" || b != state.NewState.PoolBalance || n != paying ||
		len(lines.Loans) >= paying || lines.Loans[0].ID != "rep-1" {
		t.Fatalf("rep lines: %s (%s), %d lines of %s and %d loans; want %s and %d", lines.CollateralSource, lines.CollateralNote,
			len(lines.Loans), b, n, state.NewState.PoolBalance, paying)
	}
	loans := project(`, "collateral": "loans"`)
	if b, n := sums(loans.Loans); loans.CollateralSource != "loanBook" || len(loans.Loans) != paying || b != state.NewState.PoolBalance || n != paying {
		t.Fatalf("loan by loan: %s, %d loans of %s", loans.CollateralSource, len(loans.Loans), b)
	}
	if err := ts.store.Update(func(w store.Writer) error { return w.PutReportRows("P-1", 3, f.rows[:1]) }); err != nil {
		t.Fatal(err)
	}
	if out := project(""); out.CollateralSource != "poolAggregates" || !strings.Contains(out.CollateralNote, "past period 1+1") {
		t.Fatalf("book two reports ahead: %s (%s)", out.CollateralSource, out.CollateralNote)
	}
	if a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, fmt.Sprintf(body, `, "collateral": "tape"`)); a.Status != http.StatusBadRequest ||
		a.problem(t).Field != "collateral" {
		t.Errorf("unknown collateral: %d %s", a.Status, a.Body)
	}
}

// From an earlier period the projection uses the waterfall version that
// paid the period after it, not an amendment made since; from the last
// period, the one in force.
func TestProjectionFromAPeriodUsesTheWaterfallOfItsTime(t *testing.T) {
	cert, wf, _ := certifiedPeriod(t)
	res := resultOf(t, cert)
	ts := projectedDeal(t)
	ts.ledger.answer("Servicing:GetStatus", schema.DealServicing{Deal: "D-1", Pool: "P-1", WaterfallVersion: 2, Period: 1, State: res.NewState})
	ts.ledger.answer("Servicing:GetCertification", cert) // period 1, paid by version 1
	var asked []string
	ts.ledger.script("Servicing:GetWaterfall", func(tx ledger.Tx) (ledger.Result, error) {
		asked = append(asked, tx.Args[1])
		v := wf
		v.Version, _ = strconv.Atoi(tx.Args[1])
		b, err := json.Marshal(v)
		return ledger.Result{Payload: b}, err
	})
	body := `{%s"assumptions": {"prepayment": {"kind": "ABS", "rate": "0.015"}, "defaults": {"kind": "CDR", "rate": "0.02"}, "severity": "0.5"}, "pricing": {}}`
	for _, c := range []struct {
		from    string
		version int
	}{{`"fromPeriod": 0, `, 1}, {"", 2}} {
		a := ts.do("POST", "/v1/deals/D-1/projections", roles.Investor, fmt.Sprintf(body, c.from))
		var out ProjectionAnswer
		a.decode(t, &out)
		if a.Status != http.StatusOK || out.WaterfallVersion != c.version {
			t.Errorf("%q: %d, version %d, want %d (asked %v)", c.from, a.Status, out.WaterfallVersion, c.version, asked)
		}
	}
}

// resultOf is a certification's waterfall result.
func resultOf(t *testing.T, cert schema.Certification) waterfall.Result {
	t.Helper()
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	return res
}
