package projection

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Deal is where a projection starts: the waterfall definition in force
// and the state after the last certified period (waterfall.NewState for
// closing).
type Deal struct {
	Definition waterfall.Definition
	State      waterfall.State
	// PaymentDay is the day of the month periods are paid on (1 to 28);
	// 0 takes the day of State.AccruedThrough.
	PaymentDay int
}

// Projection is a deal projected to the end of its pool (or of the
// horizon, or to its clean-up call).
type Projection struct {
	// StartPeriod is the last period paid before the projection; StartDate
	// is where interest had accrued to, the date cash flows are timed from.
	StartPeriod int           `json:"startPeriod"`
	StartDate   daycount.Date `json:"startDate"`
	// CleanUpCallPeriod is the period the clean-up call was exercised in
	// (0 when it was not).
	CleanUpCallPeriod int               `json:"cleanUpCallPeriod,omitempty"`
	Pool              []PoolPeriod      `json:"pool"`
	Classes           []ClassProjection `json:"classes"`
	// Results are the waterfall's own results, period by period.
	Results []waterfall.Result `json:"-"`
}

// PoolPeriod is the collateral of one projected period: what the
// waterfall was given.
type PoolPeriod struct {
	Period              int           `json:"period"`
	PaymentDate         daycount.Date `json:"paymentDate"`
	BeginningBalance    money.Amount  `json:"beginningBalance"`
	InterestCollections money.Amount  `json:"interestCollections"`
	ScheduledPrincipal  money.Amount  `json:"scheduledPrincipal"`
	Prepayments         money.Amount  `json:"prepayments"`
	// NewDelinquent is the balance that stopped paying this period.
	NewDelinquent money.Amount `json:"newDelinquent"`
	// Defaults is the balance charged off this period.
	Defaults          money.Amount            `json:"defaults"`
	Recoveries        money.Amount            `json:"recoveries"`
	CleanUpProceeds   money.Amount            `json:"cleanUpProceeds,omitzero"`
	EndingBalance     money.Amount            `json:"endingBalance"`
	Delinquencies     waterfall.Delinquencies `json:"delinquencies"`
	CumulativeNetLoss money.Amount            `json:"cumulativeNetLoss"`
}

// ClassProjection is one class's projected cash flows and analytics.
type ClassProjection struct {
	Class    string `json:"class"`
	Residual bool   `json:"residual,omitempty"`
	// StartBalance is the balance at the start of the projection.
	StartBalance money.Amount `json:"startBalance"`
	Flows        []ClassFlow  `json:"flows"`
	// Totals over the projection.
	Interest  money.Amount `json:"interest"`
	Principal money.Amount `json:"principal"`
	// Loss is the principal the class never gets back: written down, or
	// still outstanding when the pool is gone.
	Loss money.Amount `json:"loss"`
	// InterestShortfall is interest still unpaid at the end.
	InterestShortfall money.Amount `json:"interestShortfall"`
	Analytics         *Analytics   `json:"analytics,omitempty"`
}

// ClassFlow is one class's cash in one period.
type ClassFlow struct {
	Period      int           `json:"period"`
	PaymentDate daycount.Date `json:"paymentDate"`
	Interest    money.Amount  `json:"interest"`
	Principal   money.Amount  `json:"principal"`
	// Residual is what the residual class received.
	Residual       money.Amount `json:"residual,omitzero"`
	WriteDown      money.Amount `json:"writeDown"`
	UnpaidInterest money.Amount `json:"unpaidInterest"`
	Balance        money.Amount `json:"balance"`
}

// Project runs the deal forward under the assumptions, paying every period
// with waterfall.Run. The loans must add up to the state's pool balance
// (ScaleTo fits them).
func Project(deal Deal, loans []Loan, a Assumptions) (*Projection, error) {
	if err := check(deal, loans, a); err != nil {
		return nil, err
	}
	return project(deal, loans, a)
}

