package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// LoanTerms are what a projection needs of a loan besides its balance:
// its rate (a fraction), remaining term in months and days past due, as a
// tape or report row gave them.
type LoanTerms struct {
	Rate          decimal.Decimal `json:"r"`
	RemainingTerm int             `json:"t"`
	DaysPastDue   int             `json:"d,omitempty"`
}

// IsZero reports terms never recorded (a book written before terms were
// kept): omitzero leaves them out.
func (t LoanTerms) IsZero() bool {
	return t.RemainingTerm == 0 && t.Rate.IsZero() && t.DaysPastDue == 0
}

// BookLoanAt is one loan as it stood at the end of a period.
type BookLoanAt struct {
	Asset        string
	Balance      money.Amount
	OriginalTerm int
	LoanTerms
}

// ErrBookNotAt says the loan book cannot tell a period's balances: it
// moved more than one report past it (it keeps one step back), or it was
// written before it kept loan terms.
var ErrBookNotAt = errors.New("the loan book cannot restate that period")

// LoansAt calls each with every loan of the pool as it stood at the end of
// period (0: cut-off), in asset-number order: the last recorded balance
// and terms when the loan's last report is period or earlier, the ones
// before it when its last report is period+1 (a report not yet
// certified). Loans paid off are included with a zero balance. Check with
// Tape and ReportRoot that the book matches the ledger before trusting it.
func (t txn) LoansAt(pool string, period int, each func(BookLoanAt) error) error {
	b, err := bucket(t.tx, bucketLoanBook, pool, "loans")
	if err != nil || b == nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		var l BookLoan
		if err := json.Unmarshal(v, &l); err != nil {
			return fmt.Errorf("store: loan book %s/%s: %w", pool, k, err)
		}
		at := BookLoanAt{Asset: string(k), OriginalTerm: l.OriginalTerm}
		switch {
		case l.Period <= period:
			at.Balance, at.LoanTerms = l.End, l.Now
		case l.Period == period+1:
			at.Balance, at.LoanTerms = l.Prior, l.Before
		default:
			return fmt.Errorf("%w: loan %s was last reported for period %d, past period %d+1", ErrBookNotAt, k, l.Period, period)
		}
		if l.OriginalTerm == 0 {
			return fmt.Errorf("%w: loan %s has no recorded terms (a book kept before terms were recorded)", ErrBookNotAt, k)
		}
		return each(at)
	})
}
