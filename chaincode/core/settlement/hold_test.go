package settlement

import (
	"math"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestUnitHoldingArithmetic(t *testing.T) {
	type op func(UnitHolding, int64) (UnitHolding, error)
	hold, release, debit, credit := UnitHolding.Hold, UnitHolding.Release, UnitHolding.Debit, UnitHolding.Credit
	tests := []struct {
		name string
		h    UnitHolding
		op   op
		n    int64
		want UnitHolding
		code errs.Code
	}{
		{"hold free units", UnitHolding{Units: 100}, hold, 60, UnitHolding{Units: 100, Held: 60}, ""},
		{"hold all free units", UnitHolding{Units: 100, Frozen: 10, Held: 30}, hold, 60, UnitHolding{Units: 100, Frozen: 10, Held: 90}, ""},
		{"hold beyond free", UnitHolding{Units: 100, Frozen: 10, Held: 30}, hold, 61, UnitHolding{}, errs.InsufficientBalance},
		{"hold with negative freeze treated as none", UnitHolding{Units: 100, Frozen: -5}, hold, 100, UnitHolding{Units: 100, Frozen: -5, Held: 100}, ""},
		{"hold zero", UnitHolding{Units: 100}, hold, 0, UnitHolding{}, errs.BadInput},
		{"release held", UnitHolding{Units: 100, Held: 60}, release, 60, UnitHolding{Units: 100}, ""},
		{"release more than held", UnitHolding{Units: 100, Held: 10}, release, 11, UnitHolding{}, errs.Internal},
		{"release negative", UnitHolding{Units: 100, Held: 10}, release, -1, UnitHolding{}, errs.BadInput},
		{"debit free units", UnitHolding{Units: 100, Held: 30}, debit, 70, UnitHolding{Units: 30, Held: 30}, ""},
		{"debit into another hold", UnitHolding{Units: 100, Held: 30}, debit, 71, UnitHolding{}, errs.InsufficientBalance},
		{"debit frozen units", UnitHolding{Units: 100, Frozen: 100}, debit, 1, UnitHolding{}, errs.InsufficientBalance},
		{"hold with everything frozen", UnitHolding{Units: 100, Frozen: math.MaxInt64, Held: 10}, hold, 1, UnitHolding{}, errs.InsufficientBalance},
		{"credit", UnitHolding{Units: 5, Held: 5}, credit, 7, UnitHolding{Units: 12, Held: 5}, ""},
		{"credit overflow", UnitHolding{Units: maxInt64 - 1}, credit, 2, UnitHolding{}, errs.Overflow},
		{"corrupt: held above units", UnitHolding{Units: 5, Held: 6}, credit, 1, UnitHolding{}, errs.Internal},
		{"corrupt: negative units", UnitHolding{Units: -1}, hold, 1, UnitHolding{}, errs.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.op(tc.h, tc.n)
			wantCode(t, err, tc.code)
			if tc.code == "" && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.code != "" && got != tc.h {
				t.Fatalf("refused operation changed the holding to %+v", got)
			}
		})
	}
}

func TestUnitHoldingFree(t *testing.T) {
	tests := []struct {
		h    UnitHolding
		want int64
	}{
		{UnitHolding{Units: 100}, 100},
		{UnitHolding{Units: 100, Frozen: 20, Held: 30}, 50},
		{UnitHolding{Units: 100, Frozen: 80, Held: 30}, 0}, // frozen after the hold: nothing free, not negative
		{UnitHolding{Units: 100, Frozen: -7}, 100},
		{UnitHolding{Units: 100, Frozen: math.MaxInt64, Held: 40}, 0}, // frozen "all": no overflow
		{UnitHolding{Units: math.MaxInt64, Held: 1}, math.MaxInt64 - 1},
	}
	for _, tc := range tests {
		if got := tc.h.Free(); got != tc.want {
			t.Errorf("%+v.Free() = %d, want %d", tc.h, got, tc.want)
		}
	}
}

func TestCashBalanceArithmetic(t *testing.T) {
	type op func(CashBalance, money.Amount) (CashBalance, error)
	hold, release, debit, credit := CashBalance.Hold, CashBalance.Release, CashBalance.Debit, CashBalance.Credit
	c := money.Cents
	tests := []struct {
		name string
		b    CashBalance
		op   op
		a    money.Amount
		want CashBalance
		code errs.Code
	}{
		{"hold", CashBalance{Balance: c(10_000)}, hold, c(2_500), CashBalance{Balance: c(10_000), Held: c(2_500)}, ""},
		{"hold to the cent", CashBalance{Balance: c(10_000), Held: c(2_500)}, hold, c(7_500), CashBalance{Balance: c(10_000), Held: c(10_000)}, ""},
		{"hold one cent too many", CashBalance{Balance: c(10_000), Held: c(2_500)}, hold, c(7_501), CashBalance{}, errs.InsufficientBalance},
		{"hold nothing", CashBalance{Balance: c(1)}, hold, 0, CashBalance{}, errs.BadInput},
		{"release", CashBalance{Balance: c(10_000), Held: c(2_500)}, release, c(2_500), CashBalance{Balance: c(10_000)}, ""},
		{"release more than held", CashBalance{Balance: c(10_000), Held: c(2_500)}, release, c(2_501), CashBalance{}, errs.Internal},
		{"debit free cash", CashBalance{Balance: c(10_000), Held: c(2_500)}, debit, c(7_500), CashBalance{Balance: c(2_500), Held: c(2_500)}, ""},
		{"debit held cash", CashBalance{Balance: c(10_000), Held: c(2_500)}, debit, c(7_501), CashBalance{}, errs.InsufficientBalance},
		{"credit", CashBalance{Balance: c(1)}, credit, c(99), CashBalance{Balance: c(100)}, ""},
		{"credit beyond the maximum", CashBalance{Balance: money.MaxAmount}, credit, c(1), CashBalance{}, errs.Overflow},
		{"negative credit", CashBalance{Balance: c(1)}, credit, c(-1), CashBalance{}, errs.BadInput},
		{"corrupt: held above balance", CashBalance{Balance: c(1), Held: c(2)}, credit, c(1), CashBalance{}, errs.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.op(tc.b, tc.a)
			wantCode(t, err, tc.code)
			if tc.code == "" && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.code != "" && got != tc.b {
				t.Fatalf("refused operation changed the balance to %+v", got)
			}
		})
	}
}
