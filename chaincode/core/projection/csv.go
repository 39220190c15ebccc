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

// CSV renders a grid as one row per scenario and class: the scenario's
// speeds (the defaults' rate, or cumulative loss for a loss curve), the
// periods it ran and its clean-up call period, then the class's measures.
// A measure that is absent (a yield no price reaches, a spread without a
// benchmark) is an empty cell, never 0.
func (g *GridResult) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"prepaymentKind", "prepaymentRate", "defaultsKind", "defaultsRate", "periods", "cleanUpCallPeriod",
		"class", "wal", "firstPrincipalPeriod", "lastPrincipalPeriod", "price", "yield", "spreadBp", "modifiedDuration", "lossFraction", "yieldProblem"}}
	for _, c := range g.Cells {
		rate := c.Defaults.Rate
		if c.Defaults.Kind == LossCurve {
			rate = c.Defaults.CumulativeLoss
		}
		for _, k := range c.Classes {
			rows = append(rows, []string{string(c.Prepayment.Kind), c.Prepayment.Rate.String(), string(c.Defaults.Kind), rate.String(),
				strconv.Itoa(c.Periods), strconv.Itoa(c.CleanUpCallPeriod), k.Class, number(k.WAL),
				strconv.Itoa(k.FirstPrincipalPeriod), strconv.Itoa(k.LastPrincipalPeriod), number(k.Price),
				optional(k.Yield), optional(k.SpreadBP), optional(k.ModifiedDuration), number(k.LossFraction), k.YieldProblem})
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func number(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func optional(x *float64) string {
	if x == nil {
		return ""
	}
	return number(*x)
}