// check validates everything a projection reads, naming each bad field.
func check(deal Deal, loans []Loan, a Assumptions) error {
	if err := deal.Definition.Validate(); err != nil {
		return err
	}
	if err := a.Validate(deal.Definition); err != nil {
		return err
	}
	var p problems
	if deal.PaymentDay < 0 || deal.PaymentDay > 28 {
		p.add("paymentDay", "must be 1 to 28 (0: the day of the state's accrual date), got %d", deal.PaymentDay)
	}
	if deal.State.CleanUpCalled {
		p.add("state.cleanUpCalled", "the deal has ended with its clean-up call: nothing to project")
	}
	if len(loans) == 0 && deal.State.PoolBalance > 0 {
		p.add("loans", "required: the pool balance is %s", deal.State.PoolBalance)
	}
	var sum money.Amount
	for i, l := range loans {
		path := fmt.Sprintf("loans[%d]", i)
		if l.Balance < 0 || l.Balance > waterfall.MaxInputAmount {
			p.add(path+".balance", "must be 0 to %s, got %s", waterfall.MaxInputAmount, l.Balance)
			continue
		}
		sum += l.Balance
		if l.Rate.IsNegative() || l.Rate.GreaterThan(one) {
			p.add(path+".rate", "must be a fraction from 0 to 1, got %s", l.Rate)
		}
		if l.RemainingTerm < 1 || l.RemainingTerm > MaxMonths {
			p.add(path+".remainingTerm", "must be 1 to %d months, got %d", MaxMonths, l.RemainingTerm)
		}
		if l.Age < 0 || l.Age > MaxMonths {
			p.add(path+".age", "must be 0 to %d months, got %d", MaxMonths, l.Age)
		}
		if l.MonthsPastDue < 0 || l.MonthsPastDue > maxChargeOffMonths {
			p.add(path+".monthsPastDue", "must be 0 (current) to %d, got %d", maxChargeOffMonths, l.MonthsPastDue)
		}
		if len(p.v.Problems) > 20 {
			break
		}
	}
	if len(p.v.Problems) == 0 && sum != deal.State.PoolBalance {
		p.add("loans", "balances add up to %s, not the pool balance %s the state starts from", sum, deal.State.PoolBalance)
	}
	return p.err()
}

// project runs a checked projection.
func project(deal Deal, loans []Loan, a Assumptions) (*Projection, error) {
	m := newModel(deal, a)
	pool := newCollateral(loans, a.ChargeOffMonths)
	pool.cures = a.cureRates()
	st := deal.State
	out := &Projection{StartPeriod: st.Period, StartDate: st.AccruedThrough}
	pay := firstPaymentDate(st.AccruedThrough, deal.PaymentDay)
	var err error
	horizon := a.Months
	if horizon == 0 {
		horizon = MaxMonths
	}
	for t := 1; t <= horizon; t++ {
		if deal.Definition.PaymentDates != nil {
			// A deal with a payment schedule is paid on its business-day-
			// adjusted dates, which the engine checks each period against.
			if pay, err = deal.Definition.AdjustedPaymentDate(st.Period + 1); err != nil {
				return nil, fmt.Errorf("projected period %d (month %d): %w", st.Period+1, t, err)
			}
		}
		period, flows, err := m.period(t, st, pay, pool)
		if err != nil {
			return nil, err
		}
		res, err := waterfall.Run(deal.Definition, st, period)
		if err != nil {
			return nil, fmt.Errorf("projected period %d (month %d): %w", period.Period, t, err)
		}
		flows.CumulativeNetLoss = res.Pool.CumulativeNetLoss
		out.Pool = append(out.Pool, flows)
		out.Results = append(out.Results, res)
		st = res.NewState
		if period.CleanUpCall {
			out.CleanUpCallPeriod = period.Period
			break
		}
		if t < len(a.Actuals) {
			pay = addMonth(pay, deal.PaymentDay)
			continue
		}
		if st.PoolBalance == 0 && !pool.pendingRecoveries(t) {
			break
		}
		pay = addMonth(pay, deal.PaymentDay)
	}
	out.Classes = classFlows(deal, out.Results)
	return out, nil
}

// model turns assumptions into each month's speeds and fixings.
type model struct {
	deal        Deal
	a           Assumptions
	severity    float64
	mdr, smm    float64
	abs         float64
	curveTarget []float64 // loss curve: cents of defaults per month
	cleanUpAt   decimal.Decimal
}

