package servicing

import (
	"fmt"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/ledger/dealaccounts"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/accruals"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Certify certifies the deal's next period: the trustee's act that runs
// the waterfall on the complete servicer report, the posted fixings and
// the deal's state, in this transaction. It then
//
//   - checks the collection account holds the period's collections and
//     every reserve account the balance the waterfall state says;
//   - moves each class's payment from the collection account into its
//     tranche's distribution account and raises the tranche's cumulative
//     per-unit index (O(classes), whatever the number of holders);
//   - moves each fee into its payable account, the servicer's advance
//     reimbursements into the advances account, and each reserve deposit,
//     draw and release between the collection and reserve accounts;
//   - publishes the result with the hash of its inputs (see Replay), the
//     proof of reserve, and the deal's next state;
//   - on an event of default (declared, or a trigger's), stops transfers
//     of every tranche of the deal.
//
// Only the trustee may. It returns a schema.CertifySummary (GetCertification
// returns the whole record).
func (c *Contract) Certify(ctx *txn.Context, dealID, period string) (string, error) {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return "", err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	if err := requireOpened(f); err != nil {
		return "", err
	}
	if p != f.svc.Period+1 {
		return "", errs.New(errs.WrongState, "deal %s: the next period to certify is %d, not %d", f.deal.ID, f.svc.Period+1, p)
	}
	r, found, err := readReport(ctx, f.deal.ID, p)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.WrongState, "deal %s period %d: the servicer has not submitted a report", f.deal.ID, p)
	}
	if r.Status != schema.ReportComplete {
		return "", errs.New(errs.WrongState, "deal %s period %d: report attempt %d is %s (%d of %d chunks in), not complete",
			f.deal.ID, p, r.Attempt, r.Status, r.ChunksReceived, r.Header.Chunks)
	}
	resolved, err := resolveForCertification(ctx, f, r, caller.Identity.Key())
	if err != nil {
		return "", err
	}
	in, err := periodInputs(ctx, f, r, f.svc.Declared != nil, resolved)
	if err != nil {
		return "", err
	}
	out, err := distribution.Compute(distribution.Inputs{Definition: f.def, Prior: f.svc.State, Period: in})
	if err != nil {
		return "", errs.Wrap(err, "deal %s period %d", f.deal.ID, p)
	}
	acc := dealaccounts.Open(ctx, f.deal.ID)
	if err := moveCash(acc, f, out.Cash); err != nil {
		return "", err
	}
	dists, err := distribute(ctx, f, out.Cash)
	if err != nil {
		return "", err
	}
	reserve, err := proveReserve(f.deal, out.Result)
	if err != nil {
		return "", err
	}
	eod := f.svc.EventOfDefault || out.Result.EventOfDefault
	if eod {
		if err := stopTransfers(ctx, f); err != nil {
			return "", err
		}
	}
	now, err := ctx.Now()
	if err != nil {
		return "", err
	}
	cert := schema.Certification{
		Deal: f.deal.ID, Period: p, ReportAttempt: r.Attempt, WaterfallVersion: f.svc.WaterfallVersion,
		Inputs: in, InputsHash: out.InputsHash, Result: out.ResultJSON, ResultHash: out.ResultHash,
		Cash: out.Cash, Distributions: dists, Reserve: reserve, Accelerated: out.Result.Accelerated,
		CertifiedBy: caller.Identity.Key(), CertifiedTx: ctx.TxID(), CertifiedAt: now.Format(time.RFC3339),
	}
	svc := f.svc
	svc.Period, svc.State, svc.EventOfDefault, svc.Declared = p, out.Result.NewState, eod, nil
	if out.Result.PoolSale {
		if svc.Liquidated, err = windDown(ctx, f, r, out.Result); err != nil {
			return "", err
		}
	}
	if err := acc.Flush(); err != nil {
		return "", err
	}
	if err := ctx.Put(servicingKey(ctx, f.deal.ID), svc); err != nil {
		return "", err
	}
	if err := ctx.Put(certificationKey(ctx, f.deal.ID, p), cert); err != nil {
		return "", err
	}
	for _, fx := range resolved {
		if err := ctx.Put(ctx.MustKey(schema.TypeFixing, f.deal.ID, schema.PeriodKey(p), fx.Index), fx); err != nil {
			return "", err
		}
	}
	if err := ctx.Emit("PeriodCertified", map[string]any{
		"deal": f.deal.ID, "period": p, "resultHash": out.ResultHash, "inputsHash": out.InputsHash,
		"reserveCovered": reserve.Covered, "eventOfDefault": eod, "accelerated": out.Result.Accelerated,
	}); err != nil {
		return "", err
	}
	return jsonString(schema.CertifySummary{Deal: cert.Deal, Period: p, ResultHash: cert.ResultHash, InputsHash: cert.InputsHash,
		Cash: cert.Cash, Distributions: dists, Reserve: reserve, EventOfDefault: eod, Accelerated: cert.Accelerated})
}

// resolveForCertification resolves the fixings the deal's terms take
// from several sources, at each rule's cut-off before the period's payment
// date (FIXING_UNRESOLVED when a rule is not met).
func resolveForCertification(ctx *txn.Context, f *dealFacts, r schema.Report, by string) ([]schema.Fixing, error) {
	if len(f.wf.Fixings) == 0 {
		return nil, nil
	}
	pay, err := distribution.ScheduledPaymentDate(&f.def, r.Period, r.Header.Aggregates.Period.Ending, f.wf.PaymentDay)
	if err != nil {
		return nil, errs.New(errs.Internal, "deal %s period %d: %v", f.deal.ID, r.Period, err)
	}
	return resolvedFixings(ctx, f, r.Period, pay, by)
}

