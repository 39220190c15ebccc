package waterfall

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Run pays one period of the deal: it checks the definition, the state and
// the servicer report, interprets the priority of payments in force, and
// returns what was paid and the deal's next state. It has no side effects
// and reads no clock: the same arguments give the same Result, to the
// byte of its JSON encoding, on every peer.
//
// A definition, state or period that breaks a rule gives a
// *ValidationError naming the field. An error wrapping ErrNotConserved
// means the engine itself is wrong and must never be seen.
func Run(def Definition, st State, p Period) (Result, error) {
	if err := def.Validate(); err != nil {
		return Result{}, err
	}
	if err := def.checkState(st); err != nil {
		return Result{}, err
	}
	if err := def.checkPeriod(st, p); err != nil {
		return Result{}, err
	}
	r, err := newRun(&def, st, p)
	if err != nil {
		return Result{}, err
	}
	if err := r.payAll(); err != nil {
		return Result{}, err
	}
	if r.poolSale {
		r.writeOffAtSale()
	}
	res, err := r.result()
	if err != nil {
		return Result{}, err
	}
	if err := checkConservation(st, res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// Replay runs the periods in order from the initial state, each from the
// state the previous one left. On error it returns the results of the
// periods before the failing one and an error naming it.
func Replay(def Definition, initial State, periods []Period) ([]Result, error) {
	results := make([]Result, 0, len(periods))
	st := initial
	for i, p := range periods {
		res, err := Run(def, st, p)
		if err != nil {
			return results, fmt.Errorf("periods[%d] (period %d): %w", i, p.Period, err)
		}
		results = append(results, res)
		st = res.NewState
	}
	return results, nil
}

// run is the working state of one period's waterfall. Ledgers are indexed
// like the definition's lists.
type run struct {
	def   *Definition
	p     *Period
	prior State

	poolBegin, poolEnd money.Amount
	// ysocBegin and ysocEnd are the yield supplement OC amounts; adjBegin
	// and adjEnd the adjusted pool (pool − YSOC), which sizes principal and
	// overcollateralization. Without a yield supplement they equal the pool.
	ysocBegin, ysocEnd money.Amount
	adjBegin, adjEnd   money.Amount
	cnl                money.Amount
	ocTarget           money.Amount
	ocTargetSet        bool
	cleanUp            bool
	// poolSale is set in the period the pool was sold in a liquidation;
	// ended by it or by the clean-up call: the pool is gone after it.
	poolSale, ended bool
	accelerated     bool
	eventOfDefault  bool
	// restart is set by a trigger step that declares an event of default:
	// the acceleration steps then run from their first step.
	restart bool

	// available is the cash not yet used; funds records where it came from.
	available money.Amount
	funds     AvailableFunds
	// determined is the sum of the principal amounts sized by earlier
	// principal steps this period (priority, regular, pool decline).
	determined money.Amount

	classes  []classLedger
	fees     []feeLedger
	reserves []reserveLedger
	triggers []triggerLedger

	step     int
	payments []Payment

	// shifting is the split of principal by a shiftingInterest step; nil
	// without one.
	shifting *ShiftingInterestResult

	// dates are the period's payment dates under Definition.PaymentDates;
	// nil without a schedule.
	dates *PaymentDateResult
}

type classLedger struct {
	rate                  decimal.Decimal
	days                  int64
	begin, balance        money.Amount
	unpaidBefore          money.Amount
	accrued, onUnpaid     money.Amount
	due, interestPaid     money.Amount
	principalPaid         money.Amount
	writeDown, writtenOff money.Amount
	residualPaid          money.Amount
}

type feeLedger struct {
	unpaidBefore, accrued money.Amount
	owed, paid            money.Amount
	// paidInYear counts the normal step's payments in the payment date's
	// calendar year, for Fee.AnnualCap.
	paidInYear money.Amount
}

type reserveLedger struct {
	begin, balance         money.Amount
	deposit, draw, release money.Amount
}

type triggerLedger struct {
	breached bool
	since    int
	result   *TriggerResult // nil until tested this period
}

func newRun(def *Definition, st State, p Period) (*run, error) {
	r := &run{
		def: def, p: &p, prior: st,
		poolBegin:      st.PoolBalance,
		poolEnd:        p.EndingPoolBalance,
		ysocBegin:      st.YieldSupplement,
		ysocEnd:        def.endingYieldSupplement(&p),
		cnl:            st.CumulativeNetLoss + p.Defaults - p.Recoveries - p.LiquidationProceeds,
		cleanUp:        p.CleanUpCall,
		poolSale:       p.PoolSale,
		ended:          p.CleanUpCall || p.PoolSale,
		accelerated:    st.Accelerated || p.DeclareEventOfDefault,
		eventOfDefault: st.EventOfDefault || p.DeclareEventOfDefault,
		classes:        make([]classLedger, len(def.Classes)),
		fees:           make([]feeLedger, len(def.Fees)),
		reserves:       make([]reserveLedger, len(def.Reserves)),
		triggers:       make([]triggerLedger, len(def.Triggers)),
		payments:       make([]Payment, 0, 2*len(def.Classes)+len(def.Fees)+4),
	}
	r.adjBegin, r.adjEnd = r.poolBegin-r.ysocBegin, r.poolEnd-r.ysocEnd
	if r.poolSale {
		// The pool's loans are sold: principal steps size against none.
		r.adjEnd = 0
	}
	if def.PaymentDates != nil {
		dates, err := def.datesFor(p.Period)
		if err != nil {
			return nil, err
		}
		r.dates = &dates
	}
	r.funds = AvailableFunds{
		InterestCollections: p.InterestCollections,
		ScheduledPrincipal:  p.ScheduledPrincipal,
		Prepayments:         p.Prepayments,
		Recoveries:          p.Recoveries,
		ServicerAdvances:    p.ServicerAdvances,
		CleanUpProceeds:     p.CleanUpProceeds,
		PoolSaleProceeds:    p.PoolSaleProceeds,

		Repurchases:               p.Repurchases,
		LiquidationProceeds:       p.LiquidationProceeds,
		ReserveInvestmentEarnings: p.ReserveInvestmentEarnings,
		AdvanceReimbursements:     p.AdvanceReimbursements,
	}
	r.available = r.funds.sum()
	for i, t := range st.Triggers {
		r.triggers[i] = triggerLedger{breached: t.Breached, since: t.BreachedSince}
	}
	for i, a := range st.Reserves {
		r.reserves[i] = reserveLedger{begin: a.Balance, balance: a.Balance}
	}
	if r.ended {
		// The deal ends: every reserve is released into available funds.
		for i := range r.reserves {
			r.releaseReserve(i, r.reserves[i].balance)
		}
	}
	for i, c := range st.Classes {
		r.classes[i] = classLedger{begin: c.Balance, balance: c.Balance, unpaidBefore: c.UnpaidInterest, writtenOff: c.WrittenDown}
		if def.Classes[i].Residual {
			continue
		}
		if err := r.accrueInterest(i); err != nil {
			return nil, err
		}
	}
	for i, f := range st.Fees {
		accrued, err := r.feeAccrual(def.Fees[i])
		if err != nil {
			return nil, fmt.Errorf("fees[%d] (%s): %w", i, def.Fees[i].Name, err)
		}
		r.fees[i] = feeLedger{unpaidBefore: f.Unpaid, accrued: accrued, owed: f.Unpaid + accrued,
			paidInYear: r.paidInYearBefore(f)}
	}
	return r, nil
}

// payAll interprets the priority of payments in force, step by step.
func (r *run) payAll() error {
	name, steps := "steps", r.def.Steps
	if r.accelerated {
		name, steps = "accelerationSteps", r.def.AccelerationSteps
	}
	for i := 0; i < len(steps); i++ {
		r.step = i
		if err := r.apply(steps[i]); err != nil {
			return fmt.Errorf("%s (%s): %w", at(name, i), steps[i].Kind(), err)
		}
		if r.restart {
			// Validate keeps trigger steps ahead of every payment, so nothing
			// has been paid yet: start the acceleration steps afresh.
			r.restart = false
			name, steps, i = "accelerationSteps", r.def.AccelerationSteps, -1
		}
	}
	return nil
}

func (r *run) apply(s Step) error {
	switch s := s.(type) {
	case FeeStep:
		r.payFee(s)
	case InterestStep:
		return r.payInterest(s)
	case PrincipalStep:
		return r.payPrincipal(s)
	case ReserveStep:
		return r.reserveStep(s)
	case TriggerStep:
		r.testTriggers(s)
	case LossAllocationStep:
		return r.allocateLosses(s)
	case CleanUpCallStep:
		return r.payCleanUpCall(s)
	case ResidualStep:
		r.payResidual(s)
	case ShiftingInterestStep:
		return r.payShiftingInterest(s)
	default:
		return fmt.Errorf("unsupported step type %T", s)
	}
	return nil
}

// take uses up to amount of the available funds and returns what it got.
func (r *run) take(amount money.Amount) money.Amount {
	got := max(0, min(amount, r.available))
	r.available -= got
	return got
}

// record appends a payment line unless nothing was due and nothing paid.
func (r *run) record(p Payment) {
	if p.Due == 0 && p.Paid == 0 && p.Kind != KindResidual {
		return
	}
	p.Step = r.step
	p.Shortfall = p.Due - p.Paid
	r.payments = append(r.payments, p)
}

// notesOutstanding is the current balance of all notes.
func (r *run) notesOutstanding() money.Amount {
	var t money.Amount
	for i, c := range r.def.Classes {
		if !c.Residual {
			t += r.classes[i].balance
		}
	}
	return t
}

// beginningBalance sums the listed classes' balances before this period.
func (r *run) beginningBalance(idx []int) money.Amount {
	var t money.Amount
	for _, i := range idx {
		t += r.classes[i].begin
	}
	return t
}

func (r *run) payResidual(s ResidualStep) {
	ci := r.def.classIndex(s.Class)
	l := &r.classes[ci]
	if l.balance > 0 && r.notesOutstanding() == 0 {
		// A certificate balance is repaid after the notes, before any
		// residual distribution.
		paid := r.take(l.balance)
		l.balance -= paid
		l.principalPaid += paid
		r.record(Payment{Kind: KindPrincipal, Class: s.Class, Due: paid, Paid: paid})
	}
	paid := r.take(r.available)
	l.residualPaid += paid
	r.record(Payment{Kind: KindResidual, Class: s.Class, Due: paid, Paid: paid})
}
