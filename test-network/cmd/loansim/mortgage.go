package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// runMortgage writes a simulated residential mortgage pool
// (-asset-class mortgage): the cut-off tape and the monthly reports as
// Schedule AL residential CSV, the files a mortgage pool's gateway
// uploads.
//
//	loansim -asset-class mortgage -loans 2000 -months 12 -out ./rmbs
func runMortgage(stdout io.Writer, seed uint64, loans, months int, cut loantape.Month, out string) error {
	sim, err := loansim.NewMortgage(loansim.PoolSpec{Seed: seed, Loans: loans, Cutoff: cut})
	if err != nil {
		return err
	}
	write := func(name string, rows []mortgage.ALRow) error {
		err := writeFile(name, "csv", func(w io.Writer) error {
			aw := mortgage.NewALWriter(w)
			for _, r := range rows {
				if err := aw.Write(r); err != nil {
					return err
				}
			}
			return aw.Flush()
		})
		if err == nil {
			fmt.Fprintln(stdout, name)
		}
		return err
	}
	if err := write(filepath.Join(out, "tape.csv"), sim.Tape()); err != nil {
		return err
	}
	for m := 1; m <= months; m++ {
		_, rows := sim.Advance()
		if err := write(filepath.Join(out, fmt.Sprintf("report-%03d.csv", m)), rows); err != nil {
			return err
		}
	}
	return nil
}
