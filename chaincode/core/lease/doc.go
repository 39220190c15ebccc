// Package lease reads, checks, values and commits equipment-lease data in
// the shape lease servicers keep it: one row a lease a reporting period
// ([Row]) with the lease's terms (lessee, equipment type and condition,
// original equipment cost, booked residual value, term, scheduled payment
// and frequency, first payment month), the period's activity (payment
// made, amount past due, days past due) and how the lease ended, if it did
// (matured with the residual realised, terminated early, defaulted with a
// recovery). At cut-off a row is a line of the pool's lease tape;
// afterwards a line of the monthly servicer report.
//
// The field table ([Layout]) is data: a column's name, kind, whether it is
// required and its documentation live in one table that the CSV reader,
// the writer and the documentation read.
//
// The pool is valued the way equipment-lease ABS prospectuses value it:
// the discounted pool balance ([DiscountedBalance]) is the present value,
// at the deal's discount rate, of each lease's remaining scheduled payments
// plus its booked residual value, and the notes are sized and paid down on
// it (principal = the decline in the discounted pool balance + the
// overcollateralization top-up). At lease end the residual is realised
// ([Row.ResidualResult]): sale or purchase proceeds against the booked
// residual, a gain or a loss to the pool.
//
// Readers stream one record at a time with the line it came from; a bad
// row is a *loantape.RowError naming the line, the lease, the field and
// the rule, and reading goes on with the next row; file-level problems are
// fatal. Rule names are loantape's where the rule is the same and the
// lease rules listed by [Rules] otherwise.
//
// The ledger's aggregates stay auto-loan-shaped: [Row.TapeLoan] and
// [Row.PeriodRow] project a lease row onto the common loan view (the
// balance being the lease's discounted balance), so the pool contract and
// the waterfall read the same sums whatever the asset class. Each row's
// own canonical JSON ([Row.Canonical]) is what the Merkle tree commits to.
//
// Imports: the standard library, shopspring/decimal and the pure core
// packages money, merkle, canon and loantape. Nothing from Fabric, no
// clock, no floating point.
package lease
