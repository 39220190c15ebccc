package indenture

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Rows are period n's loan rows (n from 1 to Periods), in tape order:
// every loan with a balance at the start of the period reports.
func (d *Deal) Rows(n int) ([]loantape.PeriodRow, error) {
	if n < 1 || n > Periods {
		return nil, fmt.Errorf("indenture: rows are written for periods 1 to %d, not %d", Periods, n)
	}
	ls, err := d.loans()
	if err != nil {
		return nil, err
	}
	balance := map[string]money.Amount{}
	for _, l := range ls {
		balance[l.id] = l.balance
	}
	var rows []loantape.PeriodRow
	for p := 1; p <= n; p++ {
		rows = d.period(p, ls, balance)
	}
	return rows, nil
}

// period writes period p's rows from the balances at its start and moves
// the balances to its end.
func (d *Deal) period(p int, ls []loan, balance map[string]money.Amount) []loantape.PeriodRow {
	fig := d.Periods[p-1]
	lp := loantape.MonthlyPeriod(p, Cutoff.AddMonths(p))
	interest := split(fig.InterestCollections, collectors)
	scheduled := split(fig.ScheduledPrincipal, collectors)
	prepaid := split(fig.Prepayments+fig.Repurchases, collectors) // the report counts repurchases as prepayments
	chargedOff, late := co1, late1
	if p == 2 {
		chargedOff, late = co2, late2
	}
	var rows []loantape.PeriodRow
	for i, l := range ls {
		begin := balance[l.id]
		if begin == 0 {
			continue // paid off or charged off earlier: nothing to report
		}
		r := loantape.PeriodRow{AssetNumber: l.id, ReportingPeriodBeginningDate: lp.Beginning, ReportingPeriodEndingDate: lp.Ending,
			ReportingPeriodBeginningLoanBalanceAmount: begin, ReportingPeriodInterestRatePercentage: tapeRate,
			RemainingTermToMaturityNumber: 66 - p}
		switch {
		case i < collectors:
			principal := scheduled[i] + prepaid[i]
			r.ScheduledInterestAmount, r.ScheduledPrincipalAmount = interest[i], scheduled[i]
			r.ReportingPeriodScheduledPaymentAmount = interest[i] + scheduled[i]
			r.NextReportingPeriodPaymentAmountDue = r.ReportingPeriodScheduledPaymentAmount
			r.ActualInterestCollectedAmount, r.ActualPrincipalCollectedAmount = interest[i], principal
			r.TotalActualAmountPaid = interest[i] + principal
			r.ReportingPeriodActualEndBalanceAmount = begin - principal
		case l.id == chargedOff:
			r.ChargedoffPrincipalAmount = begin
			r.RepossessedProceedsAmount, r.RecoveredAmount = fig.LiquidationProceeds, fig.Recoveries
			r.ZeroBalanceCode, r.ZeroBalanceEffectiveDate = loantape.ZeroBalanceChargedOff, lp.Ending.YearMonth()
			r.CurrentDelinquencyStatus = 120
		default:
			// Late loans pay nothing; the others paid nothing this month
			// either but are current (due dates later in the month).
			r.ReportingPeriodActualEndBalanceAmount = begin
			for k, id := range late {
				if id == l.id {
					r.CurrentDelinquencyStatus = days[k]
				}
			}
			if p == 1 && l.id == co2 {
				r.CurrentDelinquencyStatus = days[0] // the period 2 charge-off is late first
			}
		}
		balance[l.id] = r.ReportingPeriodActualEndBalanceAmount
		rows = append(rows, r)
	}
	return rows
}

// ReportQuery are the report upload's options for period n: the
// certificate lines the golden period declares beside the loan rows.
func (d *Deal) ReportQuery(n int) url.Values {
	fig := d.Periods[n-1]
	q := url.Values{}
	q.Set("loanCount", fmt.Sprint(d.rowCount(n)))
	q.Set("liquidationProceedsApart", "true")
	for _, a := range []struct {
		name string
		v    money.Amount
	}{
		{"reserveInvestmentEarnings", fig.ReserveInvestmentEarnings}, {"repurchases", fig.Repurchases},
		{"advanceReimbursements", fig.AdvanceReimbursements}, {"servicerAdvances", fig.ServicerAdvances},
	} {
		if a.v != 0 {
			q.Set(a.name, a.v.String())
		}
	}
	var fees []string
	for _, f := range fig.FeesIncurred {
		fees = append(fees, f.Fee+"="+f.Amount.String())
	}
	if len(fees) > 0 {
		q.Set("feesIncurred", strings.Join(fees, ";"))
	}
	return q
}

func (d *Deal) rowCount(n int) int {
	rows, err := d.Rows(n)
	if err != nil {
		return 0
	}
	return len(rows)
}

// AvailableFunds is period n's available funds: every cash line
// (collections, liquidation proceeds, recoveries, reserve earnings,
// advances) less the advance reimbursements.
func (d *Deal) AvailableFunds(n int) money.Amount {
	return d.Remittance(n) - d.Periods[n-1].AdvanceReimbursements
}

// Remittance is what the servicer remits into the collection account for
// period n: every cash line gross of the advance reimbursement, which
// certification pays back into the deal's advances account for the
// servicer to claim.
func (d *Deal) Remittance(n int) money.Amount {
	f := d.Periods[n-1]
	return f.InterestCollections + f.ScheduledPrincipal + f.Prepayments + f.Repurchases + f.LiquidationProceeds + f.Recoveries +
		f.ReserveInvestmentEarnings + f.ServicerAdvances
}
