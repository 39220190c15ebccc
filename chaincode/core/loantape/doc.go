// Package loantape reads, checks and sums auto-loan pool data in the shape
// servicers already file with the SEC: Regulation AB II Form ABS-EE
// Exhibit 102 (EX-102) asset-level data.
//
// Two record kinds exist. A [Loan] is one row of the pool's loan tape at
// cut-off (what the Pool contract keeps in the loanTape private collection).
// A [PeriodRow] is one loan's line in a monthly servicer report. Every field
// carries the EX-102 element name three times over: as the Go field name
// (capitalised), as the JSON key and as the CSV column / XML element, so a
// servicer's file, the gateway's JSON and the ledger's records use the same
// words.
//
// # Values
//
//   - Amounts are [money.Amount]. EX-102 files carry up to eight decimals;
//     each amount is rounded half-up to the cent when it is read, and every
//     identity below is checked on the rounded values.
//   - Rates are fractions held as decimal.Decimal (0.0687, not 6.87).
//   - Period dates are [Date] (EX-102 writes MM-DD-YYYY); origination,
//     maturity and zero-balance dates are [Month] (EX-102 writes MM/YYYY).
//     Readers also accept ISO forms (YYYY-MM-DD, YYYY-MM); writers emit the
//     EX-102 forms and JSON uses ISO.
//   - Codes (vehicleNewUsedCode, zeroBalanceCode) stay strings: code lists
//     differ between issuers, and an unknown code is data, not an error.
//   - An omitted element, an empty CSV cell and the zero value are the same
//     thing: "absent". Absent optional amounts count as zero. Writers omit
//     absent optional values (XML) or leave the cell empty (CSV), so reading
//     back what was written gives equal records.
//
// # Scheduled and unscheduled principal
//
// EX-102 reports how much principal was collected
// (actualPrincipalCollectedAmount) and how much was scheduled for the
// period (scheduledPrincipalAmount), but not how the collection splits. This
// package derives the split the way deal documents define prepayments:
// principal collected up to the scheduled principal is scheduled principal;
// anything above it is a prepayment (unscheduled principal). A payoff is
// therefore its scheduled principal plus a prepayment of the rest, and a
// partial prepayment (curtailment) counts as well. A delinquent borrower
// catching up on missed instalments is counted as prepaying unless the
// servicer includes the arrears in scheduledPrincipalAmount, which is what
// the loansim simulator does. See [PeriodRow.ScheduledPrincipalCollected].
//
// # Files
//
// [CSVReader] and [XMLReader] stream records one at a time with the line
// on which each starts; neither ever holds more than one record. Bad input
// gives a [*RowError] that names the line, the loan, the field and the
// rule; file-level problems (a missing column, broken XML) are
// [RowError.Fatal]. CSV headers are EX-102 element names in any order and
// any letter case; unknown columns are ignored (real exports carry some
// seventy elements, of which this package models about twenty) and listed
// by [CSVReader.IgnoredColumns]. In XML the autoloan namespace is optional,
// unknown elements are ignored and a repeated element keeps its first value
// (issuers repeat subvented and modificationTypeCode).
//
// # Checks and sums
//
// [ReportValidator] and [TapeValidator] check records one at a time against
// the rules listed by [Rules], keep at most a fixed number of errors and
// sum the good records into [ReportAggregates] / [TapeAggregates] with O(1)
// memory besides the set of asset numbers seen (needed to refuse
// duplicates). Aggregates of disjoint chunks add up exactly to the
// aggregate of the whole ([ReportAggregates.Add]); [ReportChunks] cuts a
// stream into chunks with their own aggregates so the gateway can submit a
// 100,000-loan report in pieces and the chaincode can check the pieces
// against the declared totals ([ReportAggregates.Reconcile]).
//
// Nothing here imports Fabric, reads the clock or uses floating point: the
// chaincode runs the same code on every endorsing peer.
package loantape
