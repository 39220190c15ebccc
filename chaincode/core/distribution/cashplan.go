package distribution

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// CashPlan is the cash one certified waterfall moves between the deal's
// accounts. Certification executes it as a list of transfers between
// public accounts the trustee keeps, so it reads no registry:
//
//	collection account  −Collections
//	reserve accounts    +Deposit −Draw −Release      (each)
//	fee accounts        +Paid                        (each fee, to its payee)
//	advances account    +AdvanceReimbursements       (to the servicer)
//	class accounts      +Total                       (each class, then the index)
//
// and Σ credits = Σ debits to the cent (Check).
type CashPlan struct {
	// Collections is what comes out of the collection account: available
	// funds less reserve draws and releases (they come out of the reserve
	// accounts), plus the advance reimbursements, which the servicer
	// remits with the collections and is repaid from the collection
	// account ahead of the priority of payments.
	Collections money.Amount `json:"collections"`
	// AdvanceReimbursements repay the servicer's earlier advances; they go
	// into the deal's advances account, which the servicer claims.
	AdvanceReimbursements money.Amount  `json:"advanceReimbursements,omitzero"`
	Classes               []ClassCash   `json:"classes"`
	Fees                  []FeeCash     `json:"fees"`
	Reserves              []ReserveCash `json:"reserves"`
	// Unallocated is the waterfall's rounding residue line: available
	// funds no step took. It stays in the collection account. (The engine
	// makes it zero; the plan does not assume so.)
	Unallocated money.Amount `json:"unallocated"`
}

// ClassCash is what one class receives.
type ClassCash struct {
	Class     string       `json:"class"`
	Interest  money.Amount `json:"interest"`
	Principal money.Amount `json:"principal"`
	Residual  money.Amount `json:"residual"`
	Total     money.Amount `json:"total"`
}

// FeeCash is what one fee's payee receives.
type FeeCash struct {
	Fee  string       `json:"fee"`
	Paid money.Amount `json:"paid"`
}

// ReserveCash is one reserve account's movements.
type ReserveCash struct {
	Account string       `json:"account"`
	Deposit money.Amount `json:"deposit"`
	Draw    money.Amount `json:"draw"`
	Release money.Amount `json:"release"`
	// EndingBalance is the balance the waterfall says the account holds
	// after the period; the account's cash must equal it.
	EndingBalance money.Amount `json:"endingBalance"`
}

// Net is deposit − draw − release: the change of the account's cash.
func (r ReserveCash) Net() money.Amount { return r.Deposit - r.Draw - r.Release }

// PlanCash derives the cash movements from a waterfall result, in the
// definition's order of classes, fees and reserves, and checks that they
// balance.
func PlanCash(res waterfall.Result) (CashPlan, error) {
	f := res.AvailableFunds
	plan := CashPlan{
		Collections:           f.Total - f.ReserveDraws - f.ReserveReleases + f.AdvanceReimbursements,
		AdvanceReimbursements: f.AdvanceReimbursements,
		Classes:               make([]ClassCash, len(res.Classes)),
		Fees:                  make([]FeeCash, len(res.Fees)),
		Reserves:              make([]ReserveCash, len(res.Reserves)),
		Unallocated:           res.RoundingResidue,
	}
	for i, c := range res.Classes {
		plan.Classes[i] = ClassCash{Class: c.Class, Interest: c.InterestPaid, Principal: c.PrincipalPaid,
			Residual: c.ResidualPaid, Total: c.InterestPaid + c.PrincipalPaid + c.ResidualPaid}
	}
	for i, fr := range res.Fees {
		plan.Fees[i] = FeeCash{Fee: fr.Fee, Paid: fr.Paid}
	}
	for i, r := range res.Reserves {
		plan.Reserves[i] = ReserveCash{Account: r.Account, Deposit: r.Deposit, Draw: r.Draw, Release: r.Release, EndingBalance: r.EndingBalance}
	}
	return plan, plan.Check()
}

// Check verifies that the plan moves no more and no less than the
// collection account gives up plus what the reserves release:
// Collections + Σ(draw + release) = Σ class totals + Σ fees + Σ deposits +
// AdvanceReimbursements + Unallocated, and that nothing is negative.
func (p CashPlan) Check() error {
	if p.Collections < 0 || p.Unallocated < 0 || p.AdvanceReimbursements < 0 {
		return errs.New(errs.Internal, "cash plan: negative collections %s, advance reimbursements %s or unallocated %s",
			p.Collections, p.AdvanceReimbursements, p.Unallocated)
	}
	in, out := p.Collections, p.Unallocated+p.AdvanceReimbursements
	for _, c := range p.Classes {
		if c.Interest < 0 || c.Principal < 0 || c.Residual < 0 {
			return errs.New(errs.Internal, "cash plan: class %s has a negative payment", c.Class)
		}
		out += c.Total
	}
	for _, f := range p.Fees {
		if f.Paid < 0 {
			return errs.New(errs.Internal, "cash plan: fee %s has a negative payment", f.Fee)
		}
		out += f.Paid
	}
	for _, r := range p.Reserves {
		if r.Deposit < 0 || r.Draw < 0 || r.Release < 0 {
			return errs.New(errs.Internal, "cash plan: reserve %s has a negative movement", r.Account)
		}
		in += r.Draw + r.Release
		out += r.Deposit
	}
	if in != out {
		return errs.New(errs.Internal, "cash plan does not balance: in %s (collections + reserve draws and releases) != out %s", in, out)
	}
	return nil
}
