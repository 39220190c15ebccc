package waterfall

import (
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// State is what a deal carries from one period to the next. Run never
// changes the State it is given; it returns the next one in
// Result.NewState. Lists follow the order of the definition so that the
// JSON encoding is canonical.
type State struct {
	// Period is the last period paid; 0 at closing.
	Period int `json:"period"`
	// AccruedThrough is the date interest has accrued to: the closing date,
	// then each period's accrual end. The next period must start there.
	AccruedThrough daycount.Date `json:"accruedThrough"`
	// PoolBalance is the pool balance at the end of the last period (the
	// initial pool balance at closing), the beginning balance of the next.
	PoolBalance money.Amount `json:"poolBalance"`
	// YieldSupplement is the YSOC at the end of the last period (at
	// closing, the initial YSOC); zero without a yield supplement.
	YieldSupplement money.Amount `json:"yieldSupplement,omitzero"`
	// CumulativeNetLoss is the sum of defaults less recoveries to date.
	CumulativeNetLoss money.Amount   `json:"cumulativeNetLoss"`
	Classes           []ClassState   `json:"classes"`
	Fees              []FeeState     `json:"fees"`
	Reserves          []ReserveState `json:"reserves"`
	Triggers          []TriggerState `json:"triggers"`
	// EventOfDefault and Accelerated are set together today; they are kept
	// apart because deal documents let noteholders rescind an acceleration.
	EventOfDefault bool `json:"eventOfDefault"`
	Accelerated    bool `json:"accelerated"`
	// CleanUpCalled ends the deal: no period can be run after it.
	CleanUpCalled bool `json:"cleanUpCalled"`
	// PoolSold ends the deal too: its pool was sold in a liquidation and
	// the proceeds paid out in period Period.
	PoolSold bool `json:"poolSold,omitempty"`
}

// ClassState is one class's position after a period.
type ClassState struct {
	Class          string       `json:"class"`
	Balance        money.Amount `json:"balance"`
	UnpaidInterest money.Amount `json:"unpaidInterest"`
	// WrittenDown is the class's principal deficiency ledger: principal
	// written down by loss allocation, to date.
	WrittenDown money.Amount `json:"writtenDown"`
}

// FeeState carries a fee's unpaid amount forward.
type FeeState struct {
	Fee    string       `json:"fee"`
	Unpaid money.Amount `json:"unpaid"`
	// CapYear and PaidInCapYear count what the fee's normal step paid in
	// the calendar year of the last payment date, against Fee.AnnualCap.
	CapYear       int          `json:"capYear,omitzero"`
	PaidInCapYear money.Amount `json:"paidInCapYear,omitzero"`
}

// ReserveState is a reserve account's balance.
type ReserveState struct {
	Account string       `json:"account"`
	Balance money.Amount `json:"balance"`
}

// TriggerState is a trigger's status after its last test. A non-curable
// trigger stays breached once breached.
type TriggerState struct {
	Trigger  string `json:"trigger"`
	Breached bool   `json:"breached"`
	// BreachedSince is the first period of the current breach; 0 when not
	// breached.
	BreachedSince int `json:"breachedSince"`
}

// NewState returns the state at closing: notes at their original balances,
// reserves at their initial deposits, the pool at its initial balance.
func NewState(def Definition) (State, error) {
	if err := def.Validate(); err != nil {
		return State{}, err
	}
	s := State{
		AccruedThrough:  def.ClosingDate,
		PoolBalance:     def.InitialPoolBalance,
		YieldSupplement: def.initialYieldSupplement(),
		Classes:         make([]ClassState, len(def.Classes)),
		Fees:            make([]FeeState, len(def.Fees)),
		Reserves:        make([]ReserveState, len(def.Reserves)),
		Triggers:        make([]TriggerState, len(def.Triggers)),
	}
	for i, c := range def.Classes {
		s.Classes[i] = ClassState{Class: c.Name, Balance: c.OriginalBalance}
	}
	for i, f := range def.Fees {
		s.Fees[i] = FeeState{Fee: f.Name}
	}
	for i, a := range def.Reserves {
		s.Reserves[i] = ReserveState{Account: a.Name, Balance: a.InitialBalance}
	}
	for i, t := range def.Triggers {
		s.Triggers[i] = TriggerState{Trigger: t.Name}
	}
	return s, nil
}

// CheckState refuses a state that does not belong to the definition. An
// amended definition must accept the state the deal carries, since the
// next period runs from it.
func (d *Definition) CheckState(s State) error { return d.checkState(s) }

// checkState verifies that a state belongs to the definition: same lists in
// the same order, amounts in range, the deal not terminated.
func (d *Definition) checkState(s State) error {
	var p problems
	if s.CleanUpCalled {
		p.add("state.cleanUpCalled", "the deal ended with the clean-up call in period %d; no period follows", s.Period)
	}
	if s.PoolSold {
		p.add("state.poolSold", "the deal was wound down after its pool was sold in period %d; no period follows", s.Period)
	}
	if s.Period < 0 {
		p.add("state.period", "must not be negative, got %d", s.Period)
	}
	if s.AccruedThrough.IsZero() {
		p.add("state.accruedThrough", "required")
	}
	checkAmount(&p, "state.poolBalance", s.PoolBalance, false)
	checkAmount(&p, "state.yieldSupplement", s.YieldSupplement, false)
	if s.YieldSupplement > s.PoolBalance {
		p.add("state.yieldSupplement", "YSOC %s exceeds the pool balance %s", s.YieldSupplement, s.PoolBalance)
	}
	if s.YieldSupplement != 0 && d.YieldSupplement == nil {
		p.add("state.yieldSupplement", "the definition has no yieldSupplement")
	}
	if s.CumulativeNetLoss > MaxInputAmount || s.CumulativeNetLoss < -MaxInputAmount {
		p.add("state.cumulativeNetLoss", "%s exceeds the limit %s", s.CumulativeNetLoss, MaxInputAmount)
	}
	if s.Accelerated && len(d.AccelerationSteps) == 0 {
		p.add("state.accelerated", "the definition has no accelerationSteps")
	}
	if len(s.Classes) != len(d.Classes) {
		p.add("state.classes", "want %d classes as in the definition, got %d", len(d.Classes), len(s.Classes))
	} else {
		for i, c := range s.Classes {
			path, dc := at("state.classes", i), d.Classes[i]
			if c.Class != dc.Name {
				p.add(path+".class", "want %q (definition order), got %q", dc.Name, c.Class)
			}
			checkAmount(&p, path+".balance", c.Balance, false)
			checkAmount(&p, path+".unpaidInterest", c.UnpaidInterest, false)
			checkAmount(&p, path+".writtenDown", c.WrittenDown, false)
			if c.Balance+c.WrittenDown > dc.OriginalBalance && c.Balance <= MaxInputAmount && c.WrittenDown <= MaxInputAmount {
				p.add(path+".balance", "balance %s plus written down %s exceeds the original balance %s",
					c.Balance, c.WrittenDown, dc.OriginalBalance)
			}
		}
	}
	if len(s.Fees) != len(d.Fees) {
		p.add("state.fees", "want %d fees as in the definition, got %d", len(d.Fees), len(s.Fees))
	} else {
		for i, f := range s.Fees {
			path := at("state.fees", i)
			if f.Fee != d.Fees[i].Name {
				p.add(path+".fee", "want %q (definition order), got %q", d.Fees[i].Name, f.Fee)
			}
			checkAmount(&p, path+".unpaid", f.Unpaid, false)
			checkAmount(&p, path+".paidInCapYear", f.PaidInCapYear, false)
		}
	}
	if len(s.Reserves) != len(d.Reserves) {
		p.add("state.reserves", "want %d reserve accounts as in the definition, got %d", len(d.Reserves), len(s.Reserves))
	} else {
		for i, a := range s.Reserves {
			path := at("state.reserves", i)
			if a.Account != d.Reserves[i].Name {
				p.add(path+".account", "want %q (definition order), got %q", d.Reserves[i].Name, a.Account)
			}
			checkAmount(&p, path+".balance", a.Balance, false)
		}
	}
	if len(s.Triggers) != len(d.Triggers) {
		p.add("state.triggers", "want %d triggers as in the definition, got %d", len(d.Triggers), len(s.Triggers))
	} else {
		for i, t := range s.Triggers {
			path := at("state.triggers", i)
			if t.Trigger != d.Triggers[i].Name {
				p.add(path+".trigger", "want %q (definition order), got %q", d.Triggers[i].Name, t.Trigger)
			}
			if t.Breached != (t.BreachedSince > 0) || t.BreachedSince > s.Period {
				p.add(path+".breachedSince", "must be the period of the breach (1 to %d) when breached, 0 otherwise, got %d",
					s.Period, t.BreachedSince)
			}
		}
	}
	return p.err()
}
