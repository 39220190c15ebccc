package waterfall

import (
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// KindShiftingInterest is the step of a senior/subordinate residential
// mortgage deal that splits the period's principal between the senior and
// the subordinate classes by shifting interest.
const KindShiftingInterest StepKind = "shiftingInterest"

// ShiftingInterestStep pays the period's principal the way a prime
// senior/subordinate RMBS prospectus defines it. With
//
//	Senior Percentage     = min(1, seniors' balance ÷ pool balance), both at the start of the period
//	Senior Prepayment %   = Senior % + Shift × (1 − Senior %)
//
// the Senior Principal Distribution Amount is
//
//	Senior % × scheduled principal
//	+ Senior Prepayment % × (prepayments + repurchases)
//	+ min(Senior % × liquidated principal, Senior Prepayment % × net liquidation proceeds)
//
// (each product rounded half-up to the cent), paid to the seniors by rank;
// the Subordinate Principal Distribution Amount is the rest of the
// principal collected (scheduled, prepayments, repurchases, net
// liquidation proceeds), paid to the subordinates by SubordinateAllocation.
// What one side cannot take (its classes are paid off) goes to the other.
//
// Shift comes from Schedule: 1 (100%: subordinates locked out of
// prepayments) for the first years, then stepping down. A step-down
// happens only while both tests pass; when either fails, the shift stays
// at the preceding schedule entry's. The tests:
//
//	delinquency: balance 60+ days delinquent ÷ subordinates' balance < DelinquencyLimit
//	loss:        cumulative net loss ÷ subordinates' original balance ≤ the LossLimits entry in force
//
// Whatever the schedule, while the Senior Percentage exceeds its value at
// closing (the subordinates have shrunk faster than the seniors), the
// Senior Prepayment Percentage is 100%.
type ShiftingInterestStep struct {
	Seniors               []string          `json:"seniors"`
	Subordinates          []string          `json:"subordinates"`
	SubordinateAllocation Allocation        `json:"subordinateAllocation"`
	Schedule              []PrepaymentShift `json:"schedule"`
	DelinquencyLimit      decimal.Decimal   `json:"delinquencyLimit"`
	// LossLimits apply from their FromPeriod; before the first entry the
	// loss test passes (nothing steps down before it anyway).
	LossLimits []Threshold `json:"lossLimits,omitempty"`
}

// PrepaymentShift is the share of the subordinate percentage of
// prepayments that goes to the seniors, from FromPeriod on.
type PrepaymentShift struct {
	FromPeriod int             `json:"fromPeriod"`
	Shift      decimal.Decimal `json:"shift"`
}

func (ShiftingInterestStep) Kind() StepKind { return KindShiftingInterest }
func (ShiftingInterestStep) isStep()        {}

func (s ShiftingInterestStep) MarshalJSON() ([]byte, error) {
	type body ShiftingInterestStep
	return json.Marshal(struct {
		Kind StepKind `json:"kind"`
		body
	}{s.Kind(), body(s)})
}

// ShiftingInterestResult shows how the period's principal was split, so a
// certifying trustee and every replaying bank read the percentages, not
// only the payments.
type ShiftingInterestResult struct {
	SeniorPercentage           decimal.Decimal `json:"seniorPercentage"`
	SeniorPrepaymentPercentage decimal.Decimal `json:"seniorPrepaymentPercentage"`
	// ScheduledShift is the schedule's shift for the period; AppliedShift
	// what was used (the preceding entry's when a test failed, 1 when the
	// Senior Percentage exceeds its value at closing).
	ScheduledShift    decimal.Decimal `json:"scheduledShift"`
	AppliedShift      decimal.Decimal `json:"appliedShift"`
	DelinquencyRatio  decimal.Decimal `json:"delinquencyRatio"`
	LossRatio         decimal.Decimal `json:"lossRatio"`
	StepDownPassed    bool            `json:"stepDownTestsPassed"`
	SeniorAmount      money.Amount    `json:"seniorPrincipalDistributionAmount"`
	SubordinateAmount money.Amount    `json:"subordinatePrincipalDistributionAmount"`
}

// percentPlaces is the precision of the senior percentages: ten places,
// truncated, as the factors are.
const percentPlaces = 10

// shiftFor returns the schedule's shift for period p and the preceding
// entry's (the same when p is in the first entry).
func (s ShiftingInterestStep) shiftFor(p int) (current, preceding decimal.Decimal) {
	current, preceding = s.Schedule[0].Shift, s.Schedule[0].Shift
	for _, e := range s.Schedule {
		if e.FromPeriod <= p {
			preceding, current = current, e.Shift
		}
	}
	return current, preceding
}

func lossLimitFor(ts []Threshold, p int) (decimal.Decimal, bool) {
	var v decimal.Decimal
	found := false
	for _, t := range ts {
		if t.FromPeriod <= p {
			v, found = t.Value, true
		}
	}
	return v, found
}

// payShiftingInterest sizes and pays the senior and subordinate principal.
func (r *run) payShiftingInterest(s ShiftingInterestStep) error {
	seniors, subs := r.def.indicesOf(s.Seniors), r.def.indicesOf(s.Subordinates)
	var seniorOrig money.Amount
	for _, i := range seniors {
		seniorOrig += r.def.Classes[i].OriginalBalance
	}
	var subOrig money.Amount
	for _, i := range subs {
		subOrig += r.def.Classes[i].OriginalBalance
	}
	seniorBegin, subBegin := r.beginningBalance(seniors), r.beginningBalance(subs)

	res := ShiftingInterestResult{SeniorPercentage: decimal.NewFromInt(1)}
	if r.poolBegin > 0 && seniorBegin < r.poolBegin {
		res.SeniorPercentage = money.Ratio(seniorBegin, r.poolBegin, percentPlaces)
	}
	seriouslyLate := r.p.Delinquencies.Days60to89 + r.p.Delinquencies.Days90Plus
	dqPass := false
	if subBegin > 0 {
		res.DelinquencyRatio = money.Ratio(seriouslyLate, subBegin, percentPlaces)
		dqPass = res.DelinquencyRatio.LessThan(s.DelinquencyLimit)
	}
	lossPass := true
	if subOrig > 0 {
		res.LossRatio = money.Ratio(max(0, r.cnl), subOrig, percentPlaces)
		if limit, ok := lossLimitFor(s.LossLimits, r.p.Period); ok {
			lossPass = !res.LossRatio.GreaterThan(limit)
		}
	}
	res.StepDownPassed = dqPass && lossPass
	current, preceding := s.shiftFor(r.p.Period)
	res.ScheduledShift, res.AppliedShift = current, current
	if !res.StepDownPassed {
		res.AppliedShift = decimal.Max(current, preceding)
	}
	if r.def.InitialPoolBalance > 0 && res.SeniorPercentage.GreaterThan(money.Ratio(seniorOrig, r.def.InitialPoolBalance, percentPlaces)) {
		res.AppliedShift = decimal.NewFromInt(1)
	}
	one := decimal.NewFromInt(1)
	res.SeniorPrepaymentPercentage = decimal.Min(one,
		res.SeniorPercentage.Add(res.AppliedShift.Mul(one.Sub(res.SeniorPercentage))).Truncate(percentPlaces))

	scheduled := r.p.ScheduledPrincipal
	unscheduled := r.p.Prepayments + r.p.Repurchases
	liquidation := r.p.LiquidationProceeds + r.p.Recoveries
	sched, err := scheduled.MulRate(res.SeniorPercentage)
	if err != nil {
		return err
	}
	prepay, err := unscheduled.MulRate(res.SeniorPrepaymentPercentage)
	if err != nil {
		return err
	}
	liqBySenior, err := r.p.Defaults.MulRate(res.SeniorPercentage)
	if err != nil {
		return err
	}
	liqByPrepay, err := liquidation.MulRate(res.SeniorPrepaymentPercentage)
	if err != nil {
		return err
	}
	total := scheduled + unscheduled + liquidation
	seniorOut, subOut := r.outstanding(seniors), r.outstanding(subs)
	res.SeniorAmount = min(sched+prepay+min(liqBySenior, liqByPrepay), seniorOut)
	res.SubordinateAmount = min(total-res.SeniorAmount, subOut)
	if spare := total - res.SeniorAmount - res.SubordinateAmount; spare > 0 {
		// The subordinates are paid off: their share goes to the seniors.
		res.SeniorAmount += min(spare, seniorOut-res.SeniorAmount)
	}
	r.determined += res.SeniorAmount + res.SubordinateAmount
	r.shifting = &res

	if err := r.payGroup(s.Seniors, seniors, res.SeniorAmount, SequentialAllocation); err != nil {
		return err
	}
	return r.payGroup(s.Subordinates, subs, res.SubordinateAmount, s.SubordinateAllocation)
}

// outstanding is the current balance of the listed classes.
func (r *run) outstanding(idx []int) money.Amount {
	var t money.Amount
	for _, i := range idx {
		t += r.classes[i].balance
	}
	return t
}

// payGroup pays due (already capped at the classes' balances) to the
// classes from available funds, by rank or pro rata by balance.
func (r *run) payGroup(names []string, idx []int, due money.Amount, alloc Allocation) error {
	balances := make([]money.Amount, len(idx))
	for k, i := range idx {
		balances[k] = r.classes[i].balance
	}
	paid := r.take(due)
	groups := [][]int{make([]int, len(idx))}
	for k := range idx {
		groups[0][k] = k
	}
	if alloc == SequentialAllocation {
		groups = r.rankGroups(idx, false)
	}
	return r.payClasses(KindPrincipal, names, idx, balances, groups, due, paid)
}

// checkShiftingInterestStep validates the step against the definition.
func (d *Definition) checkShiftingInterestStep(p *problems, sp string, s ShiftingInterestStep) {
	seniors := d.checkClassList(p, sp+".seniors", s.Seniors, false)
	subs := d.checkClassList(p, sp+".subordinates", s.Subordinates, false)
	worstSenior := 0
	for _, i := range seniors {
		worstSenior = max(worstSenior, d.Classes[i].Rank)
	}
	for k, i := range subs {
		for _, j := range seniors {
			if i == j {
				p.add(at(sp+".subordinates", k), "class %q is listed as senior too", s.Subordinates[k])
			}
		}
		if d.Classes[i].Rank <= worstSenior {
			p.add(at(sp+".subordinates", k), "class %q (rank %d) must rank below every senior (lowest senior rank %d)",
				s.Subordinates[k], d.Classes[i].Rank, worstSenior)
		}
	}
	if s.SubordinateAllocation != SequentialAllocation && s.SubordinateAllocation != ProRataAllocation {
		p.add(sp+".subordinateAllocation", "want %q or %q, got %q", SequentialAllocation, ProRataAllocation, string(s.SubordinateAllocation))
	}
	if len(s.Schedule) == 0 || len(s.Schedule) > maxScheduleEntries {
		p.add(sp+".schedule", "give 1 to %d entries, the first from period 1", maxScheduleEntries)
	}
	for k, e := range s.Schedule {
		path := at(sp+".schedule", k)
		switch {
		case k == 0 && e.FromPeriod != 1:
			p.add(path+".fromPeriod", "the first entry applies from period 1, got %d", e.FromPeriod)
		case k > 0 && e.FromPeriod <= s.Schedule[k-1].FromPeriod:
			p.add(path+".fromPeriod", "periods must increase: %d follows %d", e.FromPeriod, s.Schedule[k-1].FromPeriod)
		}
		checkFraction(p, path+".shift", e.Shift)
		if k > 0 && saneDecimal(e.Shift) && saneDecimal(s.Schedule[k-1].Shift) && e.Shift.GreaterThan(s.Schedule[k-1].Shift) {
			p.add(path+".shift", "the shift steps down, never up: %s follows %s", e.Shift, s.Schedule[k-1].Shift)
		}
	}
	if checkPlaces(p, sp+".delinquencyLimit", s.DelinquencyLimit) && s.DelinquencyLimit.Sign() <= 0 {
		p.add(sp+".delinquencyLimit", "must be positive (0.50 for 50%% of the subordinates' balance)")
	}
	if len(s.LossLimits) > maxScheduleEntries {
		p.add(sp+".lossLimits", "at most %d entries", maxScheduleEntries)
	}
	for k, t := range s.LossLimits {
		path := at(sp+".lossLimits", k)
		if t.FromPeriod < 1 || (k > 0 && t.FromPeriod <= s.LossLimits[k-1].FromPeriod) {
			p.add(path+".fromPeriod", "periods start at 1 and increase, got %d", t.FromPeriod)
		}
		checkFraction(p, path+".value", t.Value)
	}
}

// maxScheduleEntries bounds step-down schedules: monthly entries over a
// 40-year deal fit.
const maxScheduleEntries = 480
