// Package statement renders a period of a deal as the distribution date
// statement trustee certificates print: collections (A), available funds
// (B), distributions in waterfall order (C), notes with factors and
// amounts per $1,000 of original balance (D), pool, overcollateralization
// and reserve (E), delinquency and loss (F), and triggers with their values
// and thresholds (G).
//
// Build is a pure function of the deal's definition, the certified period
// and the waterfall's Result, so the statement carries exactly the numbers
// the ledger certified, and every bank's gateway renders the same bytes.
// It may import the standard library, shopspring/decimal and the pure core
// packages money, loantape and waterfall; never Fabric.
package statement
