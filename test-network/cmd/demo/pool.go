package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// poolFiles are the servicer's files for the whole deal, simulated up
// front by loansim: the cut-off loan tape as EX-102 XML and one CSV
// servicer report per month, with the totals the demo declares as
// control totals and remits as collections.
type poolFiles struct {
	tape        []byte
	tapeBalance money.Amount
	tapeLoans   int
	sampleLoan  string // an asset number to prove against the pool's root
	reports     []monthlyReport
	// final is the month after the year, reported only after a
	// liquidation sale (-liquidation): the deal's last period.
	final monthlyReport
}

// monthlyReport is one period's servicer report.
type monthlyReport struct {
	period loantape.Period
	csv    []byte
	agg    loantape.ReportAggregates
}

// collections is what the servicer remits for the period: everything the
// waterfall counts as available funds from collections (interest,
// scheduled and unscheduled principal, recoveries and repossession
// proceeds), plus the clean-up call's purchase price when exercised.
func (r monthlyReport) collections(cleanUpProceeds money.Amount) money.Amount {
	a := r.agg
	return a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds + cleanUpProceeds
}

// delinquent60 is the balance more than 60 days past due, what the
// delinquency trigger tests.
func (r monthlyReport) delinquent60() money.Amount {
	d := r.agg.Delinquency
	return d.Days61To90.Balance + d.Days91To120.Balance + d.Over120.Balance
}

// assumptions are loansim's prime auto defaults with one stress month.
func assumptions() loansim.Assumptions {
	a := loansim.DefaultAssumptions()
	a.Shocks = []loansim.Shock{{Period: stressPeriod, DelinquencyMultiplier: decimal.NewFromInt(12),
		PrepaymentMultiplier: decimal.NewFromInt(1), ChargeOffRate: decimal.RequireFromString("0.01")}}
	return a
}

// simulatePool generates the tape and n monthly reports.
func simulatePool(n int) (poolFiles, error) {
	sim, err := loansim.New(loansim.PoolSpec{Seed: poolSeed, Loans: poolLoans, Cutoff: cutoffMonth}, assumptions())
	if err != nil {
		return poolFiles{}, err
	}
	var out poolFiles
	var tape bytes.Buffer
	xw := loantape.NewXMLWriter[loantape.Loan](&tape)
	for l := range sim.Tape() {
		if err := xw.Write(l); err != nil {
			return poolFiles{}, err
		}
		out.tapeBalance += l.ReportingPeriodActualEndBalanceAmount
		out.tapeLoans++
		if out.tapeLoans == poolLoans/2 {
			out.sampleLoan = l.AssetNumber
		}
	}
	if err := xw.Close(); err != nil {
		return poolFiles{}, err
	}
	out.tape = tape.Bytes()
	for range n {
		r, err := nextReport(sim)
		if err != nil {
			return poolFiles{}, err
		}
		out.reports = append(out.reports, r)
	}
	return out, nil
}

// save writes the files under dir, so a person can look at what was
// uploaded or upload them again with curl; it returns the directory.
func (f poolFiles) save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "tape.xml"), f.tape, 0o644); err != nil {
		return err
	}
	for _, r := range f.reports {
		name := filepath.Join(dir, fmt.Sprintf("report-%02d.csv", r.period.Number))
		if err := os.WriteFile(name, r.csv, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// nextReport is the simulator's next monthly report.
func nextReport(sim *loansim.Simulator) (monthlyReport, error) {
	var csv bytes.Buffer
	cw := loantape.NewCSVWriter[loantape.PeriodRow](&csv)
	var rows []loantape.PeriodRow
	p, err := sim.Advance(func(r loantape.PeriodRow) error {
		rows = append(rows, r)
		return cw.Write(r)
	})
	if err != nil {
		return monthlyReport{}, err
	}
	if err := cw.Flush(); err != nil {
		return monthlyReport{}, err
	}
	agg := loantape.NewReportAggregator(p)
	for _, r := range rows {
		if err := agg.Add(r); err != nil {
			return monthlyReport{}, fmt.Errorf("period %d: %w", p.Number, err)
		}
	}
	return monthlyReport{period: p, csv: csv.Bytes(), agg: agg.Aggregates()}, nil
}
