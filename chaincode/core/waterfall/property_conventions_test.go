package waterfall

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/calendar"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// withCertificateConventions rewrites a generated deal to use the trustee
// certificate conventions at random: a yield supplement (schedule or
// required rate), fee bases and annual caps, fixed-dollar and adjusted-pool
// targets with floors and step-downs.
func withCertificateConventions(r *rand.Rand, def Definition) Definition {
	frac := func(maxBasisPoints int) decimal.Decimal { return decimal.New(int64(r.Intn(maxBasisPoints+1)), -4) }
	initialYSOC, _ := def.InitialPoolBalance.MulRate(frac(900))
	if r.Intn(2) == 0 {
		sched := []money.Amount{initialYSOC}
		for y := initialYSOC; y > 0; {
			y, _ = y.MulRate(decimal.New(int64(80+r.Intn(20)), -2))
			sched = append(sched, y)
			if len(sched) > 30 {
				break
			}
		}
		def.YieldSupplement = &YieldSupplement{Schedule: sched}
	} else {
		def.YieldSupplement = &YieldSupplement{RequiredRate: frac(1500), InitialAmount: initialYSOC}
	}
	for i := range def.Fees {
		f := &def.Fees[i]
		switch r.Intn(4) {
		case 0:
			if !f.AnnualRate.IsZero() {
				f.Basis = []FeeBasis{BeginningAdjustedPool, NoteBalance}[r.Intn(2)]
			}
		case 1:
			f.Fixed, f.AnnualRate, f.Basis = 0, decimal.Zero, AsIncurred
		}
		if r.Intn(2) == 0 {
			f.AnnualCap = money.Amount(r.Int63n(int64(def.InitialPoolBalance)/200 + 1))
		}
	}
	target := func() PoolTarget {
		if r.Intn(2) == 0 {
			a, _ := def.InitialPoolBalance.MulRate(frac(1500))
			a = max(a, 1) // zero would be no fixed amount at all
			t := PoolTarget{Amount: a, FloorAmount: a / 3}
			if r.Intn(2) == 0 {
				t.StepDowns = []StepDown{{FromPeriod: 2 + r.Intn(6), Amount: max(a/2, 1)}}
			}
			return t
		}
		t := PoolTarget{Fraction: frac(1500), Of: []PoolBasis{CurrentAdjustedPool, InitialAdjustedPool}[r.Intn(2)],
			FloorFraction: frac(100)}
		if r.Intn(2) == 0 {
			t.StepDowns = []StepDown{{FromPeriod: 2 + r.Intn(6), Fraction: frac(1000)}}
		}
		return t
	}
	if def.OCTarget != nil {
		t := target()
		if len(t.StepDowns) > 0 && len(def.Triggers) > 0 {
			t.StepDowns[0].UnlessBreached = []string{def.Triggers[0].Name}
		}
		def.OCTarget = &t
	}
	for i := range def.Reserves {
		def.Reserves[i].Target = target()
	}
	if r.Intn(2) == 0 {
		first := calendar.AddMonths(daycount.NewDate(def.ClosingDate.Year, def.ClosingDate.Month, 15), 1)
		def.PaymentDates = &PaymentDates{FirstPaymentDate: first, Calendar: calendar.USFederalReserve,
			BusinessDayConvention: []calendar.Convention{calendar.Following, calendar.ModifiedFollowing}[r.Intn(2)]}
	}
	if r.Intn(2) == 0 {
		res := &def.Classes[len(def.Classes)-1]
		res.OriginalBalance, _ = def.InitialPoolBalance.MulRate(frac(300))
	}
	// Annual caps hold back what an excess step pays later.
	for _, f := range def.Fees {
		if f.AnnualCap > 0 && f.CapPerPeriod == 0 {
			def.Steps = append(def.Steps[:len(def.Steps)-1], FeeStep{Fee: f.Name, Excess: true}, def.Steps[len(def.Steps)-1])
		}
	}
	return def
}

// withConventionInputs adds what the conventions read from each report.
// A third of the chains end with the pool prepaid in full, so that notes
// pay off and a certificate balance is repaid.
func withConventionInputs(r *rand.Rand, def Definition, ps []Period) []Period {
	if k := r.Intn(len(ps)); r.Intn(3) == 0 && !ps[k].CleanUpCall {
		ps = ps[:k+1]
		p := &ps[k]
		p.Prepayments += p.EndingPoolBalance
		p.EndingPoolBalance, p.Delinquencies = 0, Delinquencies{}
	}
	for i := range ps {
		p := &ps[i]
		if def.PaymentDates != nil {
			if i > 0 {
				p.AccrualStart = ps[i-1].AccrualEnd
			}
			p.AccrualEnd, _ = def.AdjustedPaymentDate(p.Period)
		}
		if ys := def.YieldSupplement; ys != nil && len(ys.Schedule) == 0 {
			p.YieldSupplementAmount, _ = p.EndingPoolBalance.MulRate(decimal.New(int64(r.Intn(900)), -4))
		}
		if r.Intn(2) == 0 { // the certificate's separate lines, carved out so the pool still rolls forward
			p.Repurchases = p.Prepayments / 5
			p.Prepayments -= p.Repurchases
			p.LiquidationProceeds = p.Defaults / 2
			p.ReserveInvestmentEarnings = money.Amount(r.Int63n(100_000))
			p.AdvanceReimbursements = min(p.ServicerAdvances/2+money.Amount(r.Int63n(50_000)), p.InterestCollections)
		}
		for _, f := range def.Fees {
			if f.basis() == AsIncurred && r.Intn(3) > 0 {
				p.FeesIncurred = append(p.FeesIncurred, FeeAmount{Fee: f.Name, Amount: money.Amount(r.Int63n(5_000_000))})
			}
		}
	}
	return ps
}

