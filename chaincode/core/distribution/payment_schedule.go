package distribution

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// ScheduledPaymentDate is the payment date of period n: for a definition
// with a payment schedule (waterfall.PaymentDates), the business day its
// calendar rolls the nominal date to; otherwise PaymentDate(collectionEnd,
// paymentDay), the unadjusted day of the following month.
func ScheduledPaymentDate(def *waterfall.Definition, n int, collectionEnd loantape.Date, paymentDay int) (daycount.Date, error) {
	if def.PaymentDates == nil {
		return PaymentDate(collectionEnd, paymentDay)
	}
	d, err := def.AdjustedPaymentDate(n)
	if err != nil {
		return daycount.Date{}, errs.Field("paymentDates", "period %d: %v", n, err)
	}
	return d, nil
}
