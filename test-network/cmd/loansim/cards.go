package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// runCards writes a simulated credit-card master trust (-asset-class
// cards): the trust's terms as JSON (-trust, or a two-series trust of its
// own) and its monthly pool-level reports as one CSV, the file a card
// trust's servicer uploads.
//
//	loansim -asset-class cards -months 12 -stress-period 8 -out ./cards
func runCards(stdout io.Writer, seed uint64, months, stress int, trustFile, out string) error {
	t := defaultCardTrust()
	if trustFile != "" {
		b, err := os.ReadFile(trustFile)
		if err != nil {
			return err
		}
		if t, err = cardtrust.ParseTrust(b); err != nil {
			return fmt.Errorf("-trust %s: %w", trustFile, err)
		}
	}
	spec := loansim.DefaultCardSpec(seed, t)
	spec.StressPeriod = stress
	sim, err := loansim.NewCardTrust(spec)
	if err != nil {
		return err
	}
	reps := make([]cardtrust.Report, 0, months)
	for m := 1; m <= months; m++ {
		r, res, err := sim.Next()
		if err != nil {
			return err
		}
		reps = append(reps, r)
		if len(res.PayOutEvents) > 0 {
			fmt.Fprintf(stdout, "period %d: pay-out events %v\n", r.Period, res.PayOutEvents)
		}
	}
	trustPath := filepath.Join(out, "trust.json")
	if err := writeFile(trustPath, "json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, trustPath)
	reportsPath := filepath.Join(out, "reports.csv")
	if err := writeFile(reportsPath, "csv", func(w io.Writer) error { return cardtrust.WriteCSV(w, reps) }); err != nil {
		return err
	}
	fmt.Fprintln(stdout, reportsPath)
	return nil
}

// defaultCardTrust is a trust of 1,000,000,000.00 receivables with two
// series: 2026-1 accumulating from period 13, 2026-2 from period 25.
func defaultCardTrust() cardtrust.Trust {
	t, err := cardtrust.ParseTrust([]byte(`{"id": "CARDS-MT", "name": "Simulated Credit Card Master Trust", "firstMonth": "2026-01",
  "initialReceivables": "1000000000.00", "minSellerInterest": "0.07",
  "series": [
    {"name": "2026-1", "investedAmount": "400000000.00", "coupon": "0.05", "servicingFeeRate": "0.02",
     "accumulationStart": 13, "controlledAccumulationAmount": "100000000.00", "expectedFinalPeriod": 16},
    {"name": "2026-2", "investedAmount": "200000000.00", "coupon": "0.06", "servicingFeeRate": "0.02",
     "accumulationStart": 25, "controlledAccumulationAmount": "50000000.00", "expectedFinalPeriod": 28}]}`))
	if err != nil {
		panic("loansim: the default card trust is valid: " + err.Error())
	}
	return t
}
