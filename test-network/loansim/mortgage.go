package loansim

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
)

// MortgageSim generates a deterministic pool of 30-year fixed-rate first
// lien residential mortgages and simulates it month by month as Schedule
// AL residential rows (package mortgage): level payments, curtailments,
// payoffs, delinquency rolling one month at a time, and liquidation from
// REO at 120 days with net sale proceeds, MI recoveries and expenses, so
// every row passes the mortgage rules (roll-forward, zero-balance codes,
// the loss identity, delinquency progression).
//
// The model, per loan and month (probabilities fixed, in parts per
// billion): a current loan misses its instalment with 1.5%; otherwise it
// pays it, prepays in full with 0.7% (about 8% CPR) or curtails with 3%. A
// delinquent loan cures with 30% (pays this month's instalment, stays one
// month behind less), rolls one month further with 45%, otherwise pays one
// instalment and stays as far behind; at four missed instalments it is
// liquidated: net sale proceeds 65–80% of the UPB, MI 5%, expenses 6–10%.
type MortgageSim struct {
	seed   uint64
	cutoff loantape.Month
	period int
	loans  []*mloan
	ann    *annuity
	s      stream
}

type mloan struct {
	row       mortgage.ALRow // static fields, last period's state
	balance   int64
	aprBP     int64
	payment   int64
	remaining int
	missed    int
	closed    bool
}

var mortgageStates = []string{"CA", "TX", "FL", "NY", "IL", "WA", "CO", "NJ", "GA", "VA", "MA", "AZ", "NC", "MD", "NV"}

// Probabilities, parts per billion.
const (
	mMissPPB      = 15_000_000
	mPayoffPPB    = 7_000_000
	mCurtailPPB   = 30_000_000
	mCurePPB      = 300_000_000
	mRollPPB      = 450_000_000
	mLiquidateAt  = 4
	mortgageTermM = 360
)

// NewMortgage generates spec.Loans mortgages seasoned 6–48 months at the
// cut-off (the last day of spec.Cutoff).
func NewMortgage(spec PoolSpec) (*MortgageSim, error) {
	if spec.Loans <= 0 || spec.Loans > 1_000_000 {
		return nil, fmt.Errorf("loansim: loans must be 1 to 1,000,000, got %d", spec.Loans)
	}
	m := &MortgageSim{seed: uint64(spec.Seed), cutoff: spec.Cutoff, ann: newAnnuity()}
	cutoffDay := spec.Cutoff.LastDay()
	for i := 0; i < spec.Loans; i++ {
		s := &m.s
		s.reset(m.seed, i, 0, 0x6d6f7274)
		age := int(s.between(6, 48))
		orig := s.between(150_000, 800_000) * 100
		aprBP := 500 + 25*s.between(0, 10) // 5.00%–7.50% by 0.25
		ltv := s.between(60, 95)
		cltv := ltv + s.between(0, 1)*s.between(0, 5)
		occupancy := "P"
		switch r := s.between(1, 100); {
		case r > 95:
			occupancy = "I"
		case r > 90:
			occupancy = "S"
		}
		origination := spec.Cutoff.AddMonths(-age)
		l := &mloan{aprBP: aprBP, remaining: mortgageTermM - age}
		l.payment = m.ann.payment(orig, aprBP, mortgageTermM)
		bal := orig
		for k := 0; k < age; k++ {
			bal -= min(bal, l.payment-monthlyInterest(bal, aprBP))
		}
		l.balance = bal
		rate := decimal.New(aprBP, -4)
		l.row = mortgage.ALRow{
			AssetNumber: fmt.Sprintf("M%07d", i+1), OriginatorName: "Tranchenet Home Lending",
			OriginationDate: origination, OriginalLoanAmount: money.Amount(orig), OriginalLoanTerm: mortgageTermM,
			LoanMaturityDate: origination.AddMonths(mortgageTermM), OriginalRate: rate,
			OriginalLTV: decimal.New(ltv, -2), OriginalCLTV: decimal.New(cltv, -2), OriginalDTI: decimal.New(s.between(20, 45), -2),
			ObligorCreditScore: int(s.between(640, 820)), PropertyState: mortgageStates[s.below(uint64(len(mortgageStates)))],
			OccupancyStatus: occupancy, LoanPurpose: []string{"P", "C", "N"}[s.below(3)],
			ServicingFeeRate: decimal.RequireFromString("0.0025"), GuaranteeFeeRate: decimal.RequireFromString("0.0020"),
			PeriodEndingDate: cutoffDay, EndingBalance: money.Amount(bal), CurrentRate: rate, RemainingTerm: l.remaining,
		}
		m.loans = append(m.loans, l)
	}
	return m, nil
}

