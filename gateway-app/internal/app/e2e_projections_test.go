package app

import (
	"encoding/json"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// projections prices the deal from its last certified state at the
// investor bank (from the pool's public aggregates: it keeps no loan
// book), projects rep lines from the servicer's loan book (whose balances
// add up to the certified pool balance to the cent), reproduces certified
// period 2 from period 1's state with its certified inputs (to the cent),
// answers CSV, and names every bad assumption. Nothing is written.
func (e *e2e) projections() {
	t := e.t
	path := "/v1/deals/" + e.deal + "/projections"
	base := map[string]any{
		"prepayment": map[string]string{"kind": "ABS", "rate": "0.015"}, "defaults": map[string]string{"kind": "CDR", "rate": "0.02"},
		"severity": "0.5", "recoveryLag": 3, "chargeOffMonths": 3,
	}
	var priced struct {
		Period           int
		CollateralSource string
		Projection       struct {
			Classes []struct {
				Class     string
				Analytics *struct{ WAL, Yield float64 }
			}
		}
		Grid struct{ Cells []json.RawMessage }
	}
	e.org3.must(200, "POST", path, "investor1", map[string]any{"assumptions": base, "pricing": map[string]any{"defaultPrice": "100"},
		"grid": map[string]any{"prepayments": []map[string]string{{"kind": "ABS", "rate": "0.01"}, {"kind": "ABS", "rate": "0.02"}},
			"defaults": []map[string]string{{"kind": "CDR", "rate": "0.01"}, {"kind": "CDR", "rate": "0.05"}}}}).decode(t, &priced)
	if priced.Period != 2 || priced.CollateralSource != "poolAggregates" || len(priced.Grid.Cells) != 4 || priced.Projection.Classes[0].Analytics == nil || priced.Projection.Classes[0].Analytics.WAL <= 0 {
		t.Fatalf("projection from the certified state: %+v", priced)
	}

	var cert struct {
		Inputs json.RawMessage
		Result waterfall.Result
	}
	e.org3.must(200, "GET", "/v1/deals/"+e.deal+"/periods/2/certification", "auditor", nil).decode(t, &cert)

	var fromBook struct {
		CollateralSource, CollateralNote string
		Loans                            []struct {
			Balance       money.Amount
			Count         int
			MonthsPastDue int
		}
		Projection struct {
			Pool []struct{ BeginningBalance money.Amount }
		}
	}
	e.org2.must(200, "POST", path, "servicer", map[string]any{"assumptions": base, "pricing": map[string]any{}}).decode(t, &fromBook)
	var sum money.Amount
	var loans, late int
	for _, l := range fromBook.Loans {
		sum, loans = sum+l.Balance, loans+l.Count
		if l.MonthsPastDue > 0 {
			late += l.Count
		}
	}
	if fromBook.CollateralSource != "loanBook" || len(fromBook.Loans) < 2 || sum != cert.Result.NewState.PoolBalance ||
		fromBook.Projection.Pool[0].BeginningBalance != sum {
		t.Fatalf("rep lines from the servicer's loan book: %s (%s), %d lines of %s; certified pool %s",
			fromBook.CollateralSource, fromBook.CollateralNote, len(fromBook.Loans), sum, cert.Result.NewState.PoolBalance)
	}
	t.Logf("servicer's loan book as of period 2: %d loans (%d delinquent) in %d rep lines, %s = the certified pool",
		loans, late, len(fromBook.Loans), sum)
	replay := map[string]any{}
	for k, v := range base {
		replay[k] = v
	}
	replay["months"], replay["actuals"] = 1, []json.RawMessage{cert.Inputs}
	var again struct {
		Projection struct {
			Classes []struct {
				Class string
				Flows []struct{ Interest, Principal, Residual, Balance string }
			}
		}
	}
	e.org3.must(200, "POST", path, "auditor", map[string]any{"fromPeriod": 1, "assumptions": replay, "pricing": map[string]any{}}).decode(t, &again)
	for i, c := range again.Projection.Classes {
		f, want := c.Flows[0], cert.Result.Classes[i]
		if f.Residual == "" {
			f.Residual = "0.00" // omitted when zero
		}
		if f.Interest != want.InterestPaid.String() || f.Principal != want.PrincipalPaid.String() || f.Balance != want.EndingBalance.String() ||
			f.Residual != want.ResidualPaid.String() {
			t.Fatalf("class %s: period 2 projected with its certified inputs %+v, certified %+v", c.Class, f, want)
		}
	}

	body, _ := json.Marshal(map[string]any{"assumptions": base, "pricing": map[string]any{}})
	csv := e.org2.send("POST", path+"?format=csv", "servicer", body, "", "")
	if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(csv.body), "class,period,") {
		t.Fatalf("CSV: %d %s", csv.status, csv.body)
	}
	bad := e.org3.call("POST", path, "investor1", map[string]any{"assumptions": map[string]any{
		"prepayment": map[string]string{"kind": "PSA", "rate": "0.015"}, "defaults": map[string]string{"kind": "CDR", "rate": "2"}, "severity": "0.5"},
		"pricing": map[string]any{}})
	var problem struct {
		Field  string
		Errors []struct{ Field string }
	}
	bad.decode(t, &problem)
	if bad.status != 400 || problem.Field != "assumptions.prepayment.kind" || len(problem.Errors) != 2 || problem.Errors[1].Field != "assumptions.defaults.rate" {
		t.Fatalf("bad assumptions: %d %s", bad.status, bad.body)
	}
}