// TestPropertiesWithCertificateConventions keeps the engine's invariants
// (every cent allocated, balances roll forward, same bytes from the same
// inputs) over random deals written with the new conventions, and checks
// the adjusted pool: pool − YSOC, never negative.
func TestPropertiesWithCertificateConventions(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	runs, ysocPeriods, capped, dated, certPaid := 0, 0, 0, 0, 0
	for deal := 0; deal < 200; deal++ {
		def := withCertificateConventions(r, genDeal(r, deal%2 == 0))
		if err := def.Validate(); err != nil {
			t.Fatalf("deal %d: generator made an invalid definition: %v", deal, err)
		}
		st := mustState(t, def)
		for _, p := range withConventionInputs(r, def, genPeriods(r, def, 4+r.Intn(20))) {
			label := fmt.Sprintf("deal %d period %d", deal, p.Period)
			res, err := Run(def, st, p)
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			runs++
			checkConserves(t, label, p, res)
			checkBalances(t, label, def, st, res)
			checkDeterministic(t, label, def, st, p, res)
			a := res.Pool.Adjusted
			if a == nil || a.EndingBalance < 0 || a.EndingBalance != res.Pool.EndingBalance-a.EndingYieldSupplement ||
				a.BeginningYieldSupplement != st.YieldSupplement {
				t.Fatalf("%s: adjusted pool %+v against pool %s", label, a, res.Pool.EndingBalance)
			}
			if def.PaymentDates != nil {
				checkAccrualWindows(t, label, def, res)
				dated++
			}
			if res.Classes[len(res.Classes)-1].PrincipalPaid > 0 {
				certPaid++
			}
			if a.EndingYieldSupplement > 0 {
				ysocPeriods++
			}
			for i, f := range def.Fees {
				if f.AnnualCap > 0 && res.NewState.Fees[i].PaidInCapYear > f.AnnualCap {
					t.Fatalf("%s: fee %s paid %s in the year over its cap %s", label, f.Name, res.NewState.Fees[i].PaidInCapYear, f.AnnualCap)
				}
				if f.AnnualCap > 0 && res.NewState.Fees[i].PaidInCapYear == f.AnnualCap {
					capped++
				}
			}
			st = res.NewState
		}
	}
	if runs < 1000 || ysocPeriods < 100 || capped < 10 || dated < 300 || certPaid < 5 {
		t.Fatalf("too timid: %d periods, %d with YSOC, %d at an annual cap, %d on a payment schedule, %d repaying a certificate", runs, ysocPeriods, capped, dated, certPaid)
	}
	t.Logf("%d periods, %d with YSOC, %d at an annual cap, %d on a payment schedule, %d repaying a certificate balance",
		runs, ysocPeriods, capped, dated, certPaid)
}

// checkAccrualWindows: on a payment schedule the paid date is a business
// day on or after the nominal date (following) or within its month
// (modified following); a 30/360 class accrues 30 days after the stub; an
// ACT/360 class accrues the actual days between paid dates.
func checkAccrualWindows(t *testing.T, label string, def Definition, res Result) {
	t.Helper()
	pd := res.PaymentDate
	cal, _ := calendar.Named(def.PaymentDates.Calendar)
	if ok, err := cal.IsBusinessDay(pd.Adjusted); !ok || err != nil {
		t.Fatalf("%s: paid on %s, not a business day (%v)", label, pd.Adjusted, err)
	}
	if def.PaymentDates.BusinessDayConvention == calendar.Following && pd.Adjusted.Before(pd.Nominal) ||
		pd.Adjusted.Month != pd.Nominal.Month && def.PaymentDates.BusinessDayConvention == calendar.ModifiedFollowing {
		t.Fatalf("%s: nominal %s paid %s against the convention", label, pd.Nominal, pd.Adjusted)
	}
	for i, c := range res.Classes {
		if def.Classes[i].Residual || c.BeginningBalance == 0 && c.UnpaidInterestBefore == 0 {
			continue
		}
		want := int64(30)
		if def.dayCount(def.Classes[i]) == daycount.Actual360 {
			start := def.ClosingDate
			if res.Period > 1 {
				start, _ = def.AdjustedPaymentDate(res.Period - 1)
			}
			want = daycount.ActualDays(start, pd.Adjusted)
		} else if res.Period == 1 {
			want, _, _ = daycount.Thirty360.Fraction(def.ClosingDate, pd.Nominal)
		}
		if c.AccrualDays != want {
			t.Fatalf("%s: class %s accrued %d days, want %d", label, c.Class, c.AccrualDays, want)
		}
	}
}
