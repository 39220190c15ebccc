// Package indenture puts the hand-worked indenture deal of the waterfall
// golden tests (chaincode/core/waterfall/testdata/golden/indenture_2026_a:
// AUTO RECEIVABLES TRUST 2026-A, an adjusted pool with a YSOC schedule, a
// stub first period with 30/360 and ACT/360 classes on business-day
// adjusted dates, a fixed-dollar OC target, a reserve earning interest, an
// as-incurred trustee fee under an annual cap) on the real network: it
// reads the golden definition, periods and hand-worked figures, and writes
// a small loan tape and each period's loan rows whose sums are exactly the
// periods' figures, so that a deal certified from the rows through the
// gateways can be checked against the golden figures to the cent.
//
// The pool has a dozen loans: five large amortising ones that carry the
// collections, and loans that go delinquent or are charged off when the
// golden periods say (each sized to the delinquency and loss figures).
// Only the periods whose special loans it knows are written (1 and 2).
//
// As a test-network tool it may import the pure core; nothing from Fabric,
// the contracts or the gateway app.
package indenture

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// GoldenDir is the golden folder, relative to the repository root.
const GoldenDir = "chaincode/core/waterfall/testdata/golden/indenture_2026_a"

// Cutoff is the pool's cut-off date: collection period 1 is January 2026,
// paid on the first payment date in February.
var Cutoff = loantape.Month{Year: 2025, Month: time.December}

// Periods is how many periods the package writes rows for.
const Periods = 2

// Deal is the golden deal: its definition as written, the periods'
// figures and the hand-worked expected figures.
type Deal struct {
	// Definition is definition.json as written (the waterfall's JSON).
	Definition json.RawMessage
	Def        waterfall.Definition
	Periods    []waterfall.Period
	// Expected are expected.csv's rows: period, figure, value.
	Expected []Figure
}

// Figure is one hand-worked figure of expected.csv.
type Figure struct {
	Period int
	Name   string
	Value  string
}

// Load reads the golden folder under the repository root.
func Load(repoRoot string) (*Deal, error) {
	dir := filepath.Join(repoRoot, GoldenDir)
	var d Deal
	var err error
	if d.Definition, err = os.ReadFile(filepath.Join(dir, "definition.json")); err != nil {
		return nil, err
	}
	if d.Def, err = waterfall.ParseDefinition(d.Definition); err != nil {
		return nil, fmt.Errorf("indenture definition: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "periods.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &d.Periods); err != nil {
		return nil, fmt.Errorf("indenture periods: %w", err)
	}
	if len(d.Periods) < Periods {
		return nil, fmt.Errorf("indenture periods: want at least %d, got %d", Periods, len(d.Periods))
	}
	f, err := os.Open(filepath.Join(dir, "expected.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment, r.FieldsPerRecord = '#', -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("indenture expected figures: %w", err)
	}
	for _, rec := range recs[1:] { // after the header
		p, err := strconv.Atoi(rec[0])
		if err != nil || len(rec) < 3 {
			return nil, fmt.Errorf("indenture expected figures: row %q", rec)
		}
		d.Expected = append(d.Expected, Figure{Period: p, Name: rec[1], Value: rec[2]})
	}
	return &d, nil
}

// loan is one loan of the tape: its cut-off balance and its role.
type loan struct {
	id      string
	balance money.Amount
}

// tapeRate is every loan's APR.
var tapeRate = decimal.RequireFromString("0.0690")

// collectors are the five loans that carry the collections.
const collectors = 5

// Special loans: charged off in period 1 (co1) and 2 (co2, 31–60 days
// late in period 1); late in period 1 only (late1x: 31–60, 61–90, 91+
// days) or period 2 only (late2x).
const (
	co1 = "IND-CO-1"
	co2 = "IND-CO-2"
)

var (
	late1 = [3]string{"IND-L1-30", "IND-L1-60", "IND-L1-90"}
	late2 = [3]string{"IND-L2-30", "IND-L2-60", "IND-L2-90"}
	days  = [3]int{45, 75, 100} // days past due in each bucket
)

// loans are the tape's loans with their cut-off balances: the special
// loans sized from the periods' figures, the collectors sharing the rest.
func (d *Deal) loans() ([]loan, error) {
	p1, p2 := d.Periods[0], d.Periods[1]
	special := []loan{
		{co1, p1.Defaults}, {co2, p2.Defaults},
		{late1[0], p1.Delinquencies.Days30to59 - p2.Defaults}, {late1[1], p1.Delinquencies.Days60to89}, {late1[2], p1.Delinquencies.Days90Plus},
		{late2[0], p2.Delinquencies.Days30to59}, {late2[1], p2.Delinquencies.Days60to89}, {late2[2], p2.Delinquencies.Days90Plus},
	}
	rest := d.Def.InitialPoolBalance
	for _, l := range special {
		if l.balance <= 0 {
			return nil, fmt.Errorf("indenture: loan %s would have a balance of %s", l.id, l.balance)
		}
		rest -= l.balance
	}
	shares := split(rest, collectors)
	var out []loan
	for i, s := range shares {
		out = append(out, loan{fmt.Sprintf("IND-%03d", i+1), s})
	}
	return append(out, special...), nil
}

// split divides total into n parts that differ by at most a cent and add
// up to it exactly, the odd cents on the first parts.
func split(total money.Amount, n int) []money.Amount {
	parts := make([]money.Amount, n)
	for i := range parts {
		parts[i] = total / money.Amount(n)
		if money.Amount(i) < total%money.Amount(n) {
			parts[i]++
		}
	}
	return parts
}

// Tape is the pool's loan tape at the cut-off.
func (d *Deal) Tape() ([]loantape.Loan, error) {
	ls, err := d.loans()
	if err != nil {
		return nil, err
	}
	rate := tapeRate
	out := make([]loantape.Loan, len(ls))
	for i, l := range ls {
		orig := Cutoff.AddMonths(-6)
		out[i] = loantape.Loan{
			AssetNumber: l.id, OriginatorName: "Org2 Auto Finance", OriginationDate: orig,
			OriginalLoanAmount: l.balance + l.balance/10, OriginalLoanTerm: 72, LoanMaturityDate: orig.AddMonths(72),
			OriginalInterestRatePercentage: rate, ObligorGeographicLocation: "NY", ObligorCreditScore: 720,
			VehicleManufacturerName: "Fleet", VehicleModelName: "Fleet", VehicleNewUsedCode: "1", VehicleModelYear: 2025,
			VehicleValueAmount: l.balance + l.balance/5, ReportingPeriodEndingDate: Cutoff.LastDay(),
			ReportingPeriodActualEndBalanceAmount: l.balance, ReportingPeriodInterestRatePercentage: rate,
			RemainingTermToMaturityNumber: 66,
		}
	}
	return out, nil
}
