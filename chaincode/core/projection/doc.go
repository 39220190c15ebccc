// Package projection projects an asset-backed deal's cash flows forward,
// month by month, under prepayment, default, severity and rate
// assumptions, and prices every class on the result. It pays each
// projected period with waterfall.Run, the engine the ledger certifies
// with, so a projection can never disagree with the deal's own priority of
// payments: there is no second implementation of the waterfall here.
//
//	p, err := projection.Project(deal, loans, assumptions)
//	grid, err := projection.Grid(deal, loans, base, prepays, defaults)
//
// # Collateral model
//
// Each loan, or representative line (RepLines groups a tape), amortises
// level-pay on its own rate and remaining term. In each month, in order:
//
//  1. defaults: the monthly default rate (from the CDR, or from a
//     cumulative loss curve and its timing) times the performing balance
//     stops paying and enters the delinquency pipeline;
//  2. the rest pays interest (balance × rate ÷ 12) and its scheduled
//     principal (level payment − interest; all of it in the last month);
//  3. prepayments: the single monthly mortality (SMM, from CPR, SMM or ABS
//     speed) times the balance left after scheduled principal.
//
// A defaulted balance passes through the 30-59, 60-89 and 90+ day buckets
// (reported to the waterfall as delinquencies, so delinquency triggers
// see them) and is charged off ChargeOffMonths after its first missed
// payment; severity × the charge-off is lost and the rest is recovered
// RecoveryLag months later. A loan delinquent at the start (its
// MonthsPastDue, from the tape's or report's days past due) starts in its
// bucket, not performing. With Cures, each month cures[k] of a loan's
// balance in bucket k pays up and performs again (the missed payments
// are not caught up: the loan amortises on over its remaining term) and
// the rest rolls a bucket on: a roll-rate model with roll = 1 − cure.
// Buckets are kept per loan, so a cure returns to the loan it left. Every amount is computed per loan and rounded
// half away from zero to the cent, so the pool rolls forward to the cent
// exactly as the waterfall checks: ending = beginning − scheduled −
// prepayments − charge-offs.
//
// Speeds: SMM = 1 − (1 − CPR)^(1/12); the monthly default rate is
// 1 − (1 − CDR)^(1/12); the auto-ABS speed is a percentage of the original
// number of loans prepaying each month, so a loan of age a months (after
// this month's payment) has SMM = ABS ÷ (1 − ABS × (a − 1)), capped at 1.
//
// Floating coupons take their fixing from the assumptions' forward curve
// for the index (one rate per projected month, the last held flat). With
// CleanUpCall the servicer buys the pool at par in the first period the
// pool factor falls to the deal's clean-up call factor; the deal ends.
//
// # Numbers
//
// Cash is integer cents (money.Amount), exactly as the waterfall takes it.
// Speeds and the per-loan annuity arithmetic are float64: this is
// analytics run by a gateway, never by an endorsing peer, and a float
// rate only decides how many cents a loan pays, which is then exact.
// Analytics (WAL, yield, duration) are float64, rounded for display.
//
// # Imports
//
// Only the standard library, shopspring/decimal and core packages
// (money, waterfall, distribution, loantape); nothing from Fabric.
package projection
