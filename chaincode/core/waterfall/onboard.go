package waterfall

import (
	"bytes"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Onboarding is a deal's position as its latest trustee certificate shows
// it, after the payments of period Period: what a bank moving a seasoned
// deal onto the ledger starts from instead of the closing. The figures a
// certificate prints twice (the OC amount, the adjusted pool, ratios and
// factors) are given too, so that OpenState can check them against each
// other before the deal goes on.
type Onboarding struct {
	// Period is the last period the certificate reports as paid.
	Period int `json:"period"`
	// PaymentDate is that period's payment date: interest has accrued to it.
	PaymentDate daycount.Date `json:"paymentDate"`
	PoolBalance money.Amount  `json:"poolBalance"`
	// YieldSupplement and AdjustedPoolBalance are required for a deal with
	// a yield supplement and must be zero without one.
	YieldSupplement     money.Amount `json:"yieldSupplement,omitzero"`
	AdjustedPoolBalance money.Amount `json:"adjustedPoolBalance,omitzero"`
	// Overcollateralization is the certificate's OC amount: (adjusted) pool
	// less the notes.
	Overcollateralization money.Amount `json:"overcollateralization"`
	CumulativeNetLoss     money.Amount `json:"cumulativeNetLoss"`
	// CumulativeNetLossRatio and PoolFactor, when given, must agree with
	// the amounts to the places they are printed with.
	CumulativeNetLossRatio decimal.Decimal `json:"cumulativeNetLossRatio,omitzero"`
	PoolFactor             decimal.Decimal `json:"poolFactor,omitzero"`
	Classes                []OnboardClass  `json:"classes"`
	Fees                   []FeeState      `json:"fees"`
	Reserves               []ReserveState  `json:"reserves"`
	Triggers               []TriggerState  `json:"triggers"`
	EventOfDefault         bool            `json:"eventOfDefault,omitempty"`
}

// OnboardClass is one class's line of the certificate.
type OnboardClass struct {
	ClassState
	// Factor, when given, is the printed note factor.
	Factor decimal.Decimal `json:"factor,omitzero"`
}

// ParseOnboarding decodes an onboarding position strictly.
func ParseOnboarding(b []byte) (Onboarding, error) {
	var o Onboarding
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Onboarding{}, &FieldError{Path: "onboarding", Problem: clip(err.Error())}
	}
	return o, nil
}

// OpenState builds the state of a deal opened at period o.Period from its
// certificate: each figure is checked against the definition and against
// the others (the pool less YSOC is the adjusted pool, the adjusted pool
// less the notes is the OC, printed ratios match the amounts, the payment
// date is the scheduled one), and the next Run continues from it as if
// every earlier period had run on the ledger.
func OpenState(def Definition, o Onboarding) (State, error) {
	if err := def.Validate(); err != nil {
		return State{}, err
	}
	var p problems
	if o.Period < 1 {
		p.add("onboarding.period", "must be at least 1 (a deal at closing starts from NewState), got %d", o.Period)
	}
	switch {
	case o.PaymentDate.IsZero() || !def.ClosingDate.Before(o.PaymentDate):
		p.add("onboarding.paymentDate", "must be after the closing date %s, got %s", def.ClosingDate, o.PaymentDate)
	case def.PaymentDates != nil && o.Period >= 1:
		if want, err := def.AdjustedPaymentDate(o.Period); err != nil || want != o.PaymentDate {
			p.add("onboarding.paymentDate", "want %s, the payment date of period %d (%v), got %s", want, o.Period, err, o.PaymentDate)
		}
	}
	checkAmount(&p, "onboarding.poolBalance", o.PoolBalance, false)
	checkAmount(&p, "onboarding.yieldSupplement", o.YieldSupplement, false)
	if err := p.err(); err != nil {
		return State{}, err
	}
	def.checkOnboardedPool(&p, o)
	var notes money.Amount
	classes := make([]ClassState, len(o.Classes))
	for i, c := range o.Classes {
		classes[i] = c.ClassState
		if i < len(def.Classes) && !def.Classes[i].Residual {
			notes += c.Balance
			checkPrinted(&p, at("onboarding.classes", i)+".factor", c.Factor, c.Balance, def.Classes[i].OriginalBalance)
		}
	}
	if adjusted := o.PoolBalance - o.YieldSupplement; adjusted-notes != o.Overcollateralization {
		p.add("onboarding.overcollateralization", "adjusted pool %s − notes %s = %s, the certificate says %s",
			adjusted, notes, adjusted-notes, o.Overcollateralization)
	}
	checkPrinted(&p, "onboarding.cumulativeNetLossRatio", o.CumulativeNetLossRatio, o.CumulativeNetLoss, def.InitialPoolBalance)
	checkPrinted(&p, "onboarding.poolFactor", o.PoolFactor, o.PoolBalance, def.InitialPoolBalance)
	if err := p.err(); err != nil {
		return State{}, err
	}
	st := State{
		Period: o.Period, AccruedThrough: o.PaymentDate, PoolBalance: o.PoolBalance, YieldSupplement: o.YieldSupplement,
		CumulativeNetLoss: o.CumulativeNetLoss, Classes: classes, Fees: o.Fees, Reserves: o.Reserves, Triggers: o.Triggers,
		EventOfDefault: o.EventOfDefault, Accelerated: o.EventOfDefault,
	}
	if err := def.checkState(st); err != nil {
		return State{}, err
	}
	return st, nil
}