// periodInputs reads a period's fixings, with resolved (the fixings this
// transaction resolved from several sources, which it writes in their
// place) standing for any of the same index, and rebuilds its waterfall
// inputs from them (schema.PeriodInputs, which the gateway's replay uses
// too).
func periodInputs(ctx *txn.Context, f *dealFacts, r schema.Report, declareEoD bool, resolved []schema.Fixing) (distribution.PeriodInputs, error) {
	posted, err := readFixings(ctx, f.deal.ID, r.Period)
	if err != nil {
		return distribution.PeriodInputs{}, err
	}
	fixings := resolved
	for _, fx := range posted {
		if _, ruled := fixing.FindRule(f.wf.Fixings, fx.Index); !ruled || len(resolved) == 0 {
			fixings = append(fixings, fx)
		}
	}
	in, err := schema.PeriodInputs(&f.def, r, f.wf, fixings, declareEoD)
	if err != nil { // only a payment date the waterfall cannot have
		return distribution.PeriodInputs{}, errs.New(errs.Internal, "deal %s: %v", f.deal.ID, err)
	}
	return in, nil
}

// moveCash applies the cash plan to the deal's accounts after checking
// they hold what it takes: the period's collections, and in every reserve
// account the balance the waterfall state carries.
func moveCash(acc *dealaccounts.Book, f *dealFacts, plan distribution.CashPlan) error {
	have, err := acc.Balance(schema.AccountCollection)
	if err != nil {
		return err
	}
	if have < plan.Collections {
		return errs.New(errs.InsufficientBalance, "deal %s: the collection account holds %s but the period's collections are %s: the servicer must remit %s more",
			f.deal.ID, have, plan.Collections, plan.Collections-have)
	}
	for i, rc := range plan.Reserves {
		name := schema.ReserveAccount(rc.Account)
		bal, err := acc.Balance(name)
		if err != nil {
			return err
		}
		if want := f.svc.State.Reserves[i].Balance; bal < want {
			return errs.New(errs.InsufficientBalance, "deal %s: reserve account %s holds %s but the waterfall carries %s: fund it with FundReserve",
				f.deal.ID, rc.Account, bal, want)
		}
	}
	if err := acc.Sub(schema.AccountCollection, plan.Collections); err != nil {
		return err
	}
	// Unallocated funds (the waterfall's rounding residue line) stay in the
	// collection account.
	if err := acc.Add(schema.AccountCollection, plan.Unallocated); err != nil {
		return err
	}
	for _, rc := range plan.Reserves {
		name := schema.ReserveAccount(rc.Account)
		if err := acc.Add(name, rc.Deposit); err != nil {
			return err
		}
		if err := acc.Sub(name, rc.Draw+rc.Release); err != nil {
			return err
		}
	}
	for _, fc := range plan.Fees {
		if err := acc.Add(schema.FeeAccount(fc.Fee), fc.Paid); err != nil {
			return err
		}
	}
	return acc.Add(schema.AccountAdvances, plan.AdvanceReimbursements)
}

// distribute moves each class's payment into its tranche's class book and
// raises the index over the tranche's units outstanding (issued less
// redeemed, the SPV's unplaced units included: their share waits in the
// distribution account).
func distribute(ctx *txn.Context, f *dealFacts, plan distribution.CashPlan) ([]schema.ClassDistribution, error) {
	out := make([]schema.ClassDistribution, 0, len(plan.Classes))
	for _, cc := range plan.Classes {
		trancheID, ok := f.trancheOf(cc.Class)
		if !ok {
			return nil, errs.New(errs.Internal, "deal %s: class %s has no tranche", f.deal.ID, cc.Class)
		}
		reg, err := positions.Open(ctx, trancheID, nil)
		if err != nil {
			return nil, err
		}
		units, err := reg.Outstanding()
		if err != nil {
			return nil, err
		}
		cd := schema.ClassDistribution{Class: cc.Class, Tranche: trancheID}
		if units == 0 {
			if cc.Total > 0 {
				return nil, errs.New(errs.WrongState, "deal %s: class %s is paid %s but tranche %s has no units outstanding to distribute it to",
					f.deal.ID, cc.Class, cc.Total, trancheID)
			}
			out = append(out, cd)
			continue
		}
		if cd.Distribution, err = accruals.Distribute(ctx, trancheID, cc.Total, units, fmt.Sprintf("deal %s class %s", f.deal.ID, cc.Class)); err != nil {
			return nil, err
		}
		out = append(out, cd)
	}
	return out, nil
}

// proveReserve is the period's proof of reserve: the certified pool
// balance against the notes outstanding after the period's payments.
func proveReserve(d schema.Deal, res waterfall.Result) (distribution.Reserve, error) {
	var notes money.Amount
	for _, c := range res.Classes {
		notes += c.EndingBalance
	}
	r, err := distribution.ProveReserve(res.Pool.EndingBalance, notes, d.RequiredCollateralization)
	if err != nil {
		return distribution.Reserve{}, errs.Wrap(err, "deal %s proof of reserve", d.ID)
	}
	return r, nil
}

// stopTransfers pauses every tranche of the deal that is not paused yet:
// after an event of default units stop moving (forced transfers by the
// trustee excepted), while holders can still claim distributions.
func stopTransfers(ctx *txn.Context, f *dealFacts) error {
	for _, id := range f.deal.Tranches {
		reg, err := positions.Open(ctx, id, nil)
		if err != nil {
			return err
		}
		if reg.Tranche.Rules.Paused {
			continue
		}
		if err := reg.SetPaused(true); err != nil {
			return err
		}
	}
	return nil
}
