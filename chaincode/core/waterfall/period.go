package waterfall

import (
	"sort"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Period is one certified servicer report, reduced to the aggregates the
// waterfall needs, plus the interest accrual dates and index fixings of the
// payment date.
type Period struct {
	// Period is the number of the period being paid: the state's period + 1.
	Period int `json:"period"`
	// AccrualStart and AccrualEnd bound the interest period: the closing
	// date (a stub) or the previous payment date, to this payment date.
	AccrualStart daycount.Date `json:"accrualStart"`
	AccrualEnd   daycount.Date `json:"accrualEnd"`

	InterestCollections money.Amount `json:"interestCollections"`
	ScheduledPrincipal  money.Amount `json:"scheduledPrincipal"`
	// Prepayments is unscheduled principal collected (payoffs, partial
	// prepayments, repurchases).
	Prepayments money.Amount `json:"prepayments"`
	// Defaults is principal charged off: it leaves the pool but brings no cash.
	Defaults   money.Amount `json:"defaults"`
	Recoveries money.Amount `json:"recoveries"`
	// OtherAdjustments is any other non-cash change to the pool balance
	// (signed: positive reduces the pool).
	OtherAdjustments  money.Amount `json:"otherAdjustments,omitzero"`
	EndingPoolBalance money.Amount `json:"endingPoolBalance"`
	// Delinquencies are the balances of receivables delinquent at period
	// end, by bucket; part of the ending pool balance.
	Delinquencies Delinquencies `json:"delinquencies"`
	// IndexFixings holds the rate of each index floating classes pay over
	// (e.g. "SOFR30A": 0.0431), fixed for this interest period.
	IndexFixings map[string]decimal.Decimal `json:"indexFixings,omitempty"`
	// ServicerAdvances is cash advanced by the servicer this period, net of
	// reimbursements of earlier advances (the servicer nets those).
	ServicerAdvances money.Amount `json:"servicerAdvances,omitzero"`
	// The lines below are what trustee certificates show separately; each
	// is cash in available funds (advance reimbursements are taken out).
	//
	// ReserveInvestmentEarnings are the reserve account's investment
	// earnings for the period, paid into the collection account.
	ReserveInvestmentEarnings money.Amount `json:"reserveInvestmentEarnings,omitzero"`
	// LiquidationProceeds are net proceeds of selling the vehicles of
	// defaulted receivables; with Recoveries (collected after charge-off)
	// they reduce net losses.
	LiquidationProceeds money.Amount `json:"liquidationProceeds,omitzero"`
	// Repurchases is the principal balance of receivables the seller or
	// servicer bought back this period, paid in cash; it leaves the pool
	// like a prepayment (interest on it is in InterestCollections).
	Repurchases money.Amount `json:"repurchases,omitzero"`
	// AdvanceReimbursements repay the servicer's earlier advances out of
	// collections before anything else. When it is given, ServicerAdvances
	// is this period's advances, not netted.
	AdvanceReimbursements money.Amount `json:"advanceReimbursements,omitzero"`
	// YieldSupplementAmount is the YSOC at the end of the period, computed
	// by the servicer on the loan tape (PoolYieldSupplement) when the deal
	// discounts at a required rate; zero otherwise.
	YieldSupplementAmount money.Amount `json:"yieldSupplementAmount,omitzero"`
	// FeesIncurred are the expenses of "asIncurred" fees this period
	// (trustee, owner trustee, asset representations reviewer).
	FeesIncurred []FeeAmount `json:"feesIncurred,omitempty"`
	// CleanUpCall is true when the servicer exercises the clean-up call;
	// CleanUpProceeds is then the purchase price it pays for the pool.
	CleanUpCall     bool         `json:"cleanUpCall,omitempty"`
	CleanUpProceeds money.Amount `json:"cleanUpProceeds,omitzero"`
	// PoolSale is true in the period a defaulted (accelerated) deal's
	// pool was sold by the trustee on its Controlling Class's direction;
	// PoolSaleProceeds is the price the buyer paid. Like a clean-up call
	// without its factor test, the period is the deal's last: reserves
	// are released, the proceeds run through the acceleration steps and
	// whatever principal they leave unpaid is written off.
	PoolSale         bool         `json:"poolSale,omitempty"`
	PoolSaleProceeds money.Amount `json:"poolSaleProceeds,omitzero"`
	// DeclareEventOfDefault records an event of default the data cannot
	// show (e.g. servicer insolvency), declared by the trustee.
	DeclareEventOfDefault bool `json:"declareEventOfDefault,omitempty"`
}

// cashIn is every source of cash of the period before reserve movements
// and advance reimbursements.
func (p *Period) cashIn() money.Amount {
	return p.InterestCollections + p.ScheduledPrincipal + p.Prepayments + p.Repurchases + p.Recoveries +
		p.LiquidationProceeds + p.ReserveInvestmentEarnings + p.ServicerAdvances + p.CleanUpProceeds + p.PoolSaleProceeds
}

// FeeAmount is an amount owed to a named fee.
type FeeAmount struct {
	Fee    string       `json:"fee"`
	Amount money.Amount `json:"amount"`
}

// incurred is what the period reports for an "asIncurred" fee.
func (p *Period) incurred(fee string) money.Amount {
	for _, f := range p.FeesIncurred {
		if f.Fee == fee {
			return f.Amount
		}
	}
	return 0
}

// Delinquencies are balances by days past due.
type Delinquencies struct {
	Days30to59 money.Amount `json:"days30to59"`
	Days60to89 money.Amount `json:"days60to89"`
	Days90Plus money.Amount `json:"days90Plus"`
}

// checkPeriod verifies the report against the deal and its state: the
// period follows the state, accrual dates chain, the pool rolls forward
// to the cent, the clean-up call is allowed.
func (d *Definition) checkPeriod(s State, pr Period) error {
	var p problems
	if pr.Period != s.Period+1 {
		p.add("period.period", "want %d (the state is at period %d), got %d", s.Period+1, s.Period, pr.Period)
	}
	switch {
	case pr.AccrualStart != s.AccruedThrough:
		p.add("period.accrualStart", "want %s, where interest has accrued to, got %s", s.AccruedThrough, pr.AccrualStart)
	case pr.AccrualEnd.IsZero() || !pr.AccrualStart.Before(pr.AccrualEnd):
		p.add("period.accrualEnd", "must be after accrualStart %s, got %s", pr.AccrualStart, pr.AccrualEnd)
	case daycount.ActualDays(pr.AccrualStart, pr.AccrualEnd) > maxAccrualDays:
		p.add("period.accrualEnd", "accrual period of %d days exceeds %d",
			daycount.ActualDays(pr.AccrualStart, pr.AccrualEnd), maxAccrualDays)
	}
	for _, f := range []struct {
		path string
		a    money.Amount
	}{
		{"period.interestCollections", pr.InterestCollections},
		{"period.scheduledPrincipal", pr.ScheduledPrincipal},
		{"period.prepayments", pr.Prepayments},
		{"period.defaults", pr.Defaults},
		{"period.recoveries", pr.Recoveries},
		{"period.endingPoolBalance", pr.EndingPoolBalance},
		{"period.delinquencies.days30to59", pr.Delinquencies.Days30to59},
		{"period.delinquencies.days60to89", pr.Delinquencies.Days60to89},
		{"period.delinquencies.days90Plus", pr.Delinquencies.Days90Plus},
		{"period.servicerAdvances", pr.ServicerAdvances},
		{"period.cleanUpProceeds", pr.CleanUpProceeds},
		{"period.poolSaleProceeds", pr.PoolSaleProceeds},
		{"period.yieldSupplementAmount", pr.YieldSupplementAmount},
		{"period.reserveInvestmentEarnings", pr.ReserveInvestmentEarnings},
		{"period.liquidationProceeds", pr.LiquidationProceeds},
		{"period.repurchases", pr.Repurchases},
		{"period.advanceReimbursements", pr.AdvanceReimbursements},
	} {
		checkAmount(&p, f.path, f.a, false)
	}
	if pr.OtherAdjustments > MaxInputAmount || pr.OtherAdjustments < -MaxInputAmount {
		p.add("period.otherAdjustments", "%s exceeds the limit %s", pr.OtherAdjustments, MaxInputAmount)
	}
	if err := p.err(); err != nil {
		return err // the roll-forward below needs amounts in range
	}
	rolled := s.PoolBalance - pr.ScheduledPrincipal - pr.Prepayments - pr.Repurchases - pr.Defaults - pr.OtherAdjustments
	if rolled != pr.EndingPoolBalance {
		repurchases := ""
		if pr.Repurchases != 0 {
			repurchases = " − repurchases " + pr.Repurchases.String()
		}
		p.add("period.endingPoolBalance", "pool does not roll forward: beginning %s − scheduled %s − prepayments %s%s "+
			"− defaults %s − other adjustments %s = %s, reported %s", s.PoolBalance, pr.ScheduledPrincipal,
			pr.Prepayments, repurchases, pr.Defaults, pr.OtherAdjustments, rolled, pr.EndingPoolBalance)
	}
	if cash := pr.cashIn(); pr.AdvanceReimbursements > cash {
		p.add("period.advanceReimbursements", "%s exceeds the period's collections %s", pr.AdvanceReimbursements, cash)
	}
	dq := pr.Delinquencies
	if dq.Days30to59+dq.Days60to89+dq.Days90Plus > pr.EndingPoolBalance {
		p.add("period.delinquencies", "delinquent balances %s exceed the ending pool balance %s",
			dq.Days30to59+dq.Days60to89+dq.Days90Plus, pr.EndingPoolBalance)
	}
	if len(pr.IndexFixings) > maxFixings {
		p.add("period.indexFixings", "at most %d fixings, got %d", maxFixings, len(pr.IndexFixings))
	} else {
		for _, name := range sortedKeys(pr.IndexFixings) {
			path := "period.indexFixings." + name
			checkName(&p, path, name)
			checkRate(&p, path, pr.IndexFixings[name], true)
		}
	}
	d.checkPoolMeasureInputs(&p, pr)
	d.checkPaymentDate(&p, pr)
	d.checkCleanUp(&p, pr)
	d.checkPoolSale(&p, s, pr)
	if pr.DeclareEventOfDefault && len(d.AccelerationSteps) == 0 {
		p.add("period.declareEventOfDefault", "the definition has no accelerationSteps")
	}
	return p.err()
}

func (d *Definition) checkCleanUp(p *problems, pr Period) {
	if !pr.CleanUpCall {
		if pr.CleanUpProceeds != 0 {
			p.add("period.cleanUpProceeds", "must be zero unless cleanUpCall is exercised")
		}
		return
	}
	if d.CleanUpCallFactor.IsZero() {
		p.add("period.cleanUpCall", "the deal has no clean-up call")
		return
	}
	// Eligible when ending pool ÷ initial pool ≤ factor, compared exactly.
	limit := d.CleanUpCallFactor.Mul(d.InitialPoolBalance.Decimal())
	if pr.EndingPoolBalance.Decimal().GreaterThan(limit) {
		p.add("period.cleanUpCall", "not eligible: pool factor %s is above the clean-up call factor %s",
			money.Ratio(pr.EndingPoolBalance, d.InitialPoolBalance, 10), d.CleanUpCallFactor)
	}
	if pr.CleanUpProceeds == 0 && pr.EndingPoolBalance > 0 {
		p.add("period.cleanUpProceeds", "required when cleanUpCall is exercised: the purchase price of the pool")
	}
}

// sortedKeys returns a map's keys in order, so that anything derived from a
// map is deterministic.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
