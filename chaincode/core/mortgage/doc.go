// Package mortgage reads, checks and commits residential mortgage loan-level
// data in the shapes mortgage servicers already produce:
//
//   - the GSE single-family loan-level layouts as Freddie Mac and Fannie Mae
//     publish them: an origination file (one row a loan: credit score, LTV,
//     CLTV, DTI, UPB, rate, occupancy, property state, loan sequence
//     number...) and a monthly performance file (one row a loan a month:
//     current UPB, delinquency status, zero-balance code, net sale
//     proceeds, loss components). Both are pipe-delimited, positional and
//     without a header ([Origination], [Performance], [PipeReader]);
//   - the SEC Regulation AB II Schedule AL residential-mortgage asset data
//     as CSV with a header row, one row a loan a reporting period
//     ([ALRow], [CSVReader]). This is the record the ledger keeps for a
//     mortgage pool: at cut-off it is the loan tape, afterwards the monthly
//     servicer report.
//
// Field tables are data ([OriginationLayout], [PerformanceLayout],
// [ALLayout]): a column's position or name, its kind and whether it is
// required live in one table that the readers, the canonical encoding and
// the documentation all read, so a new release of a layout is a table edit.
//
// Readers stream one record at a time with the line it came from; a bad
// row is a *loantape.RowError naming the line, the loan, the field and the
// rule, and reading goes on with the next row; file-level problems are
// fatal. The rule names are loantape's where the rule is the same (read,
// header, missing-column, field-count, required, number, date,
// balance-rollforward, code-with-balance…) plus the mortgage rules listed
// by [Rules].
//
// The validators check what a mortgage servicer's own controls check: UPB
// roll-forward with curtailments, delinquency status progression month to
// month, zero-balance codes against balances, and the loss identity
// (loss = UPB removed + expenses − net sale proceeds − recoveries).
//
// The ledger's aggregates stay auto-loan-shaped ([loantape.TapeAggregates],
// [loantape.ReportAggregates]): [ALRow.TapeLoan] and [ALRow.PeriodRow]
// project a mortgage row onto the common loan view, so the pool contract
// and the waterfall read the same sums whatever the asset class. Each
// record's own canonical JSON ([ALRow.Canonical]) is what the Merkle tree
// commits to, so a disclosed mortgage row proves against the pool's root
// with every mortgage field.
//
// Imports: the standard library, shopspring/decimal and the pure core
// packages money, merkle, canon and loantape. Nothing from Fabric, no
// clock, no floating point.
package mortgage
