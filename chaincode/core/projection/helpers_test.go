package projection

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// autoDeal is the waterfall package's US auto definition at closing, paid
// on the 15th.
func autoDeal(t testing.TB) Deal { return loadDeal(t, "auto_2025_1.json") }

// loadDeal reads a definition of the waterfall package's testdata and
// starts it at closing, paid on the 15th.
func loadDeal(t testing.TB, name string) Deal {
	t.Helper()
	b, err := os.ReadFile("../waterfall/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	def, err := waterfall.ParseDefinition(b)
	if err != nil {
		t.Fatal(err)
	}
	st, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	return Deal{Definition: def, State: st, PaymentDay: 15}
}

// syntheticLoans is a deterministic pool of n auto loans (rates 3.9% to
// 14.9%, remaining terms 24 to 72 months, seasoned 0 to 11 months) scaled
// to the balance.
func syntheticLoans(t testing.TB, n int, balance money.Amount) []Loan {
	t.Helper()
	loans := make([]Loan, n)
	x := uint64(88172645463325252)
	next := func() uint64 { // xorshift: reproducible without math/rand's state
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	for i := range loans {
		loans[i] = Loan{
			ID:            fmt.Sprintf("L%05d", i),
			Balance:       money.Cents(int64(500_000 + next()%4_000_000)),
			Rate:          decimal.New(int64(390+next()%1100), -4),
			RemainingTerm: 24 + int(next()%49),
			Age:           int(next() % 12),
			Count:         1,
		}
	}
	scaled, err := ScaleTo(loans, balance)
	if err != nil {
		t.Fatal(err)
	}
	return scaled
}

func baseAssumptions() Assumptions {
	return Assumptions{
		Prepayment:      Prepayment{Kind: ABS, Rate: dec("0.015")},
		Defaults:        Defaults{Kind: CDR, Rate: dec("0.02")},
		Severity:        dec("0.5"),
		RecoveryLag:     3,
		ChargeOffMonths: 3,
	}
}

func date(y int, m time.Month, d int) daycount.Date { return daycount.NewDate(y, m, d) }