// checkOnboardedPool checks the YSOC and the adjusted pool against the
// deal's terms.
func (d *Definition) checkOnboardedPool(p *problems, o Onboarding) {
	ys := d.YieldSupplement
	if ys == nil {
		if o.YieldSupplement != 0 || o.AdjustedPoolBalance != 0 {
			p.add("onboarding.yieldSupplement", "the deal has no yield supplement: give neither YSOC nor an adjusted pool")
		}
		return
	}
	if o.YieldSupplement > o.PoolBalance {
		p.add("onboarding.yieldSupplement", "YSOC %s exceeds the pool balance %s", o.YieldSupplement, o.PoolBalance)
	}
	if len(ys.Schedule) > 0 {
		var want money.Amount
		if o.Period < len(ys.Schedule) {
			want = ys.Schedule[o.Period]
		}
		if want = min(want, o.PoolBalance); o.YieldSupplement != want {
			p.add("onboarding.yieldSupplement", "the schedule fixed at closing gives %s after period %d, got %s", want, o.Period, o.YieldSupplement)
		}
	}
	if o.AdjustedPoolBalance != o.PoolBalance-o.YieldSupplement {
		p.add("onboarding.adjustedPoolBalance", "pool %s − YSOC %s = %s, the certificate says %s",
			o.PoolBalance, o.YieldSupplement, o.PoolBalance-o.YieldSupplement, o.AdjustedPoolBalance)
	}
}

// checkPrinted accepts a printed ratio of num ÷ den when it is the exact
// ratio rounded or truncated to the places it is printed with (less than
// one unit of its last place away). A zero printed ratio is not checked.
func checkPrinted(p *problems, path string, printed decimal.Decimal, num, den money.Amount) {
	if printed.IsZero() || den == 0 {
		return
	}
	if !checkPlaces(p, path, printed) {
		return
	}
	exact := num.Decimal().DivRound(den.Decimal(), maxDecimalPlaces+2)
	unit := decimal.New(1, printed.Exponent())
	if printed.Exponent() > 0 {
		unit = one
	}
	if printed.Sub(exact).Abs().GreaterThanOrEqual(unit) {
		p.add(path, "printed %s, but %s ÷ %s = %s", printed, num, den, exact.Truncate(10))
	}
}

// CertificateOf is the certificate position a period's Result leaves, as
// the trustee prints it after that period (factors and the loss ratio as
// the Result rounds them): the inverse of OpenState, for a bank handing a
// deal on, or a test writing the certificate of a period the ledger
// certified.
func CertificateOf(def Definition, res Result) Onboarding {
	o := Onboarding{
		Period: res.Period, PaymentDate: res.NewState.AccruedThrough, PoolBalance: res.Pool.EndingBalance,
		Overcollateralization: res.Pool.Overcollateralization, CumulativeNetLoss: res.Pool.CumulativeNetLoss,
		CumulativeNetLossRatio: res.Pool.CumulativeNetLossRatio, PoolFactor: res.Pool.Factor,
		Fees: res.NewState.Fees, Reserves: res.NewState.Reserves, Triggers: res.NewState.Triggers,
		EventOfDefault: res.EventOfDefault,
	}
	if a := res.Pool.Adjusted; a != nil {
		o.YieldSupplement, o.AdjustedPoolBalance = a.EndingYieldSupplement, a.EndingBalance
	}
	for i, c := range res.NewState.Classes {
		oc := OnboardClass{ClassState: c}
		if i < len(def.Classes) && !def.Classes[i].Residual && i < len(res.Classes) {
			oc.Factor = res.Classes[i].Factor
		}
		o.Classes = append(o.Classes, oc)
	}
	return o
}
