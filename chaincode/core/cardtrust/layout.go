package cardtrust

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Kind says how a column's text becomes a value.
type Kind string

const (
	// Text is kept as written (trimmed).
	Text Kind = "text"
	// Amount is a non-negative decimal with at most two places.
	Amount Kind = "amount"
	// Fraction is a rate written as a fraction ("0.1800").
	Fraction Kind = "fraction"
	// Count is a positive whole number.
	Count Kind = "count"
	// MonthKind is YYYY-MM.
	MonthKind Kind = "month"
)

// ColumnInfo documents one column of the report layout.
type ColumnInfo struct {
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Required bool   `json:"required"`
	Doc      string `json:"doc"`
}

// column is one field of the report: its name in the header, its kind and
// where it lives in the record. Every column is required: a card report
// without one of these figures cannot be checked or allocated.
type column struct {
	name string
	kind Kind
	doc  string
	at   func(r *Report) any
}

// reportColumns is the report's field table, in the order the canonical
// CSV writes them.
var reportColumns = []column{
	{"trustId", Text, "the trust's identifier", func(r *Report) any { return &r.TrustID }},
	{"period", Count, "the report's number, 1 for the trust's first month", func(r *Report) any { return &r.Period }},
	{"reportingMonth", MonthKind, "the month reported, YYYY-MM", func(r *Report) any { return &r.ReportingMonth }},
	{"beginningPrincipalReceivables", Amount, "principal receivables at the start of the month", func(r *Report) any { return &r.BeginningPrincipalReceivables }},
	{"financeChargeCollections", Amount, "finance charges, fees and interchange collected", func(r *Report) any { return &r.FinanceChargeCollections }},
	{"principalCollections", Amount, "principal collected", func(r *Report) any { return &r.PrincipalCollections }},
	{"defaultedReceivables", Amount, "principal receivables charged off", func(r *Report) any { return &r.DefaultedReceivables }},
	{"recoveries", Amount, "collections on receivables charged off earlier", func(r *Report) any { return &r.Recoveries }},
	{"newReceivables", Amount, "new principal receivables bought by the trust", func(r *Report) any { return &r.NewReceivables }},
	{"endingPrincipalReceivables", Amount, "principal receivables at the end of the month", func(r *Report) any { return &r.EndingPrincipalReceivables }},
	{"portfolioYield", Fraction, "finance-charge collections × 12 / beginning principal receivables", func(r *Report) any { return &r.PortfolioYield }},
	{"paymentRate", Fraction, "(principal + finance-charge collections) / beginning principal receivables", func(r *Report) any { return &r.PaymentRate }},
}

// Layout lists the report's columns for documentation and the gateway.
func Layout() []ColumnInfo {
	out := make([]ColumnInfo, len(reportColumns))
	for i, c := range reportColumns {
		out[i] = ColumnInfo{Name: c.name, Kind: c.kind, Required: true, Doc: c.doc}
	}
	return out
}

// maxRateText bounds a rate's text: a rate is a short decimal.
const maxRateText = 24

// build parses one row's texts (indexed like reportColumns) into a
// report; the first bad column in table order is reported.
func build(line int, vals []string) (Report, error) {
	var r Report
	for i, c := range reportColumns {
		v := vals[i]
		fail := func(rule, format string, args ...any) error {
			return &loantape.RowError{Line: line, Field: c.name, Rule: rule, Msg: c.name + ": " + fmt.Sprintf(format, args...)}
		}
		if v == "" {
			return Report{}, fail(loantape.RuleRequired, "required, the cell is empty")
		}
		switch dst := c.at(&r).(type) {
		case *string:
			*dst = v
		case *int:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100_000 {
				return Report{}, fail(loantape.RuleNumber, "%q is not a whole number from 1 to 100000", v)
			}
			*dst = n
		case *Month:
			m, err := ParseMonth(v)
			if err != nil {
				return Report{}, fail(loantape.RuleDate, "%v", err)
			}
			*dst = m
		case *money.Amount:
			a, err := money.Parse(v)
			if err != nil {
				return Report{}, fail(loantape.RuleNumber, "%q is not an amount with at most two decimal places", v)
			}
			if a < 0 {
				return Report{}, fail(loantape.RuleNegativeAmount, "must not be negative, got %s", a)
			}
			if a > maxAmount {
				return Report{}, fail(loantape.RuleNumber, "%s exceeds the limit %s", a, maxAmount)
			}
			*dst = a
		case *decimal.Decimal:
			d, err := decimal.NewFromString(v)
			if err != nil || len(v) > maxRateText || strings.ContainsAny(v, "eE") {
				return Report{}, fail(loantape.RuleNumber, "%q is not a decimal fraction", v)
			}
			if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(10)) {
				return Report{}, fail(loantape.RuleRateRange, "%s is outside [0, 10]", v)
			}
			*dst = d
		default:
			panic("cardtrust: column " + c.name + " has no parser")
		}
	}
	return r, nil
}

// maxAmount bounds every reported amount (10^15 dollars in cents): sums
// of a dozen of them stay far inside int64, and no card trust is larger.
const maxAmount = money.Amount(100_000_000_000_000_000)
