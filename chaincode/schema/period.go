package schema

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
)

// PeriodInputs rebuilds a period's waterfall inputs from the records they
// come from: the report's declared (and reconciled) totals and header,
// the period's fixings, the payment date from the waterfall's payment day,
// and whether the trustee's event-of-default declaration applies to the
// period. Servicing:Certify gathers the inputs with it and the gateway
// replays a certification with it, so both compute the same inputs hash.
func PeriodInputs(rep Report, wf Waterfall, fixings []Fixing, declaredEoD bool) (distribution.PeriodInputs, error) {
	agg := rep.Header.Aggregates
	pay, err := distribution.PaymentDate(agg.Period.Ending, wf.PaymentDay)
	if err != nil {
		return distribution.PeriodInputs{}, err
	}
	in := distribution.PeriodInputs{
		Aggregates: agg, PaymentDate: pay, ServicerAdvances: rep.Header.ServicerAdvances,
		CleanUpCall: rep.Header.CleanUpCall, CleanUpProceeds: rep.Header.CleanUpProceeds, DeclareEventOfDefault: declaredEoD,
	}
	if len(fixings) > 0 {
		in.IndexFixings = make(map[string]decimal.Decimal, len(fixings))
		for _, fx := range fixings {
			in.IndexFixings[fx.Index] = fx.Rate
		}
	}
	return in, nil
}
