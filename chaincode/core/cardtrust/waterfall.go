package cardtrust

import (
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Period is the series' month as its deal waterfall reads it (package
// waterfall): the series' collateral is the deal's pool, so the deal's
// definition has initialPoolBalance = the series' invested amount.
//
//   - interest collections: the investor finance charges; recoveries as
//     recoveries (both are cash in available funds);
//   - scheduled principal: principal paid to noteholders this month (the
//     funding account on the expected final payment date, principal
//     collections in amortization). Principal deposited in the funding
//     account is not paid yet and stays in the collateral;
//   - defaults: the investor default amount; while the series revolves
//     or accumulates, the reinstatement out of shared principal
//     collections is an other adjustment of the opposite sign, so the
//     pool rolls forward to the series' invested amount.
//
// number and the accrual dates are the deal's payment period.
func (a *SeriesAllocation) Period(number int, accrualStart, accrualEnd daycount.Date) waterfall.Period {
	return waterfall.Period{
		Period:              number,
		AccrualStart:        accrualStart,
		AccrualEnd:          accrualEnd,
		InterestCollections: a.FinanceCharges,
		Recoveries:          a.Recoveries,
		ScheduledPrincipal:  a.PrincipalPaid,
		Defaults:            a.Defaults,
		OtherAdjustments:    -a.DefaultsReinstated,
		EndingPoolBalance:   a.EndingInvestedAmount,
	}
}
