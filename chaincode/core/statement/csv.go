package statement

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// CSVHeader is the first row of WriteCSV: each later row is one figure.
var CSVHeader = []string{"section", "item", "field", "value"}

// WriteCSV writes the statement as rows of section, item, field, value in
// the statement's order: A to G, each list in its printed order. Amounts
// are written with two places, ratios as exact decimals.
func (s Statement) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{CSVHeader}
	add := func(section, item, field, value string) {
		rows = append(rows, []string{section, item, field, value})
	}
	amt := func(a money.Amount) string { return a.String() }
	dec := func(d decimal.Decimal) string { return d.String() }

	add("", "Deal", "name", s.Deal)
	add("", "Deal", "definitionVersion", strconv.Itoa(s.DefinitionVersion))
	add("", "Period", "number", strconv.Itoa(s.Period))
	add("", "Period", "accrualStart", s.AccrualStart.String())
	if s.NominalPaymentDate != nil {
		add("", "Period", "nominalPaymentDate", s.NominalPaymentDate.String())
	}
	add("", "Period", "paymentDate", s.PaymentDate.String())

	for _, sec := range []struct {
		name string
		s    Section
	}{{"A Collections", s.Collections}, {"B Available funds", s.AvailableFunds}} {
		for _, l := range sec.s.Lines {
			add(sec.name, l.Label, "amount", amt(l.Amount))
		}
		add(sec.name, "Total", "amount", amt(sec.s.Total))
	}
	for _, d := range s.Distributions.Lines {
		item := fmt.Sprintf("%d. %s", d.Priority, d.Label)
		add("C Distributions", item, "due", amt(d.Due))
		add("C Distributions", item, "paid", amt(d.Paid))
		add("C Distributions", item, "shortfall", amt(d.Shortfall))
	}
	add("C Distributions", "Total", "paid", amt(s.Distributions.TotalPaid))
	for _, n := range s.Notes {
		for _, f := range []struct{ field, value string }{
			{"dayCount", string(n.DayCount)}, {"interestRate", dec(n.InterestRate)},
			{"accrualDays", strconv.FormatInt(n.AccrualDays, 10)},
			{"originalBalance", amt(n.OriginalBalance)}, {"beginningBalance", amt(n.BeginningBalance)},
			{"interestDue", amt(n.InterestDue)}, {"interestPaid", amt(n.InterestPaid)},
			{"interestCarryover", amt(n.InterestCarryover)}, {"principalPaid", amt(n.PrincipalPaid)},
			{"writeDown", amt(n.WriteDown)}, {"endingBalance", amt(n.EndingBalance)}, {"factor", dec(n.Factor)},
			{"interestPer1000", dec(n.InterestPer1000)}, {"principalPer1000", dec(n.PrincipalPer1000)},
			{"endingPer1000", dec(n.EndingPer1000)}, {"residualPaid", amt(n.ResidualPaid)},
		} {
			add("D Notes", n.Class, f.field, f.value)
		}
	}
	p := s.Pool
	for _, f := range []struct{ field, value string }{
		{"beginningPoolBalance", amt(p.BeginningPoolBalance)}, {"endingPoolBalance", amt(p.EndingPoolBalance)},
		{"poolFactor", dec(p.PoolFactor)},
		{"beginningYieldSupplement", amt(p.BeginningYieldSupplement)}, {"endingYieldSupplement", amt(p.EndingYieldSupplement)},
		{"beginningAdjustedPool", amt(p.BeginningAdjustedPool)}, {"endingAdjustedPool", amt(p.EndingAdjustedPool)},
		{"notesEndingBalance", amt(p.NotesEndingBalance)}, {"overcollateralization", amt(p.Overcollateralization)},
		{"ocTarget", amt(p.OCTarget)}, {"ocPercent", dec(p.OCPercent)},
	} {
		add("E Pool", "Pool", f.field, f.value)
	}
	for _, r := range p.Reserves {
		for _, f := range []struct{ field, value string }{
			{"beginningBalance", amt(r.BeginningBalance)}, {"deposit", amt(r.Deposit)}, {"draw", amt(r.Draw)},
			{"release", amt(r.Release)}, {"endingBalance", amt(r.EndingBalance)}, {"requiredAmount", amt(r.RequiredAmount)},
		} {
			add("E Pool", "Reserve "+r.Account, f.field, f.value)
		}
	}
	f := s.Performance
	for _, d := range f.Delinquencies {
		add("F Delinquency and loss", d.Bucket, "balance", amt(d.Balance))
		add("F Delinquency and loss", d.Bucket, "percentOfPool", dec(d.PercentOfPool))
		if d.Count != nil {
			add("F Delinquency and loss", d.Bucket, "count", strconv.Itoa(*d.Count))
		}
	}
	for _, l := range []struct{ field, value string }{
		{"defaults", amt(f.Defaults)}, {"liquidationProceeds", amt(f.LiquidationProceeds)},
		{"recoveries", amt(f.Recoveries)}, {"netLoss", amt(f.NetLoss)},
		{"cumulativeNetLoss", amt(f.CumulativeNetLoss)}, {"cumulativeNetLossRatio", dec(f.CumulativeNetLossRatio)},
	} {
		add("F Delinquency and loss", "Losses", l.field, l.value)
	}
	for _, t := range s.Triggers {
		for _, l := range []struct{ field, value string }{
			{"test", string(t.Test)}, {"value", dec(t.Value)}, {"breach", t.Breach},
			{"threshold", dec(t.Threshold)}, {"undefined", strconv.FormatBool(t.Undefined)},
			{"failed", strconv.FormatBool(t.Failed)}, {"breached", strconv.FormatBool(t.Breached)},
			{"effect", string(t.Effect)},
		} {
			add("G Triggers", t.Trigger, l.field, l.value)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("statement csv: %w", err)
	}
	return nil
}
