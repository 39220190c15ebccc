package loansim

import (
	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// CardSpec describes a simulated credit-card master trust's monthly
// performance. Rates are in basis points of the beginning receivables:
// PaymentRateBP is monthly, YieldBP and ChargeOffBP are annual.
type CardSpec struct {
	Seed  uint64
	Trust cardtrust.Trust
	// PaymentRateBP, YieldBP and ChargeOffBP are the central values each
	// month draws around (±10%); RecoveryPct is recoveries as a percentage
	// of the month's charge-offs.
	PaymentRateBP, YieldBP, ChargeOffBP, RecoveryPct int64
	// StressPeriod (0: none) is a month whose yield falls to a third and
	// whose charge-offs triple: the month a deal's early amortization
	// test is written for.
	StressPeriod int
}

// DefaultCardSpec is a prime card trust: a 20% monthly payment rate, an
// 18% portfolio yield, 4.5% annual charge-offs, recoveries of 15% of them.
func DefaultCardSpec(seed uint64, t cardtrust.Trust) CardSpec {
	return CardSpec{Seed: seed, Trust: t, PaymentRateBP: 2000, YieldBP: 1800, ChargeOffBP: 450, RecoveryPct: 15}
}

// CardTrust simulates a card trust's pool-level monthly reports. Every
// report passes cardtrust's checks and follows the trust's state: Next
// allocates it (cardtrust.Run) to move on.
type CardTrust struct {
	spec  CardSpec
	state cardtrust.State
	rng   stream
}

// NewCardTrust starts the simulation at the trust's cut-off.
func NewCardTrust(spec CardSpec) (*CardTrust, error) {
	if err := spec.Trust.Validate(); err != nil {
		return nil, err
	}
	return &CardTrust{spec: spec, state: cardtrust.NewState(&spec.Trust)}, nil
}

// State is the trust after the last simulated month.
func (c *CardTrust) State() cardtrust.State { return c.state }

// Next simulates the next month: it returns the servicer's report and the
// month's allocation.
func (c *CardTrust) Next() (cardtrust.Report, cardtrust.MonthResult, error) {
	st, sp := c.state, c.spec
	period := st.Period + 1
	c.rng.reset(sp.Seed, 0, period, 0xca4d)
	b := st.PrincipalReceivables
	// around draws central ± 10% (in basis points) of base, in cents.
	around := func(base money.Amount, bp int64, perYear bool) money.Amount {
		v := bp * c.rng.between(900, 1100) / 1000
		if perYear {
			return money.Amount(int64(base) / 12 * v / 10_000)
		}
		return money.Amount(int64(base) / 10_000 * v)
	}
	yieldBP, coBP := sp.YieldBP, sp.ChargeOffBP
	if period == sp.StressPeriod {
		yieldBP, coBP = yieldBP/3, coBP*3
	}
	r := cardtrust.Report{TrustID: sp.Trust.ID, Period: period, ReportingMonth: sp.Trust.FirstMonth, BeginningPrincipalReceivables: b}
	if !st.Month.IsZero() {
		r.ReportingMonth = st.Month.Next()
	}
	r.FinanceChargeCollections = around(b, yieldBP, true)
	r.DefaultedReceivables = around(b, coBP, true)
	r.Recoveries = r.DefaultedReceivables * money.Amount(sp.RecoveryPct) / 100
	collected := around(b, sp.PaymentRateBP, false)
	r.PrincipalCollections = money.Max(0, collected-r.FinanceChargeCollections)
	// New purchases replace what was paid and charged off, ±2%, so the
	// pool stays near its size.
	r.NewReceivables = (r.PrincipalCollections + r.DefaultedReceivables) * money.Amount(c.rng.between(98, 102)) / 100
	r.EndingPrincipalReceivables = b - r.PrincipalCollections - r.DefaultedReceivables + r.NewReceivables
	r.PortfolioYield = cardtrust.Yield(&r, 6)
	r.PaymentRate = cardtrust.PaymentRate(&r, 6)
	res, err := cardtrust.Run(&sp.Trust, st, r)
	if err != nil {
		return cardtrust.Report{}, cardtrust.MonthResult{}, err
	}
	c.state = res.NewState
	return r, res, nil
}