// Tape returns the cut-off rows: the pool's loan tape.
func (m *MortgageSim) Tape() []mortgage.ALRow {
	out := make([]mortgage.ALRow, len(m.loans))
	for i, l := range m.loans {
		out[i] = l.row
	}
	return out
}

// Advance simulates the next month and returns its period and the row of
// every loan still in the pool at its start (a liquidated or paid-off loan
// reports its last month, then no more).
func (m *MortgageSim) Advance() (loantape.Period, []mortgage.ALRow) {
	m.period++
	p := loantape.MonthlyPeriod(m.period, m.cutoff.AddMonths(m.period))
	var rows []mortgage.ALRow
	for i, l := range m.loans {
		if l.closed {
			continue
		}
		m.s.reset(m.seed, i, m.period, 0x706572)
		rows = append(rows, m.step(l, p))
	}
	return p, rows
}

// step moves one loan through one month.
func (m *MortgageSim) step(l *mloan, p loantape.Period) mortgage.ALRow {
	s := &m.s
	r := l.row
	r.PeriodBeginningDate, r.PeriodEndingDate = p.Beginning, p.Ending
	r.BeginningBalance = money.Amount(l.balance)
	r.PrincipalCollected, r.Curtailment, r.Payoff, r.InterestCollected = 0, 0, 0, 0
	interest := monthlyInterest(l.balance, l.aprBP)
	sched := min(l.balance, l.payment-interest)
	if l.remaining <= 1 {
		sched = l.balance
	}
	r.ScheduledPrincipal, r.ScheduledInterest = money.Amount(sched), money.Amount(interest)
	pays := false
	switch {
	case l.missed == 0:
		if s.chance(mMissPPB) {
			l.missed = 1
		} else {
			pays = true
		}
	case s.chance(mCurePPB):
		l.missed--
		pays = true
	case s.chance(mRollPPB):
		l.missed++
	default:
		pays = true
	}
	if l.missed >= mLiquidateAt {
		// Liquidated from REO: the UPB leaves the pool at a loss.
		upb := l.balance
		proceeds := upb * s.between(65, 80) / 100
		mi := upb * 5 / 100
		expenses := upb * s.between(6, 10) / 100
		r.ZeroBalanceCode, r.RemovalUPB = mortgage.ZeroBalanceREODisposition, money.Amount(upb)
		r.NetSaleProceeds, r.MIRecoveries, r.LossExpenses = money.Amount(proceeds), money.Amount(mi), money.Amount(expenses)
		r.RealizedLoss = money.Amount(upb + expenses - proceeds - mi)
		l.balance, l.closed = 0, true
	} else if pays {
		r.InterestCollected, r.PrincipalCollected = money.Amount(interest), money.Amount(sched)
		l.balance -= sched
		switch {
		case l.balance > 0 && l.missed == 0 && s.chance(mPayoffPPB):
			r.Payoff = money.Amount(l.balance)
			l.balance = 0
		case l.balance > 0 && l.missed == 0 && s.chance(mCurtailPPB):
			c := min(l.balance, s.between(1_000, 20_000)*100)
			r.Curtailment = money.Amount(c)
			l.balance -= c
		}
		l.remaining = max(l.remaining-1, 0)
		if l.balance == 0 {
			r.ZeroBalanceCode, l.closed = mortgage.ZeroBalancePrepaid, true
		}
	}
	r.EndingBalance, r.RemainingTerm, r.DaysPastDue = money.Amount(l.balance), l.remaining, 30*l.missed
	if l.balance == 0 {
		r.RemainingTerm = 0
	}
	l.row = r
	return r
}
