package distribution

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// PeriodInputs are the public facts a payment date's waterfall runs on,
// besides the definition and the prior state: the certified report's
// aggregates, what the servicer declared beside them, the trustee's index
// fixings and event-of-default declaration, and the payment date. They are
// what Certify hashes and what Replay needs.
type PeriodInputs struct {
	Aggregates loantape.ReportAggregates `json:"aggregates"`
	// PaymentDate ends the interest accrual period (see PaymentDate).
	PaymentDate daycount.Date `json:"paymentDate"`
	// IndexFixings are the rates posted by the trustee for this period.
	IndexFixings map[string]decimal.Decimal `json:"indexFixings,omitempty"`
	// ServicerAdvances, CleanUpCall and CleanUpProceeds are declared by the
	// servicer in the report header (they are not loan-level data).
	ServicerAdvances money.Amount `json:"servicerAdvances"`
	CleanUpCall      bool         `json:"cleanUpCall,omitempty"`
	CleanUpProceeds  money.Amount `json:"cleanUpProceeds"`
	// DeclareEventOfDefault is set when the trustee declared an event of
	// default the data cannot show, before this period was certified.
	DeclareEventOfDefault bool `json:"declareEventOfDefault,omitempty"`
	// PoolSale and PoolSaleProceeds declare the deal's last period after
	// a liquidation sale of its pool (waterfall.Period.PoolSale).
	PoolSale         bool         `json:"poolSale,omitempty"`
	PoolSaleProceeds money.Amount `json:"poolSaleProceeds,omitzero"`
	// Certificate holds the servicer's declared certificate lines, when
	// the deal takes them (see CertificateInputs).
	Certificate *CertificateInputs `json:"certificate,omitempty"`
}

// PaymentDate is the payment date of a collection period that ends on
// collectionEnd: day paymentDay (1 to 28, so that it exists in every
// month) of the following month. Business-day adjustment is left to the
// deal's calendar, which this version does not model.
func PaymentDate(collectionEnd loantape.Date, paymentDay int) (daycount.Date, error) {
	if paymentDay < 1 || paymentDay > 28 {
		return daycount.Date{}, errs.Field("paymentDay", "must be 1 to 28, got %d", paymentDay)
	}
	if collectionEnd.IsZero() {
		return daycount.Date{}, errs.Field("collectionEnd", "required")
	}
	next := collectionEnd.YearMonth().AddMonths(1)
	return daycount.NewDate(next.Year, next.Month, paymentDay), nil
}

// Period maps the inputs to the waterfall's Period, accruing interest from
// accruedThrough (the prior state's AccruedThrough) to the payment date:
//
//	interestCollections = interest collected (other collections, such as
//	                      late fees, stay with the servicer as supplemental
//	                      servicing compensation, the US auto convention)
//	scheduledPrincipal  = scheduled principal collected
//	prepayments         = unscheduled principal collected
//	defaults            = principal charged off
//	recoveries          = recoveries + repossession proceeds reported apart
//	otherAdjustments    = other principal adjustments (signed)
//	endingPoolBalance   = Σ ending balances
//	delinquencies       = 31–60 → 30–59, 61–90 → 60–89, 91+ → 90+ days
//
// The servicer report buckets by 31–60/61–90 days past due (0–30 is
// current), the waterfall by 30–59/60–89/90+: the waterfall's 60+
// delinquency trigger therefore tests loans more than 60 days past due.
func (in PeriodInputs) Period(accruedThrough daycount.Date) (waterfall.Period, error) {
	a := in.Aggregates
	if a.Period.Number < 1 {
		return waterfall.Period{}, errs.Field("aggregates.period.number", "must be positive, got %d", a.Period.Number)
	}
	if in.PaymentDate.IsZero() {
		return waterfall.Period{}, errs.Field("paymentDate", "required")
	}
	var s sum
	recoveries := s.add(a.Recoveries, a.RepossessionProceeds)
	dq90 := s.add(a.Delinquency.Days91To120.Balance, a.Delinquency.Over120.Balance)
	if s.err != nil {
		return waterfall.Period{}, errs.New(errs.Overflow, "report aggregates: %v", s.err)
	}
	p := waterfall.Period{
		Period:              a.Period.Number,
		AccrualStart:        accruedThrough,
		AccrualEnd:          in.PaymentDate,
		InterestCollections: a.InterestCollected,
		ScheduledPrincipal:  a.ScheduledPrincipal,
		Prepayments:         a.Prepayments,
		Defaults:            a.ChargedOffPrincipal,
		Recoveries:          recoveries,
		OtherAdjustments:    a.OtherPrincipalAdjustments,
		EndingPoolBalance:   a.EndingBalance,
		Delinquencies: waterfall.Delinquencies{
			Days30to59: a.Delinquency.Days31To60.Balance,
			Days60to89: a.Delinquency.Days61To90.Balance,
			Days90Plus: dq90,
		},
		ServicerAdvances:      in.ServicerAdvances,
		CleanUpCall:           in.CleanUpCall,
		CleanUpProceeds:       in.CleanUpProceeds,
		DeclareEventOfDefault: in.DeclareEventOfDefault,
		PoolSale:              in.PoolSale,
		PoolSaleProceeds:      in.PoolSaleProceeds,
	}
	if err := in.Certificate.apply(&p, a.RepossessionProceeds); err != nil {
		return waterfall.Period{}, err
	}
	if len(in.IndexFixings) > 0 {
		p.IndexFixings = make(map[string]decimal.Decimal, len(in.IndexFixings))
		for k, v := range in.IndexFixings {
			p.IndexFixings[k] = v // copied, never ranged into output
		}
	}
	return p, nil
}

type sum struct{ err error }

func (s *sum) add(a, b money.Amount) money.Amount {
	if s.err != nil {
		return 0
	}
	t, err := a.Add(b)
	s.err = err
	return t
}
