package cardtrust

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// SeriesAggregates is series i's month as its deal's servicer report
// declares it (the aggregates a deal's period is certified from, package
// distribution): the series' collateral is the deal's pool — the deal's
// definition has initialPoolBalance = the series' invested amount — and
// the collateral is one row, active until paid out.
//
//   - interest collected: the investor finance charges; recoveries as
//     recoveries (both are cash in available funds);
//   - scheduled principal: principal paid to noteholders this month (the
//     funding account on the expected final payment date, principal
//     collections in amortization). Principal deposited in the funding
//     account is not paid yet and stays in the collateral;
//   - charged-off principal: the investor default amount; while the series
//     revolves or accumulates, its reinstatement out of shared principal
//     collections is an other principal adjustment of the opposite sign,
//     so the pool rolls forward to the series' invested amount and the
//     deal's principal step pays nothing; in amortization the default
//     stays off the collateral and the principal step covers it from
//     finance charges.
//
// The collection period is number (the deal's period) over the report's
// calendar month.
func (res *MonthResult) SeriesAggregates(i, number int) loantape.ReportAggregates {
	a := &res.Series[i]
	m := loantape.Month{Year: res.Month.Year, Month: time.Month(res.Month.Month)}
	agg := loantape.ReportAggregates{
		Period:                    loantape.MonthlyPeriod(number, m),
		LoanCount:                 1,
		BeginningBalance:          a.BeginningInvestedAmount,
		TotalCollected:            a.FinanceCharges + a.PrincipalPaid,
		InterestCollected:         a.FinanceCharges,
		ScheduledPrincipal:        a.PrincipalPaid,
		ChargedOffPrincipal:       a.Defaults,
		Recoveries:                a.Recoveries,
		OtherPrincipalAdjustments: -a.DefaultsReinstated,
		EndingBalance:             a.EndingInvestedAmount,
	}
	if a.EndingInvestedAmount > 0 {
		agg.ActiveCount = 1
	} else {
		agg.PaidOffCount = 1
	}
	return agg
}

// SeriesIndex is the index of the named series in the month's result, or
// -1.
func (res *MonthResult) SeriesIndex(name string) int {
	for i := range res.Series {
		if res.Series[i].Series == name {
			return i
		}
	}
	return -1
}
