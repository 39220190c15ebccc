package loansim

import (
	"fmt"
	"iter"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

type status uint8

const (
	active           status = iota
	awaitingRecovery        // balance charged off, recovery still to come
	closed                  // nothing more to report
)

// loanState is what the simulator keeps per loan between months: about
// 64 bytes, so 100,000 loans cost a few megabytes.
type loanState struct {
	balance        int64 // cents
	payment        int64 // level instalment, cents
	recovery       int64 // cents due in recoveryPeriod
	aprBP          int32
	chargeOff      int32 // period of the charge-off
	recoveryPeriod int32
	remaining      int16 // months to maturity
	age            int16 // months since origination
	dueDay         int8
	missed         int8 // consecutive instalments missed
	status         status
}

// Simulator runs a pool month by month.
type Simulator struct {
	spec    PoolSpec
	a       Assumptions
	gen     *generator
	loans   []loanState
	period  int
	baseSMM []int64 // prepayment probability (ppb) by loan age
	rng     stream
	err     error
}

// maxAge bounds the prepayment table: seasoning plus the longest term,
// with room; older loans use the last entry.
const maxAge = 256

// New draws the pool and returns a simulator positioned at cut-off.
func New(spec PoolSpec, a Assumptions) (*Simulator, error) {
	spec = spec.withDefaults()
	if err := spec.check(); err != nil {
		return nil, err
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	s := &Simulator{spec: spec, a: a, gen: newGenerator(spec), loans: make([]loanState, spec.Loans)}
	s.baseSMM = smmTable(a.Prepayment)
	for i := range s.loans {
		t := s.gen.draw(i)
		s.loans[i] = loanState{
			balance:   t.cutoffBalance,
			payment:   t.payment,
			aprBP:     int32(t.aprBP),
			remaining: int16(t.term - t.seasoning),
			age:       int16(t.seasoning),
			dueDay:    int8(t.dueDay),
		}
	}
	return s, nil
}

// smmTable returns the monthly full-prepayment probability by loan age.
func smmTable(p Prepayment) []int64 {
	out := make([]int64, maxAge+1)
	switch p.Model {
	case CPR:
		// 1 − (1 − CPR)^(1/12), the same every month.
		smm := ppb(decimal.NewFromInt(1).Sub(nthRoot(decimal.NewFromInt(1).Sub(p.Speed), 12, 12)))
		for t := range out {
			out[t] = smm
		}
	default:
		// ABS: s / (1 − s(t−1)); certain once the denominator falls to s.
		for t := 1; t <= maxAge; t++ {
			den := decimal.NewFromInt(1).Sub(p.Speed.Mul(decimal.NewFromInt(int64(t - 1))))
			if den.LessThanOrEqual(p.Speed) {
				out[t] = billion
				continue
			}
			out[t] = ppb(p.Speed.DivRound(den, 12))
		}
		out[0] = out[1]
	}
	return out
}

// Loans returns the number of loans in the pool.
func (s *Simulator) Loans() int { return len(s.loans) }

// Period returns the last period simulated (Number 0 before Advance).
func (s *Simulator) Period() loantape.Period {
	if s.period == 0 {
		return loantape.Period{}
	}
	return loantape.MonthlyPeriod(s.period, s.spec.Cutoff.AddMonths(s.period))
}

// Tape streams the cut-off loan tape in asset order. It is drawn afresh
// from the seed, so it is the same before and after Advance.
func (s *Simulator) Tape() iter.Seq[loantape.Loan] {
	return func(yield func(loantape.Loan) bool) {
		g := newGenerator(s.spec)
		for i := range s.loans {
			if !yield(g.loan(i, g.draw(i))) {
				return
			}
		}
	}
}

// PriorBalances returns a lookup, for loantape.ReportRules.Lookup, of
// every loan's balance now (the cut-off balance before the first
// Advance). It is a snapshot: later Advances do not change it.
func (s *Simulator) PriorBalances() func(assetNumber string) (loantape.PriorLoan, bool) {
	bal := make([]int64, len(s.loans))
	for i, st := range s.loans {
		bal[i] = st.balance
	}
	first := s.spec.FirstAssetNumber
	return func(assetNumber string) (loantape.PriorLoan, bool) {
		n, err := strconv.ParseUint(assetNumber, 10, 64)
		if err != nil || n < first || n-first >= uint64(len(bal)) {
			return loantape.PriorLoan{}, false
		}
		return loantape.PriorLoan{EndBalance: money.Cents(bal[n-first])}, true
	}
}

// monthParams are one period's probabilities, shocks applied.
type monthParams struct {
	delinquency, roll, cure, curtail, forcedChargeOff int64
	smm                                               []int64
}

func (s *Simulator) paramsFor(period int) monthParams {
	a := s.a
	mp := monthParams{
		delinquency: ppb(a.DelinquencyRate),
		roll:        ppb(a.RollRate),
		cure:        ppb(a.CureRate),
		curtail:     ppb(a.CurtailmentRate),
		smm:         s.baseSMM,
	}
	for _, sh := range a.Shocks {
		if sh.Period != period {
			continue
		}
		mp.delinquency = scalePPB(mp.delinquency, sh.DelinquencyMultiplier)
		mp.roll = min(scalePPB(mp.roll, sh.DelinquencyMultiplier), billion-mp.cure)
		mp.forcedChargeOff = max(mp.forcedChargeOff, ppb(sh.ChargeOffRate))
		if !sh.PrepaymentMultiplier.IsZero() {
			scaled := make([]int64, len(mp.smm))
			for t, p := range mp.smm {
				scaled[t] = scalePPB(p, sh.PrepaymentMultiplier)
			}
			mp.smm = scaled
		}
	}
	return mp
}

// Advance simulates the next month and passes the row of every loan that
// reports in it to emit, in asset order: loans with a balance at the start
// of the month, and charged-off loans whose recovery arrives. If emit
// returns an error the simulator stops, half-way through the month, and
// returns that error from then on.
func (s *Simulator) Advance(emit func(loantape.PeriodRow) error) (loantape.Period, error) {
	if s.err != nil {
		return loantape.Period{}, s.err
	}
	s.period++
	p := s.period
	month := s.spec.Cutoff.AddMonths(p)
	period := loantape.MonthlyPeriod(p, month)
	mp := s.paramsFor(p)
	for i := range s.loans {
		st := &s.loans[i]
		var row loantape.PeriodRow
		switch {
		case st.status == active:
			row = s.step(i, st, p, &mp)
		case st.status == awaitingRecovery && int(st.recoveryPeriod) == p:
			row = s.recoveryRow(st)
		default:
			continue
		}
		row.AssetNumber = s.gen.assetNumber(i)
		row.ReportingPeriodBeginningDate, row.ReportingPeriodEndingDate = period.Beginning, period.Ending
		row.ReportingPeriodInterestRatePercentage = s.gen.rate(int64(st.aprBP))
		if err := emit(row); err != nil {
			s.err = fmt.Errorf("loansim: period %d stopped at loan %s: %w", p, row.AssetNumber, err)
			return period, s.err
		}
	}
	return period, nil
}

// step moves one active loan through period p and returns its row (the
// caller fills in the identity, dates and rate).
func (s *Simulator) step(i int, st *loanState, p int, mp *monthParams) loantape.PeriodRow {
	bal, bp := st.balance, int64(st.aprBP)
	interest := monthlyInterest(bal, bp)
	sched := max(st.payment-interest, 0)
	if st.remaining <= 1 || sched > bal {
		sched = bal // the last instalment pays off whatever is left
	}
	instalment := sched + interest
	st.age++
	if st.remaining > 0 {
		st.remaining--
	}

	r := &s.rng
	r.reset(s.spec.Seed, i, p, purposeMonth)
	var paidInterest, paidPrincipal, writtenOff int64
	due := int64(1) // instalments due: more than one when arrears are paid
	switch {
	case mp.forcedChargeOff > 0 && r.chance(mp.forcedChargeOff):
		writtenOff = bal
	case st.missed == 0:
		if r.chance(mp.delinquency) {
			st.missed = 1
			break
		}
		paidInterest, paidPrincipal = interest, sched
		if rest := bal - sched; rest > 0 {
			if r.chance(mp.smm[min(int(st.age), maxAge)]) {
				paidPrincipal = bal
			} else if r.chance(mp.curtail) {
				paidPrincipal += min(st.payment*r.between(1, 5), rest)
			}
		}
	default:
		u := int64(r.below(billion))
		switch {
		case u < mp.cure:
			due = int64(st.missed) + 1
			paidInterest, paidPrincipal = interest*due, min(sched*due, bal)
			st.missed = 0
		case u < mp.cure+mp.roll:
			st.missed++
			if daysPastDue(st) > s.a.ChargeOffDays {
				writtenOff = bal
			}
		default:
			paidInterest, paidPrincipal = interest, sched
		}
	}
	end := bal - paidPrincipal - writtenOff

	row := loantape.PeriodRow{
		ReportingPeriodBeginningLoanBalanceAmount: money.Cents(bal),
		ReportingPeriodScheduledPaymentAmount:     money.Cents(instalment),
		ScheduledInterestAmount:                   money.Cents(interest * due),
		ScheduledPrincipalAmount:                  money.Cents(min(sched*due, bal)),
		TotalActualAmountPaid:                     money.Cents(paidInterest + paidPrincipal),
		ActualInterestCollectedAmount:             money.Cents(paidInterest),
		ActualPrincipalCollectedAmount:            money.Cents(paidPrincipal),
		ChargedoffPrincipalAmount:                 money.Cents(writtenOff),
		ReportingPeriodActualEndBalanceAmount:     money.Cents(end),
		CurrentDelinquencyStatus:                  daysPastDue(st),
		RemainingTermToMaturityNumber:             int(st.remaining),
	}
	st.balance = end
	switch {
	case writtenOff > 0:
		s.bookChargeOff(st, p, writtenOff)
		row.ZeroBalanceCode = loantape.ZeroBalanceChargedOff
	case end == 0:
		st.status = closed
		row.ZeroBalanceCode = loantape.ZeroBalancePrepaidOrMatured
	}
	if end == 0 {
		row.ZeroBalanceEffectiveDate = s.spec.Cutoff.AddMonths(p)
		row.RemainingTermToMaturityNumber = 0
	} else {
		next := monthlyInterest(end, bp)
		nextDue := min(st.payment, end+next)
		if st.remaining <= 1 {
			nextDue = end + next
		}
		row.NextReportingPeriodPaymentAmountDue = money.Cents(nextDue + int64(st.missed)*st.payment)
	}
	return row
}

// bookChargeOff records a charge-off in period p: the recovery is drawn
// now and arrives RecoveryLagMin–RecoveryLagMax months later. A loan with
// nothing to recover is closed at once.
func (s *Simulator) bookChargeOff(st *loanState, p int, amount int64) {
	st.chargeOff, st.status = int32(p), closed
	rec, err := money.Cents(amount).MulRate(s.a.RecoveryRate)
	if err != nil || rec <= 0 {
		return
	}
	st.recovery = rec.Cents()
	st.recoveryPeriod = int32(p) + int32(s.rng.between(int64(s.a.RecoveryLagMin), int64(s.a.RecoveryLagMax)))
	st.status = awaitingRecovery
}

// recoveryRow reports the recovery on a charged-off loan; the loan is
// then closed.
func (s *Simulator) recoveryRow(st *loanState) loantape.PeriodRow {
	st.status = closed
	return loantape.PeriodRow{
		RecoveredAmount:          money.Cents(st.recovery),
		ZeroBalanceCode:          loantape.ZeroBalanceChargedOff,
		ZeroBalanceEffectiveDate: s.spec.Cutoff.AddMonths(int(st.chargeOff)),
	}
}

// daysPastDue at month end: 30 days per missed instalment, counted from
// the loan's due day (one missed instalment due on the 10th is 21 days
// late on the 31st).
func daysPastDue(st *loanState) int {
	if st.missed == 0 {
		return 0
	}
	return 30*(int(st.missed)-1) + 31 - int(st.dueDay)
}
