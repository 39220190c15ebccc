package dealaccounts

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestAccountsNeverGoBelowZeroOrPastTheLargestAmount(t *testing.T) {
	if got, err := DecideSub("D-1", "collection", 100_00, 100_00); err != nil || got != 0 {
		t.Fatalf("emptying the account: %s %v", got, err)
	}
	_, err := DecideSub("D-1", "reserve:main", 100_00, 100_01)
	if !errs.Is(err, errs.InsufficientBalance) || err.Error() != "[INSUFFICIENT_BALANCE] deal D-1 account reserve:main holds 100.00, 100.01 needed" {
		t.Fatalf("overdrawing: %v", err)
	}
	if got, err := DecideAdd("D-1", "fee:trustee", 250_00, 500_00); err != nil || got != 750_00 {
		t.Fatalf("paying in: %s %v", got, err)
	}
	if _, err := DecideAdd("D-1", "collection", money.MaxAmount, 1); !errs.Is(err, errs.Overflow) {
		t.Fatalf("paying past the largest amount: %v", err)
	}
}