func newModel(deal Deal, a Assumptions) *model {
	m := &model{deal: deal, a: a, severity: a.Severity.InexactFloat64()}
	switch a.Prepayment.Kind {
	case CPR:
		m.smm = CPRToSMM(a.Prepayment.Rate.InexactFloat64())
	case SMM:
		m.smm = a.Prepayment.Rate.InexactFloat64()
	case ABS:
		m.abs = a.Prepayment.Rate.InexactFloat64()
	}
	if a.Defaults.Kind == CDR {
		m.mdr = monthlyFromAnnual(a.Defaults.Rate.InexactFloat64())
	}
	if a.CleanUpCall {
		m.cleanUpAt = deal.Definition.CleanUpCallFactor.Mul(deal.Definition.InitialPoolBalance.Decimal())
	}
	return m
}

// period builds month t's waterfall period: the certified inputs of an
// actual period, or the collateral model's month.
func (m *model) period(t int, st waterfall.State, pay daycount.Date, pool *collateral) (waterfall.Period, PoolPeriod, error) {
	if t <= len(m.a.Actuals) {
		return m.actual(t, st, pool)
	}
	if t == len(m.a.Actuals)+1 && t > 1 {
		pool.start = pool.total()
	}
	if m.a.Defaults.Kind == LossCurve && m.curveTarget == nil {
		m.curveTarget = make([]float64, len(m.a.Defaults.Timing))
		var defaults float64 // a zero loss needs no defaults, whatever the severity
		if loss := m.a.Defaults.CumulativeLoss.InexactFloat64(); loss > 0 {
			defaults = float64(pool.start) * loss / m.severity
		}
		for i, share := range m.a.Defaults.Timing {
			m.curveTarget[i] = defaults * share.InexactFloat64()
		}
	}
	s := speeds{mdr: m.mdr, smm: m.smm, abs: m.abs}
	if m.curveTarget != nil {
		s.mdr = 0
		if k := t - len(m.a.Actuals) - 1; k < len(m.curveTarget) && pool.performing > 0 {
			s.mdr = min(1, m.curveTarget[k]/float64(pool.performing))
		}
	}
	mo := pool.step(t, s, m.severity, m.a.RecoveryLag)
	p := waterfall.Period{
		Period: st.Period + 1, AccrualStart: st.AccruedThrough, AccrualEnd: pay,
		InterestCollections: money.Amount(mo.interest), ScheduledPrincipal: money.Amount(mo.scheduled),
		Prepayments: money.Amount(mo.prepaid), Defaults: money.Amount(mo.chargedOff), Recoveries: money.Amount(mo.recovered),
		EndingPoolBalance: money.Amount(mo.end), Delinquencies: mo.delinquencies, IndexFixings: m.fixings(t),
	}
	if m.a.CleanUpCall && mo.end > 0 && !p.EndingPoolBalance.Decimal().GreaterThan(m.cleanUpAt) {
		// The servicer buys what is left of the pool at par.
		p.CleanUpCall, p.CleanUpProceeds = true, p.EndingPoolBalance
	}
	return p, PoolPeriod{
		Period: p.Period, PaymentDate: pay, BeginningBalance: money.Amount(mo.begin),
		InterestCollections: p.InterestCollections, ScheduledPrincipal: p.ScheduledPrincipal, Prepayments: p.Prepayments,
		NewDelinquent: money.Amount(mo.newDelinquent), Defaults: p.Defaults, Recoveries: p.Recoveries,
		CleanUpProceeds: p.CleanUpProceeds, EndingBalance: p.EndingPoolBalance, Delinquencies: p.Delinquencies,
	}, nil
}

