// Package assetclass names the kinds of receivables a pool may hold and
// says, in one table, what differs between them for the code that reads,
// checks and sums their loan-level data: which record the loan tape
// carries and which auto-loan (loantape) rules do not fit the class.
//
// A pool records its class when it is created (Pool:Create's assetClass,
// "auto" when absent). The ledger's public aggregates are the same kind for
// every class (loantape.TapeAggregates, loantape.ReportAggregates); a
// class's own package projects its rows onto the common loan view.
//
// Imports: the standard library and core/loantape only.
package assetclass

import (
	"fmt"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Class is an asset class name, as pools and the gateway write it.
type Class string

const (
	// Auto is an auto-loan pool: EX-102 loan tapes and reports.
	Auto Class = "auto"
	// Mortgage is a residential mortgage pool: Schedule AL residential
	// rows (package mortgage), GSE loan-level files as sources.
	Mortgage Class = "mortgage"
	// Leases is an equipment-lease pool: lease rows (package lease) valued
	// at the deal's discount rate.
	Leases Class = "leases"
	// Cards is a credit-card master trust: a revolving pool with no loan
	// tape, reported at pool level each month (package cardtrust, the
	// CardTrust contract).
	Cards Class = "cards"
)

// Info is what differs for one class.
type Info struct {
	Class Class `json:"class"`
	// Tape names the record the pool's loan tape holds and its Merkle
	// leaves commit to.
	Tape string `json:"tape"`
	// Sources lists the file layouts the gateway reads for the class.
	Sources []string `json:"sources"`
	// SkipLoantapeRules are loantape rules that do not fit the class (the
	// class's own package checks its own version): e.g. auto-loan term
	// ranges for 30-year mortgages.
	SkipLoantapeRules []string `json:"skipLoantapeRules,omitempty"`
	// PoolLevel says the class has no loan tape: its servicer reports
	// pool-level figures each month (credit cards).
	PoolLevel bool   `json:"poolLevel,omitempty"`
	Doc       string `json:"doc"`
}

var table = []Info{
	{Class: Auto, Tape: "loantape.Loan (EX-102)", Sources: []string{"EX-102 XML", "EX-102 CSV"},
		Doc: "auto loans: EX-102 asset-level data, sequential/pro-rata deals with OC and turbo"},
	{Class: Mortgage, Tape: "mortgage.ALRow (Schedule AL residential)",
		Sources:           []string{"Schedule AL CSV", "GSE origination (pipe)", "GSE monthly performance (pipe)"},
		SkipLoantapeRules: []string{loantape.RuleRange},
		Doc:               "residential mortgages: LTV/CLTV/DTI/occupancy, curtailments, liquidation losses, shifting-interest senior/subordinate deals"},
	{Class: Leases, Tape: "lease.Row (equipment lease, discounted balance)", Sources: []string{"lease CSV"},
		SkipLoantapeRules: []string{loantape.RuleBalanceOverOrig},
		Doc:               "equipment leases: booked residuals, payment frequencies, the discounted pool balance at the deal's discount rate, residual gains and losses at lease end, sequential deals"},
	{Class: Cards, Tape: "none: pool-level monthly reports (cardtrust.Report, CardTrust contract)", Sources: []string{"card trust monthly report CSV"},
		PoolLevel: true,
		Doc:       "credit-card master trusts: revolving receivables, series sharing collections by investor percentages, controlled accumulation, early amortization on excess spread"},
}

// All lists every class, in a fixed order.
func All() []Info { return slices.Clone(table) }

// Parse reads a class name; "" is Auto.
func Parse(s string) (Class, error) {
	if s == "" {
		return Auto, nil
	}
	for _, i := range table {
		if string(i.Class) == s {
			return i.Class, nil
		}
	}
	names := make([]string, len(table))
	for k, i := range table {
		names[k] = string(i.Class)
	}
	return "", fmt.Errorf("unknown asset class %q (known: %v)", s, names)
}

// Of returns the class's Info; an unknown or empty class is Auto's.
func Of(c Class) Info {
	for _, i := range table {
		if i.Class == c {
			return i
		}
	}
	return table[0]
}

// ReportRules returns loantape report rules for the class: base with the
// class's skipped rules added.
func ReportRules(c Class, base loantape.ReportRules) loantape.ReportRules {
	base.Skip = append(slices.Clone(base.Skip), Of(c).SkipLoantapeRules...)
	return base
}
