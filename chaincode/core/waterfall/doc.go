// Package waterfall is the cash-flow waterfall engine of an asset-backed
// securities deal: given the deal's waterfall definition, its state after
// the last payment date and one certified servicer report, it decides where
// every cent of the period's available funds goes.
//
// # A pure state machine
//
//	res, err := waterfall.Run(def, state, period) // one payment date
//	state = res.NewState
//	results, err := waterfall.Replay(def, initial, periods) // a history
//
// Run does no I/O, reads no clock, keeps no globals and never changes its
// arguments. Lists in every type are ordered slices and the one map of the
// input (Period.IndexFixings) is read by key or in sorted key order, so the same inputs give
// the same Result and the same bytes from encoding/json on every endorsing
// peer. NewState(def) is the state at closing.
//
// # The waterfall is data
//
// A Definition holds the deal terms the engine needs (classes, fees,
// reserve accounts, triggers, OC target, clean-up call factor) and two
// ordered lists of steps: Steps, the normal priority of payments, and
// AccelerationSteps, in force after an event of default. In JSON each step
// is an object whose "kind" says what it does:
//
//	{"kind": "trigger", "triggers": ["delinquency turbo"]}
//	{"kind": "fee", "fee": "servicing"}                    // "excess": true pays what the cap held back
//	{"kind": "interest", "classes": ["A-1", "A-2"], "reserveDraw": "reserve"}
//	{"kind": "principal", "amount": "notesOverPool", "allocation": "sequential",
//	 "classes": ["A-1", "A-2"], "reserveDraw": "reserve"}
//	{"kind": "reserve", "account": "reserve", "action": "deposit"}  // or "release"
//	{"kind": "lossAllocation", "classes": ["D", "C", "B"]}
//	{"kind": "cleanUpCall", "classes": ["A-1", "A-2", "B"]}
//	{"kind": "residual", "class": "Certificates"}
//
// testdata/auto_2025_1.json is a complete US auto-loan definition to copy
// from; testdata/prorata_2025_2.json (pro rata until a trigger) and
// testdata/losses_2026_1.json (write-downs and a clean-up call) show the
// other shapes. Rates, fractions, factors and thresholds are decimal
// fractions ("0.045" is 4.5%); amounts are decimal strings with at most two
// places ("1234.50"). ParseDefinition decodes strictly (an unknown or
// misspelt field is an error, at any depth) and validates.
//
// # Validation
//
// Definition.Validate, and Run for the state and the period, refuse bad
// input with a *ValidationError that lists each problem with the JSON path
// of the field and the rule it breaks:
//
//	steps[3].classes[1]: unknown class "Z"
//	period.endingPoolBalance: pool does not roll forward: beginning ... = 9720000.00, reported 9720000.01
//
// Among the rules: one residual class, and the residual step last in each
// list; every note paid interest by exactly one interest step and every
// fee by one step of each list; trigger steps before any other step (a
// trigger decides how the period's funds flow, so it is tested before any
// cash moves); loss allocation after every principal step; acceleration
// steps that pay all notes (a "remaining" principal step over every note)
// before the residual. A period must be the state's next, start its
// accrual where the last one ended (the closing date for period 1, which
// makes the first period a stub), and roll the pool forward to the cent:
// ending = beginning − scheduled − prepayments − defaults − other
// adjustments.
//
// # Priority of payments
//
// Available funds are interest collections + scheduled principal +
// prepayments + repurchases + recoveries + liquidation proceeds + reserve
// investment earnings + servicer advances + clean-up proceeds − advance
// reimbursements (the lines a report does not give are zero). Reserve
// draws and releases join them at the step that makes them. The steps of
// the list in force then run in order, each taking what it is due from
// what is left:
//
//   - trigger: tests triggers (below). An event-of-default breach switches
//     the period to AccelerationSteps from their first step.
//   - fee: pays the carried-forward shortfall and this period's accrual,
//     up to the fee's CapPerPeriod; what stays owed is carried forward. A
//     later step with "excess" pays what the cap held back.
//   - interest: pays the listed classes' interest due, pro rata by amount
//     due when short; a named reserve is drawn for the shortfall first.
//   - principal: pays an amount (below), "sequential" (by rank, equal ranks
//     pro rata by balance) or "pro-rata" by balance (sequential while a
//     trigger with effect "sequential" is breached), never more than a
//     class owes; a named reserve is drawn for the shortfall first.
//   - reserve: "deposit" tops the account up to its target; "release"
//     moves the excess over the target into available funds.
//   - lossAllocation: writes down the listed classes, most junior first,
//     by the amount the notes exceed the pool (moves no cash).
//   - cleanUpCall: in the period the call is exercised, pays the listed
//     notes in full, sequentially, from what is left.
//   - residual: pays everything left to the residual class; a residual
//     class with a certificate balance is first repaid that balance, as
//     principal, once every note is paid off.
//   - shiftingInterest: a senior/subordinate RMBS's principal: the Senior
//     Percentage of scheduled principal and the Senior Prepayment
//     Percentage of prepayments to the seniors, the rest to the
//     subordinates; the prepayment share steps down on a schedule while
//     delinquency and loss tests pass (shifting_interest.go).
//
// Every cent of available funds ends on exactly one Payment line (fees,
// interest, principal, reserve deposits, residual) or on the named
// RoundingResidue line, which is zero because every split is exact. Run
// re-derives this from its Result, with the roll-forward of every class,
// fee and reserve, and returns an error wrapping ErrNotConserved if it
// fails; that would be a bug in the engine.
//
// # Principal amounts
//
// "notesOverPool", "regular" and "poolDecline" are sized on the notes'
// balances at the beginning of the period and the pool at its end; each
// step pays the part of its target that earlier principal steps have not
// already sized, which reproduces the US auto-ABS definitions:
//
//   - notesOverPool: max(0, listed notes − pool). Listed over A-1..A-4, then
//     A+B, A+B+C, all notes, these are the first, second, third and fourth
//     priority principal distribution amounts (the second is max(0, A+B −
//     pool) less the first, and so on). One step over all notes keeps the
//     notes at the pool in a deal without overcollateralization and
//     catches up an earlier shortfall.
//   - regular: max(0, all notes − (pool − OC target)), the regular principal
//     distribution amount: it builds overcollateralization from excess
//     spread until the OC target is reached.
//   - poolDecline: the pool's decline this period, a pass-through without
//     catch-up.
//   - turbo: all that is left while a trigger with effect "turbo" is
//     breached, nothing otherwise.
//   - remaining: all that is left, until the listed notes are paid (the
//     acceleration waterfall).
//
// # Conventions
//
// Rounding: amounts are integer cents (money.Amount). Each line is computed
// exactly and rounded half-up to the cent once: interest is balance × rate
// × days ÷ 360, a percentage fee is pool × rate ÷ 12, a target is fraction ×
// base. Pro-rata splits use largest remainder (money.Allocate) so that the
// parts add up exactly; a short payment is split over the amounts due, so
// no class is paid more than it is due.
//
// Day counts: "30/360" is the US bond basis (a 31st counts as the 30th;
// payment dates on the 15th make every month 30 days); "ACT/360" counts
// calendar days. A class uses its own DayCount or the definition's.
// Interest accrues from Period.AccrualStart to AccrualEnd on the beginning
// balance, unless the definition has paymentDates: then payment dates are
// nominal dates (the same day each month) rolled to a business day on a
// holiday calendar held as data (package calendar), a 30/360 class accrues
// from nominal date to nominal date (a stub from the closing date in
// period 1) and an ACT/360 class over the actual days between the
// adjusted dates, which are what the period's accrual dates must be; each
// period's index fixings are the rates fixed for that period's accrual; unpaid interest is carried forward and, for a class with
// InterestOnUnpaidInterest, itself accrues interest at the coupon. A
// floating coupon is the period's index fixing + margin, then floor, then
// cap, never below zero; a missing fixing is an error.
//
// Fees: a percentage fee is AnnualRate ÷ 12 × the pool balance at the
// beginning of the period, for every period including a stub (the servicing
// fee convention of US auto deals); a fixed fee is its amount per period.
//
// OC target: max(fraction × pool on its basis, floor fraction × initial
// pool), where the basis is "currentPool" (the pool at the end of the
// period) or "initialPool", and never more than the current pool (so the
// notes amortize fully at the end). The overcollateralization reported is
// pool − notes after payments.
//
// Reserve target: the same formula, never more than the notes outstanding
// at the step (so the reserve is released as the notes pay down), and zero
// in the period of a clean-up call, when every reserve is released into
// available funds at the start.
//
// Triggers: cumulative net loss = (cumulative defaults − cumulative
// recoveries and liquidation proceeds) ÷ initial pool, and delinquency = 60+ days delinquent ÷ ending
// pool, breach when above the threshold; overcollateralization = ending pool
// ÷ beginning balance of the notes (or the listed classes), and interest
// coverage = interest collections ÷ interest due on the notes (or the listed
// classes), breach when below. The comparison is exact (numerator against
// threshold × denominator); a zero denominator passes. The threshold is
// the schedule entry with the latest FromPeriod not after the period. A
// curable trigger is re-tested each period and cures when the test passes;
// a non-curable one stays breached once breached. Effects: "sequential",
// "turbo", or "eventOfDefault", which accelerates the deal from that period
// on (Period.DeclareEventOfDefault does the same for events the data cannot
// show).
//
// Losses: written-down principal is recorded per class in the principal
// deficiency ledger (ClassState.WrittenDown) and is not reinstated by later
// excess spread. After a clean-up call the pool is sold, so loss allocation
// writes off any note the proceeds could not repay.
//
// Clean-up call: allowed when ending pool ÷ initial pool ≤
// CleanUpCallFactor and exercised by the period (with the purchase price in
// CleanUpProceeds). The deal ends: the next state has a zero pool and
// CleanUpCalled, and Run refuses any later period.
//
// # Two pool measures and fee bases
//
// A definition with a yieldSupplement discounts the receivables at a
// required rate. The yield supplement overcollateralization amount (YSOC)
// is either a schedule fixed at closing (entry n is the YSOC at the end of
// period n) or recomputed by the servicer each period from its loans
// (PoolYieldSupplement: the excess of each loan's scheduled payments
// discounted at its APR over the same discounted at the required rate)
// and reported in Period.YieldSupplementAmount. The adjusted pool = pool −
// YSOC then takes the pool's place wherever notes are measured against
// collateral: notesOverPool, regular and poolDecline amounts (so a
// poolDecline step is beginning − ending adjusted pool, and a regular step
// after it adds the OC shortfall), the OC target's cap, the reported
// overcollateralization and the overcollateralization trigger. Defaults,
// losses, the pool factor and the clean-up call stay on the pool itself.
// Result.Pool.Adjusted shows both measures.
//
// Each fee has a basis: "fixed", "beginningPool" (the pool including
// YSOC, the servicing-fee convention), "beginningAdjustedPool",
// "noteBalance" (rate ÷ 12 on the notes at the beginning of the period)
// or "asIncurred" (Period.FeesIncurred). An annualCap limits what the
// fee's normal step pays per calendar year of payment dates; its excess
// step pays the rest.
//
// Targets (OC and reserve) are a fraction of the current or initial pool
// or adjusted pool, or a fixed amount; floors are a fraction of the
// initial pool on the same measure and/or a fixed floorAmount; stepDowns
// replace the fraction or amount from a period on, unless a named trigger
// is breached. The OC target is evaluated after the trigger steps.
//
// # Onboarding a deal mid-life
//
// A deal moved onto the ledger after closing starts from its latest
// trustee certificate: OpenState(def, Onboarding) builds the state after
// period N from the certificate's class balances, unpaid interest, fee
// carry-forwards, reserve balances, trigger status, pool, YSOC and
// cumulative net loss, after checking the figures against each other
// (pool − YSOC = adjusted pool, adjusted pool − notes = the OC amount,
// printed factors and ratios match the amounts to their printed places,
// the payment date is the scheduled one, the YSOC the scheduled one). The
// next Run continues as if every earlier period had run on the ledger.
//
// # Imports
//
// The package may import the standard library, shopspring/decimal and the
// pure core packages money, calendar and waterfall/daycount; never Fabric.
//
// # Limits
//
// Inputs are bounded (MaxInputAmount per amount, 64 classes, 256 steps,
// 12 decimal places per rate), far beyond any deal, so that no sum inside a
// run can overflow and no hostile input can make validation slow.
package waterfall
