package cardtrust

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randomMonth makes a report that follows st: random collections,
// charge-offs and recoveries in cents, new receivables that keep the pool
// near its size, and the yield and payment rate recomputed to eight places.
func randomMonth(rng *rand.Rand, tr *Trust, st State) Report {
	b := st.PrincipalReceivables
	cents := func(max money.Amount) money.Amount {
		if max <= 0 {
			return 0
		}
		return money.Amount(rng.Int64N(int64(max) + 1))
	}
	r := Report{TrustID: tr.ID, Period: st.Period + 1, ReportingMonth: tr.FirstMonth, BeginningPrincipalReceivables: b}
	if !st.Month.IsZero() {
		r.ReportingMonth = st.Month.Next()
	}
	r.PrincipalCollections = cents(b / 4)
	r.DefaultedReceivables = cents(b / 50)
	r.FinanceChargeCollections = cents(b / 40)
	r.Recoveries = cents(r.DefaultedReceivables / 3)
	r.NewReceivables = r.PrincipalCollections + r.DefaultedReceivables + cents(b/20) - b/40
	if r.NewReceivables < 0 {
		r.NewReceivables = 0
	}
	r.EndingPrincipalReceivables = b - r.PrincipalCollections - r.DefaultedReceivables + r.NewReceivables
	r.PortfolioYield = Yield(&r, 8)
	r.PaymentRate = PaymentRate(&r, 8)
	return r
}

// TestPropertyEveryCentAllocated runs random trusts for 24 months: each
// month every cent of the collections and of the defaults goes to a series
// or to the seller, no share is negative, invested amounts never rise and
// never fall below zero, and the same inputs give the same bytes.
func TestPropertyEveryCentAllocated(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 2))
	for trial := 0; trial < 100; trial++ {
		tr := Trust{ID: "T", FirstMonth: Month{2026, 1}, InitialReceivables: money.Amount(1_000_000_00 + rng.Int64N(1_000_000_000_00)),
			MinSellerInterest: decimal.New(rng.Int64N(10), -2)}
		n := 1 + rng.IntN(4)
		left := tr.InitialReceivables * 8 / 10
		for i := 0; i < n; i++ {
			inv := 1 + money.Amount(rng.Int64N(int64(left/money.Amount(n-i))))
			left -= inv
			acc := 1 + rng.IntN(12)
			tr.Series = append(tr.Series, Series{Name: string(rune('A' + i)), InvestedAmount: inv,
				Coupon: decimal.New(rng.Int64N(900), -4), ServicingFeeRate: decimal.New(rng.Int64N(300), -4),
				AccumulationStart: acc, ControlledAccumulationAmount: max(1, inv/money.Amount(1+rng.IntN(12))), ExpectedFinalPeriod: acc + rng.IntN(12)})
		}
		if err := tr.Validate(); err != nil {
			t.Fatal(err)
		}
		st := NewState(&tr)
		for m := 0; m < 24; m++ {
			r := randomMonth(rng, &tr, st)
			res, err := Run(&tr, st, r)
			if err != nil {
				t.Fatalf("trial %d month %d: %v", trial, m+1, err)
			}
			again, _ := Run(&tr, st, r)
			if string(mustJSON(t, res)) != string(mustJSON(t, again)) {
				t.Fatal("Run is not deterministic")
			}
			assertConserved(t, &r, &res)
			for i, a := range res.Series {
				for _, v := range []money.Amount{a.FinanceCharges, a.Recoveries, a.Defaults, a.PrincipalShare, a.PrincipalDeposited, a.PrincipalReinvested, a.PrincipalPaid, a.EndingFundingAccount} {
					if v < 0 {
						t.Fatalf("trial %d month %d series %s: negative figure in %+v", trial, m+1, a.Series, a)
					}
				}
				if a.EndingInvestedAmount < 0 || a.EndingInvestedAmount > st.Series[i].InvestedAmount || a.EndingFundingAccount > a.EndingInvestedAmount {
					t.Fatalf("trial %d month %d series %s: invested %s → %s, funding %s", trial, m+1, a.Series,
						st.Series[i].InvestedAmount, a.EndingInvestedAmount, a.EndingFundingAccount)
				}
			}
			st = res.NewState
		}
	}
}
