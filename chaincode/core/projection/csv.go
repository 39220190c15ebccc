package projection

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// CSV renders the projection's cash flows as one table: a row per class
// and period (class, period, payment date, interest, principal, residual,
// write-down, unpaid interest, ending balance), classes in definition
// order, then a row per period for the pool (class "pool": collections in
// the interest and principal columns, charge-offs as the write-down).
func (p *Projection) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"class", "period", "paymentDate", "interest", "principal", "residual", "writeDown", "unpaidInterest", "balance"}}
	for _, c := range p.Classes {
		for _, f := range c.Flows {
			rows = append(rows, []string{c.Class, strconv.Itoa(f.Period), f.PaymentDate.String(), f.Interest.String(),
				f.Principal.String(), f.Residual.String(), f.WriteDown.String(), f.UnpaidInterest.String(), f.Balance.String()})
		}
	}
	for _, pp := range p.Pool {
		principal := pp.ScheduledPrincipal + pp.Prepayments + pp.Recoveries + pp.CleanUpProceeds
		rows = append(rows, []string{"pool", strconv.Itoa(pp.Period), pp.PaymentDate.String(), pp.InterestCollections.String(),
			principal.String(), "0.00", pp.Defaults.String(), "0.00", pp.EndingBalance.String()})
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
