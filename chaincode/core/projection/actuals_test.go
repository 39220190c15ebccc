package projection

import (
	"bytes"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// certifiedInputs are a servicer report's totals for period n of the auto
// deal, as certification reads them.
func certifiedInputs(t *testing.T, n int, begin string, interest, scheduled, prepaid, chargedOff, recovered string) distribution.PeriodInputs {
	t.Helper()
	a := loantape.ReportAggregates{
		Period:              loantape.MonthlyPeriod(n, loantape.MonthOf(2025, time.January+time.Month(n-1))),
		BeginningBalance:    amt(t, begin),
		InterestCollected:   amt(t, interest),
		ScheduledPrincipal:  amt(t, scheduled),
		Prepayments:         amt(t, prepaid),
		ChargedOffPrincipal: amt(t, chargedOff),
		Recoveries:          amt(t, recovered),
	}
	a.EndingBalance = a.BeginningBalance - a.ScheduledPrincipal - a.Prepayments - a.ChargedOffPrincipal
	a.Delinquency.Days31To60.Balance = amt(t, "120000.00")
	a.Delinquency.Days61To90.Balance = amt(t, "41000.00")
	a.Delinquency.Days91To120.Balance = amt(t, "9000.00")
	pay, err := distribution.PaymentDate(a.Period.Ending, 15)
	if err != nil {
		t.Fatal(err)
	}
	return distribution.PeriodInputs{Aggregates: a, PaymentDate: pay}
}

// Projecting a period whose "assumption" is its actual collections gives
// the certified result byte for byte: the certification (distribution.
// Compute) and the projection run the same mapping and the same engine.
// Two actual periods chain from the certified state, and the model then
// carries on from the actual ending pool.
func TestActualPeriodsReproduceCertification(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 50, deal.State.PoolBalance)
	first := certifiedInputs(t, 1, "10000000.00", "61234.56", "201234.11", "150000.00", "12000.00", "0.00")
	second := certifiedInputs(t, 2, first.Aggregates.EndingBalance.String(), "59876.54", "199876.12", "160123.45", "8000.00", "5100.00")

	cert1, err := distribution.Compute(distribution.Inputs{Definition: deal.Definition, Prior: deal.State, Period: first})
	if err != nil {
		t.Fatal(err)
	}
	cert2, err := distribution.Compute(distribution.Inputs{Definition: deal.Definition, Prior: cert1.Result.NewState, Period: second})
	if err != nil {
		t.Fatal(err)
	}

	a := baseAssumptions()
	a.Actuals = []distribution.PeriodInputs{first, second}
	p, err := Project(deal, loans, a)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []distribution.Outcome{cert1, cert2} {
		got, err := canon.Marshal(p.Results[k])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.ResultJSON) {
			t.Errorf("period %d: the projection's result differs from the certified one:\n got %s\nwant %s", k+1, got, want.ResultJSON)
		}
	}
	for i, c := range p.Classes {
		if got, want := c.Flows[0].Principal, cert1.Result.Classes[i].PrincipalPaid; got != want {
			t.Errorf("class %s period 1 principal %s, certified %s", c.Class, got, want)
		}
	}
	if len(p.Pool) < 3 || p.Pool[2].BeginningBalance != second.Aggregates.EndingBalance {
		t.Fatalf("the model should continue from the actual pool %s", second.Aggregates.EndingBalance)
	}
	if p.Pool[2].PaymentDate != date(2025, time.April, 15) {
		t.Errorf("first modelled payment on %s, want 2025-04-15", p.Pool[2].PaymentDate)
	}
}

// Projecting from a certified state (not closing) starts at its next
// period and date.
func TestProjectFromCertifiedState(t *testing.T) {
	deal := autoDeal(t)
	first := certifiedInputs(t, 1, "10000000.00", "61234.56", "201234.11", "150000.00", "12000.00", "0.00")
	cert, err := distribution.Compute(distribution.Inputs{Definition: deal.Definition, Prior: deal.State, Period: first})
	if err != nil {
		t.Fatal(err)
	}
	deal.State = cert.Result.NewState
	deal.PaymentDay = 0 // the day of the state's accrual date
	p, err := Project(deal, syntheticLoans(t, 50, deal.State.PoolBalance), baseAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	if p.StartPeriod != 1 || p.Pool[0].Period != 2 || p.Pool[0].PaymentDate != date(2025, time.March, 15) {
		t.Errorf("start period %d, first projected period %d on %s; want 1, 2, 2025-03-15", p.StartPeriod, p.Pool[0].Period, p.Pool[0].PaymentDate)
	}
}
