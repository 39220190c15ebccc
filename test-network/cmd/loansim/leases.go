package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// runLeases writes a simulated equipment-lease pool (-asset-class
// leases): the cut-off tape and the monthly reports as lease CSV, valued
// at loansim.LeaseDiscountRate, the files a lease pool's gateway uploads.
//
//	loansim -asset-class leases -loans 2000 -months 12 -out ./leases
func runLeases(stdout io.Writer, seed uint64, leases, months int, cut loantape.Month, out string) error {
	sim, err := loansim.NewLeases(loansim.PoolSpec{Seed: seed, Loans: leases, Cutoff: cut}, loansim.LeaseDiscountRate)
	if err != nil {
		return err
	}
	write := func(name string, rows []lease.Row) error {
		err := writeFile(name, "csv", func(w io.Writer) error {
			lw := lease.NewWriter(w)
			for _, r := range rows {
				if err := lw.Write(r); err != nil {
					return err
				}
			}
			return lw.Flush()
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
