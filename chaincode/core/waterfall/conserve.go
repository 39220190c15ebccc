package waterfall

import (
	"errors"
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// ErrNotConserved is wrapped by the error Run returns when its result does
// not reconcile: cash created or lost, a balance that does not roll
// forward, a negative balance. It means a bug in the engine.
var ErrNotConserved = errors.New("waterfall: result does not reconcile")

// result assembles the Result and the next State from the ledgers.
func (r *run) result() (Result, error) {
	def, p := r.def, r.p
	r.funds.Total = r.funds.sum()
	poolAfter, ysocAfter := r.poolEnd, r.ysocEnd
	if r.ended {
		poolAfter, ysocAfter = 0, 0
	}
	ocTarget, err := r.ocTargetAmount()
	if err != nil {
		return Result{}, fmt.Errorf("ocTarget: %w", err)
	}
	res := Result{
		DefinitionVersion: def.Version,
		Period:            p.Period,
		Accelerated:       r.accelerated,
		AvailableFunds:    r.funds,
		Payments:          r.payments,
		Classes:           make([]ClassResult, len(def.Classes)),
		Fees:              make([]FeeResult, len(def.Fees)),
		Reserves:          make([]ReserveResult, len(def.Reserves)),
		Triggers:          make([]TriggerResult, 0, len(def.Triggers)),
		RoundingResidue:   r.available,
		EventOfDefault:    r.eventOfDefault,
		CleanUpCall:       r.cleanUp,
		PoolSale:          r.poolSale,
		PaymentDate:       r.dates,
		ShiftingInterest:  r.shifting,
	}
	next := State{
		Period:            p.Period,
		AccruedThrough:    p.AccrualEnd,
		PoolBalance:       poolAfter,
		YieldSupplement:   ysocAfter,
		CumulativeNetLoss: r.cnl,
		Classes:           make([]ClassState, len(def.Classes)),
		Fees:              make([]FeeState, len(def.Fees)),
		Reserves:          make([]ReserveState, len(def.Reserves)),
		Triggers:          make([]TriggerState, len(def.Triggers)),
		EventOfDefault:    r.eventOfDefault,
		Accelerated:       r.accelerated,
		CleanUpCalled:     r.cleanUp,
		PoolSold:          r.poolSale,
	}
	var notes money.Amount
	for i, c := range def.Classes {
		l := r.classes[i]
		cr := ClassResult{
			Class: c.Name, BeginningBalance: l.begin, InterestRate: l.rate, AccrualDays: l.days,
			InterestAccrued: l.accrued, UnpaidInterestBefore: l.unpaidBefore, InterestOnUnpaid: l.onUnpaid,
			InterestDue: l.due, InterestPaid: l.interestPaid, UnpaidInterest: l.due - l.interestPaid,
			PrincipalPaid: l.principalPaid, WriteDown: l.writeDown, WrittenDown: l.writtenOff,
			EndingBalance: l.balance, ResidualPaid: l.residualPaid,
		}
		if !c.Residual {
			notes += l.balance
		}
		if c.OriginalBalance > 0 {
			cr.Factor = money.Ratio(l.balance, c.OriginalBalance, 10)
		}
		res.Classes[i] = cr
		res.ResidualPaid += l.residualPaid
		next.Classes[i] = ClassState{Class: c.Name, Balance: l.balance, UnpaidInterest: cr.UnpaidInterest, WrittenDown: l.writtenOff}
	}
	for i, f := range def.Fees {
		l := r.fees[i]
		res.Fees[i] = FeeResult{Fee: f.Name, UnpaidBefore: l.unpaidBefore, Accrued: l.accrued, Paid: l.paid, Unpaid: l.owed}
		next.Fees[i] = FeeState{Fee: f.Name, Unpaid: l.owed}
		if f.AnnualCap > 0 {
			next.Fees[i].CapYear, next.Fees[i].PaidInCapYear = p.AccrualEnd.Year, l.paidInYear
		}
	}
	for i, a := range def.Reserves {
		l := r.reserves[i]
		target, err := r.reserveTarget(i)
		if err != nil {
			return Result{}, fmt.Errorf("reserves[%d] (%s): target: %w", i, a.Name, err)
		}
		res.Reserves[i] = ReserveResult{Account: a.Name, BeginningBalance: l.begin, Target: target,
			Deposit: l.deposit, Draw: l.draw, Release: l.release, EndingBalance: l.balance}
		next.Reserves[i] = ReserveState{Account: a.Name, Balance: l.balance}
	}
	for i, t := range def.Triggers {
		l := r.triggers[i]
		if l.result != nil {
			res.Triggers = append(res.Triggers, *l.result)
		}
		next.Triggers[i] = TriggerState{Trigger: t.Name, Breached: l.breached, BreachedSince: l.since}
	}
	res.Pool = PoolResult{
		BeginningBalance:       r.poolBegin,
		EndingBalance:          poolAfter,
		Factor:                 money.Ratio(poolAfter, def.InitialPoolBalance, 10),
		OCTarget:               ocTarget,
		Overcollateralization:  poolAfter - ysocAfter - notes,
		CumulativeNetLoss:      r.cnl,
		CumulativeNetLossRatio: money.Ratio(r.cnl, def.InitialPoolBalance, 10),
	}
	if def.YieldSupplement != nil {
		res.Pool.Adjusted = &AdjustedPool{
			BeginningYieldSupplement: r.ysocBegin, EndingYieldSupplement: ysocAfter,
			BeginningBalance: r.adjBegin, EndingBalance: poolAfter - ysocAfter,
		}
	}
	res.NewState = next
	return res, nil
}

// checkConservation re-derives, from the Result alone, that every cent of
// available funds went to exactly one line and that every ledger rolls
// forward from the state it started from.
func checkConservation(prior State, res Result) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: period %d: %s", ErrNotConserved, res.Period, fmt.Sprintf(format, args...))
	}
	f := res.AvailableFunds
	if f.Total != f.sum() {
		return fail("available funds total %s is not the sum of its sources %s", f.Total, f.sum())
	}
	if res.RoundingResidue < 0 {
		return fail("negative rounding residue %s", res.RoundingResidue)
	}
	interest := make(map[string]money.Amount)
	principal := make(map[string]money.Amount)
	fees := make(map[string]money.Amount)
	deposits := make(map[string]money.Amount)
	var used, residual money.Amount
	for n, p := range res.Payments {
		if p.Paid < 0 || p.Paid > p.Due || p.Shortfall != p.Due-p.Paid {
			return fail("payments[%d]: due %s, paid %s, shortfall %s", n, p.Due, p.Paid, p.Shortfall)
		}
		used += p.Paid
		switch p.Kind {
		case KindFee:
			fees[p.Fee] += p.Paid
		case KindInterest:
			interest[p.Class] += p.Paid
		case KindPrincipal, KindCleanUpCall:
			principal[p.Class] += p.Paid
		case KindReserve:
			deposits[p.Account] += p.Paid
		case KindResidual:
			residual += p.Paid
		default:
			return fail("payments[%d]: kind %q moves no cash", n, p.Kind)
		}
	}
	if used+res.RoundingResidue != f.Total {
		return fail("available funds %s, paid out %s + residue %s", f.Total, used, res.RoundingResidue)
	}
	if residual != res.ResidualPaid {
		return fail("residual lines %s, residual paid %s", residual, res.ResidualPaid)
	}
	for i, c := range res.Classes {
		begin := prior.Classes[i].Balance
		switch {
		case c.BeginningBalance != begin:
			return fail("class %s begins at %s, state says %s", c.Class, c.BeginningBalance, begin)
		case c.EndingBalance < 0 || c.EndingBalance != begin-c.PrincipalPaid-c.WriteDown:
			return fail("class %s: %s − principal %s − write-down %s ≠ %s", c.Class, begin, c.PrincipalPaid, c.WriteDown, c.EndingBalance)
		case c.UnpaidInterest < 0 || c.InterestPaid != interest[c.Class] || c.PrincipalPaid != principal[c.Class]:
			return fail("class %s: interest or principal paid does not match its payment lines", c.Class)
		case c.WrittenDown != prior.Classes[i].WrittenDown+c.WriteDown:
			return fail("class %s: principal deficiency ledger does not roll forward", c.Class)
		}
	}
	for _, fr := range res.Fees {
		if fr.Paid != fees[fr.Fee] || fr.Unpaid < 0 || fr.UnpaidBefore+fr.Accrued-fr.Paid != fr.Unpaid {
			return fail("fee %s does not roll forward", fr.Fee)
		}
	}
	var draws, releases money.Amount
	for _, a := range res.Reserves {
		if a.Deposit != deposits[a.Account] || a.EndingBalance < 0 ||
			a.BeginningBalance+a.Deposit-a.Draw-a.Release != a.EndingBalance {
			return fail("reserve %s does not roll forward", a.Account)
		}
		draws += a.Draw
		releases += a.Release
	}
	if draws != f.ReserveDraws || releases != f.ReserveReleases {
		return fail("reserve draws %s and releases %s do not match available funds", draws, releases)
	}
	return nil
}
