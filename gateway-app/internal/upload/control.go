package upload

import (
	"fmt"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ReportControl are a servicer report's control totals: the figures the
// servicer's own system printed for the file (a batch trailer, the
// monthly servicer certificate). Each one given must equal the sum of the
// rows, or the file is refused (rule totals) before anything is
// submitted: a truncated or doubled file is caught here. Nil fields are
// not checked.
type ReportControl struct {
	LoanCount           *int          `json:"loanCount,omitempty"`
	BeginningBalance    *money.Amount `json:"beginningBalance,omitempty"`
	EndingBalance       *money.Amount `json:"endingBalance,omitempty"`
	TotalCollected      *money.Amount `json:"totalCollected,omitempty"`
	InterestCollected   *money.Amount `json:"interestCollected,omitempty"`
	PrincipalCollected  *money.Amount `json:"principalCollected,omitempty"`
	ChargedOffPrincipal *money.Amount `json:"chargedOffPrincipal,omitempty"`
	Recoveries          *money.Amount `json:"recoveries,omitempty"`
}

func (c ReportControl) check(a loantape.ReportAggregates) error {
	var errs []*loantape.RowError
	count(&errs, "loanCount", c.LoanCount, a.LoanCount)
	amount(&errs, "beginningBalance", c.BeginningBalance, a.BeginningBalance)
	amount(&errs, "endingBalance", c.EndingBalance, a.EndingBalance)
	amount(&errs, "totalCollected", c.TotalCollected, a.TotalCollected)
	amount(&errs, "interestCollected", c.InterestCollected, a.InterestCollected)
	amount(&errs, "principalCollected", c.PrincipalCollected, a.PrincipalCollected())
	amount(&errs, "chargedOffPrincipal", c.ChargedOffPrincipal, a.ChargedOffPrincipal)
	amount(&errs, "recoveries", c.Recoveries, a.Recoveries)
	if len(errs) > 0 {
		return &Refused{Errors: errs}
	}
	return nil
}

// TapeControl are a loan tape's control totals.
type TapeControl struct {
	LoanCount *int          `json:"loanCount,omitempty"`
	Balance   *money.Amount `json:"balance,omitempty"`
}

func (c TapeControl) check(a loantape.TapeAggregates) error {
	var errs []*loantape.RowError
	count(&errs, "loanCount", c.LoanCount, a.LoanCount)
	amount(&errs, "balance", c.Balance, a.Balance)
	if len(errs) > 0 {
		return &Refused{Errors: errs}
	}
	return nil
}

func count(errs *[]*loantape.RowError, name string, declared *int, rows int) {
	if declared != nil && *declared != rows {
		*errs = append(*errs, totalsError(name, strconv.Itoa(*declared), strconv.Itoa(rows)))
	}
}

func amount(errs *[]*loantape.RowError, name string, declared *money.Amount, rows money.Amount) {
	if declared != nil && *declared != rows {
		*errs = append(*errs, totalsError(name, declared.String(), rows.String()))
	}
}

func totalsError(name, declared, rows string) *loantape.RowError {
	return &loantape.RowError{Field: name, Rule: loantape.RuleTotals,
		Msg: fmt.Sprintf("%s: the control total is %s but the rows add up to %s", name, declared, rows)}
}
