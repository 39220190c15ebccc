package schema

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// PeriodInputs rebuilds a period's waterfall inputs from the records they
// come from: the report's declared (and reconciled) totals and header,
// the period's fixings, the payment date (the deal's business-day-adjusted
// schedule when its definition has one, else the waterfall's payment day),
// the certificate lines the servicer declared, and whether the trustee's event-of-default declaration applies to the
// period. Servicing:Certify gathers the inputs with it and the gateway
// replays a certification with it, so both compute the same inputs hash.
func PeriodInputs(def *waterfall.Definition, rep Report, wf Waterfall, fixings []Fixing, declaredEoD bool) (distribution.PeriodInputs, error) {
	agg := rep.Header.Aggregates
	pay, err := distribution.ScheduledPaymentDate(def, agg.Period.Number, agg.Period.Ending, wf.PaymentDay)
	if err != nil {
		return distribution.PeriodInputs{}, err
	}
	in := distribution.PeriodInputs{
		Aggregates: agg, PaymentDate: pay, ServicerAdvances: rep.Header.ServicerAdvances,
		CleanUpCall: rep.Header.CleanUpCall, CleanUpProceeds: rep.Header.CleanUpProceeds, DeclareEventOfDefault: declaredEoD,
		Certificate: rep.Header.Certificate,
	}
	if s := rep.Header.PoolSale; s != nil {
		in.PoolSale, in.PoolSaleProceeds = true, s.Proceeds
	}
	if len(fixings) > 0 {
		in.IndexFixings = make(map[string]decimal.Decimal, len(fixings))
		for _, fx := range fixings {
			in.IndexFixings[fx.Index] = fx.Rate
		}
	}
	return in, nil
}
