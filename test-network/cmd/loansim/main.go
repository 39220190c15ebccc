// Command loansim writes a simulated auto-loan pool as files: the cut-off
// tape and one servicer report per month, as EX-102 XML or CSV, ready for
// the gateway's upload endpoints and for demos.
//
//	loansim -loans 1000 -months 12 -format xml -out ./pool
//	loansim -loans 1000 -months 6 -stress-period 4 -stress-delinquency 6 -stress-chargeoff 0.03 -out ./stressed
//
// The same flags always give the same files.
//
// It imports loansim, the pure core (loantape) and decimal only.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loansim:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loansim", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "pool seed")
	loans := fs.Int("loans", 1000, "number of loans")
	cutoff := fs.String("cutoff", "2025-12", "cut-off month (YYYY-MM)")
	months := fs.Int("months", 12, "monthly reports to write")
	format := fs.String("format", "csv", "file format: csv or xml")
	out := fs.String("out", ".", "output directory")
	abs := fs.String("abs", "0.013", "prepayment speed, ABS convention")
	stressPeriod := fs.Int("stress-period", 0, "period of a stress month (0: none)")
	stressDelinq := fs.String("stress-delinquency", "0", "delinquency multiplier in the stress month")
	stressCO := fs.String("stress-chargeoff", "0", "share of active loans charged off in the stress month")
	class := fs.String("asset-class", "auto", "auto (EX-102 auto loans), mortgage (Schedule AL residential CSV), leases (equipment-lease CSV) or cards (a card master trust's pool-level monthly reports)")
	trust := fs.String("trust", "", "with -asset-class cards: the trust's terms (cardtrust.Trust JSON); a two-series trust when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cut, err := loantape.ParseMonth(*cutoff)
	if err != nil {
		return err
	}
	if *class == "mortgage" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		return runMortgage(stdout, *seed, *loans, *months, cut, *out)
	} else if *class == "leases" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		return runLeases(stdout, *seed, *loans, *months, cut, *out)
	} else if *class == "cards" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		return runCards(stdout, *seed, *months, *stressPeriod, *trust, *out)
	} else if *class != "auto" {
		return fmt.Errorf("-asset-class %q: want auto, mortgage, leases or cards", *class)
	}
	a := loansim.DefaultAssumptions()
	if a.Prepayment.Speed, err = decimal.NewFromString(*abs); err != nil {
		return fmt.Errorf("-abs: %v", err)
	}
	if *stressPeriod > 0 {
		sh := loansim.Shock{Period: *stressPeriod}
		if sh.DelinquencyMultiplier, err = decimal.NewFromString(*stressDelinq); err != nil {
			return fmt.Errorf("-stress-delinquency: %v", err)
		}
		if sh.ChargeOffRate, err = decimal.NewFromString(*stressCO); err != nil {
			return fmt.Errorf("-stress-chargeoff: %v", err)
		}
		a.Shocks = []loansim.Shock{sh}
	}
	if *format != "csv" && *format != "xml" {
		return fmt.Errorf("-format %q: want csv or xml", *format)
	}
	sim, err := loansim.New(loansim.PoolSpec{Seed: *seed, Loans: *loans, Cutoff: cut}, a)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	name := filepath.Join(*out, "tape."+*format)
	err = writeFile(name, *format, func(w io.Writer) error {
		return writeRecords(w, *format, func(emit func(loantape.Loan) error) error {
			for l := range sim.Tape() {
				if err := emit(l); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, name)
	for m := 1; m <= *months; m++ {
		name := filepath.Join(*out, fmt.Sprintf("report-%03d.%s", m, *format))
		err := writeFile(name, *format, func(w io.Writer) error {
			return writeRecords(w, *format, func(emit func(loantape.PeriodRow) error) error {
				_, err := sim.Advance(emit)
				return err
			})
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, name)
	}
	return nil
}

func writeFile(name, format string, write func(io.Writer) error) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return write(f)
}

// writeRecords streams the records produce emits into a CSV or XML writer.
func writeRecords[R loantape.Record](w io.Writer, format string, produce func(emit func(R) error) error) error {
	if format == "xml" {
		xw := loantape.NewXMLWriter[R](w)
		if err := produce(xw.Write); err != nil {
			return err
		}
		return xw.Close()
	}
	cw := loantape.NewCSVWriter[R](w)
	if err := produce(cw.Write); err != nil {
		return err
	}
	return cw.Flush()
}