// actual maps an actual period's certified inputs exactly as
// certification does, and fits the loans to its ending pool: a month has
// passed for every loan, and the pool is all performing again.
func (m *model) actual(t int, st waterfall.State, pool *collateral) (waterfall.Period, PoolPeriod, error) {
	p, err := m.a.Actuals[t-1].Period(st.AccruedThrough)
	if err != nil {
		return waterfall.Period{}, PoolPeriod{}, fmt.Errorf("actuals[%d]: %w", t-1, err)
	}
	if err := pool.refit(p.EndingPoolBalance); err != nil {
		return waterfall.Period{}, PoolPeriod{}, fmt.Errorf("actuals[%d]: %w", t-1, err)
	}
	return p, PoolPeriod{
		Period: p.Period, PaymentDate: p.AccrualEnd, BeginningBalance: st.PoolBalance,
		InterestCollections: p.InterestCollections, ScheduledPrincipal: p.ScheduledPrincipal, Prepayments: p.Prepayments,
		Defaults: p.Defaults, Recoveries: p.Recoveries, CleanUpProceeds: p.CleanUpProceeds,
		EndingBalance: p.EndingPoolBalance, Delinquencies: p.Delinquencies,
	}, nil
}

// fixings are month t's index fixings from the forward curves.
func (m *model) fixings(t int) map[string]decimal.Decimal {
	if len(m.a.IndexCurves) == 0 {
		return nil
	}
	f := make(map[string]decimal.Decimal, len(m.a.IndexCurves))
	for _, c := range m.a.IndexCurves {
		f[c.Index] = c.Rates[min(t, len(c.Rates))-1]
	}
	return f
}

// refit ages every loan a month and scales the performing balances to
// target; the pipeline and pending recoveries are dropped (the actual
// report's pool is the whole pool).
func (c *collateral) refit(target money.Amount) error {
	weights := slices.Clone(c.balance)
	for i := range c.balance {
		c.term[i] = max(1, c.term[i]-1)
		c.age[i]++
		for _, x := range c.late[i*c.buckets : (i+1)*c.buckets] {
			weights[i] += x
		}
	}
	parts, err := scale(weights, target.Cents())
	if err != nil {
		return fmt.Errorf("the loans cannot take the actual pool %s: %w", target, err)
	}
	c.balance, c.performing = parts, target.Cents()
	clear(c.late)
	clear(c.pipeline)
	c.overdue = 0
	clear(c.recoveries)
	return nil
}

// firstPaymentDate is the first date after start on the payment day.
func firstPaymentDate(start daycount.Date, day int) daycount.Date {
	if day == 0 {
		day = min(start.Day, 28)
	}
	d := daycount.NewDate(start.Year, start.Month, day)
	if !start.Before(d) {
		d = addMonth(d, day)
	}
	return d
}

// addMonth moves a payment date a month on.
func addMonth(d daycount.Date, day int) daycount.Date {
	if day == 0 {
		day = d.Day
	}
	t := time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, time.UTC)
	return daycount.NewDate(t.Year(), t.Month(), day)
}

// classFlows reads each class's cash out of the waterfall's results.
func classFlows(deal Deal, results []waterfall.Result) []ClassProjection {
	out := make([]ClassProjection, len(deal.Definition.Classes))
	for i, c := range deal.Definition.Classes {
		cp := ClassProjection{Class: c.Name, Residual: c.Residual, StartBalance: deal.State.Classes[i].Balance,
			Flows: make([]ClassFlow, 0, len(results))}
		for _, r := range results {
			cr := r.Classes[i]
			cp.Flows = append(cp.Flows, ClassFlow{
				Period: r.Period, PaymentDate: r.NewState.AccruedThrough,
				Interest: cr.InterestPaid, Principal: cr.PrincipalPaid, Residual: cr.ResidualPaid,
				WriteDown: cr.WriteDown, UnpaidInterest: cr.UnpaidInterest, Balance: cr.EndingBalance,
			})
			cp.Interest += cr.InterestPaid
			cp.Principal += cr.PrincipalPaid
		}
		if !c.Residual {
			cp.Loss = cp.StartBalance - cp.Principal
			if n := len(cp.Flows); n > 0 {
				cp.InterestShortfall = cp.Flows[n-1].UnpaidInterest
			} else {
				cp.InterestShortfall = deal.State.Classes[i].UnpaidInterest
			}
		}
		out[i] = cp
	}
	return out
}
