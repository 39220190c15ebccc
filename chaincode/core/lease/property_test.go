package lease

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// randomLease draws a lease valid on the cut-off month.
func randomLease(rng *rand.Rand) Row {
	freqs := []string{"M", "Q", "S", "A"}
	freq := freqs[rng.IntN(len(freqs))]
	f := FrequencyMonths(freq)
	payments := 1 + rng.IntN(MaxLeaseTerm/f)
	first := loantape.MonthOf(2024+rng.IntN(3), 1).AddMonths(rng.IntN(12))
	cost := money.Cents(100_00 + rng.Int64N(5_000_000_00))
	return Row{
		AssetNumber: "X", PaymentFrequency: freq, OriginalLeaseTerm: payments * f,
		FirstPaymentDate: first, LeaseMaturityDate: first.AddMonths((payments - 1) * f),
		ScheduledPaymentAmount: money.Cents(1 + rng.Int64N(200_000_00)),
		OriginalEquipmentCost:  cost, BookedResidualValue: money.Cents(rng.Int64N(int64(cost) + 1)),
		PastDue:      money.Cents(rng.Int64N(3) * rng.Int64N(50_000_00)),
		DiscountRate: decimal.New(rng.Int64N(20_000_000), -8),
	}
}

// The discounted balance never exceeds the undiscounted flows, equals
// them at a zero rate, and falls as the rate rises.
func TestDiscountedAtMostUndiscounted(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 3))
	for i := range 2000 {
		r := randomLease(rng)
		f := FrequencyMonths(r.PaymentFrequency)
		asOf := r.FirstPaymentDate.AddMonths(rng.IntN(r.OriginalLeaseTerm+3) - f)
		fl, err := r.Schedule(asOf)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := fl.Discount(r.DiscountRate)
		if err != nil {
			t.Fatal(err)
		}
		higher, err := fl.Discount(r.DiscountRate.Add(decimal.New(1, -4)))
		if err != nil {
			t.Fatal(err)
		}
		flat, _ := fl.Discount(decimal.Zero)
		if pv > fl.Undiscounted() || pv < 0 || flat != fl.Undiscounted() || higher > pv {
			t.Fatalf("case %d %+v: pv %s, at +1bp %s, at 0 %s, undiscounted %s", i, r, pv, higher, flat, fl.Undiscounted())
		}
	}
}

// Whatever happens to a lease in a month, its split rolls the discounted
// balance forward to the cent and accounts for every cent of cash, with no
// negative line except the adjustment.
func TestSplitConserves(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 4))
	codes := []string{"", "", EndMatured, EndTerminated, EndDefaulted}
	for i := range 5000 {
		r := Row{
			BeginningBalance: money.Cents(rng.Int64N(1_000_000_00)),
			PaymentMade:      money.Cents(rng.Int64N(3) * rng.Int64N(100_000_00)),
			EndCode:          codes[rng.IntN(len(codes))],
		}
		r.BookedResidualValue = money.Cents(rng.Int64N(int64(r.BeginningBalance) + 1))
		switch r.EndCode {
		case "":
			r.DiscountedBalance = money.Cents(rng.Int64N(int64(r.BeginningBalance)*11/10 + 1))
		case EndMatured:
			r.ResidualRealised = money.Cents(rng.Int64N(2*int64(r.BookedResidualValue) + 1))
		case EndTerminated:
			r.EarlyTerminationAmount = money.Cents(rng.Int64N(int64(r.BeginningBalance)*12/10 + 1))
		}
		s := r.Split()
		roll := r.BeginningBalance - s.Principal - s.ChargedOff - s.Adjustment
		if roll != r.DiscountedBalance || s.Principal+s.Interest != r.Cash() ||
			s.Principal < 0 || s.Interest < 0 || s.ChargedOff < 0 || s.Scheduled < 0 || s.Scheduled > s.Principal {
			t.Fatalf("case %d %+v: split %+v rolls to %s", i, r, s, roll)
		}
		if r.EndCode == EndMatured && r.ResidualResult() < 0 && s.ChargedOff != min(-r.ResidualResult(), r.BeginningBalance) {
			t.Fatalf("case %d: residual loss %s, charged off %s", i, -r.ResidualResult(), s.ChargedOff)
		}
	}
}
