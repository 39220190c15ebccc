// Package cardtrust is the pure core of a credit-card master trust: a
// revolving pool of card receivables that several series of notes share.
//
// Card trusts report at pool level, not loan by loan (Reg AB II asks no
// asset-level data for cards): each month the servicer reports the
// beginning and ending principal receivables, finance-charge and principal
// collections, defaulted receivables (charge-offs), recoveries, new
// receivables bought from the accounts, the portfolio yield and the
// monthly payment rate ([Report]). [NewCSVReader] streams such reports
// from CSV, one row a month, with row and field errors that carry stable
// rule names ([Rules]); the field table ([Layout]) is data.
//
// [CheckReport] is what the servicer's own controls check: the receivables
// roll forward to the cent (ending = beginning − principal collections −
// defaulted + new receivables), no amount is negative, and the portfolio
// yield and the payment rate recompute from the figures. [Trust.Check]
// adds what follows from the trust's state: the next period and month,
// beginning receivables equal to last month's ending.
//
// [Run] allocates one month among the series and the seller:
//
//   - finance charges, recoveries and defaults by the floating investor
//     percentage: the series' adjusted invested amount (invested amount −
//     principal funding account) over the pool's principal receivables at
//     the start of the month;
//   - principal by the floating percentage in the revolving period, where
//     the series' share is reinvested in new receivables (paid to the
//     seller), and by the fixed investor percentage — set from the
//     figures at the start of the first month after the revolving period —
//     in the controlled accumulation period (the controlled accumulation
//     amount, plus any earlier shortfall, goes to the principal funding
//     account and is paid to noteholders on the expected final payment
//     date) and in amortization (all of it to noteholders);
//   - the seller's interest takes what no series takes, so every cent of
//     the month's collections goes somewhere.
//
// Pay-out events start early amortization from the next month: a series'
// three-month average excess spread (portfolio yield − net loss rate −
// the series' coupon − its servicing fee rate) below zero amortizes that
// series; the seller's interest below its required minimum amortizes every
// series.
//
// Each series' share feeds its own deal waterfall in package waterfall
// through the report aggregates a deal is certified from
// ([MonthResult.SeriesAggregates], one row: the series' collateral): the
// series' invested amount is the deal's pool, investor finance charges
// its interest collections, principal paid to noteholders its scheduled
// principal. In the revolving and accumulation periods the series' share
// of defaults is replaced by new receivables out of the principal
// collections it shares with the seller (an other adjustment), so its
// collateral stays whole and the excess finance charges go to the seller
// through the residual; in amortization defaults reduce the collateral and
// the waterfall's principal step covers them from finance charges.
//
// [Allocate] hashes a month's inputs and result as the chaincode
// certifies them; [Replay] is another bank's check of a certified month.
//
// Imports: the standard library, shopspring/decimal and the pure core
// packages money, canon, errs and loantape (row errors, shared rule names,
// report aggregates). Nothing from Fabric, no clock, no floating point.
package cardtrust
