package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

func TestWritesValidFilesDeterministically(t *testing.T) {
	for _, format := range []string{"csv", "xml"} {
		dirA, dirB := t.TempDir(), t.TempDir()
		args := []string{"-loans", "200", "-months", "4", "-format", format, "-stress-period", "2", "-stress-chargeoff", "0.05"}
		var out bytes.Buffer
		if err := run(append(args, "-out", dirA), &out); err != nil {
			t.Fatal(err)
		}
		if err := run(append(args, "-out", dirB), &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		names := strings.Fields(out.String())
		if len(names) != 5 {
			t.Fatalf("%s: wrote %v", format, names)
		}
		for _, name := range names {
			a, _ := os.ReadFile(name)
			b, _ := os.ReadFile(filepath.Join(dirB, filepath.Base(name)))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s differs between two runs with the same flags", filepath.Base(name))
			}
		}
		open := func(name string) *os.File {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}
		var tapeSrc loantape.RowSource[loantape.Loan] = loantape.NewCSVReader[loantape.Loan](open(names[0]))
		if format == "xml" {
			tapeSrc = loantape.NewXMLReader[loantape.Loan](open(names[0]))
		}
		tape, err := loantape.ValidateTape(tapeSrc, loantape.TapeRules{})
		if err != nil || tape.LoanCount != 200 {
			t.Fatalf("%s tape: %d loans, %v", format, tape.LoanCount, err)
		}
		var chargedOff int
		for _, name := range names[1:] {
			var src loantape.RowSource[loantape.PeriodRow] = loantape.NewCSVReader[loantape.PeriodRow](open(name))
			if format == "xml" {
				src = loantape.NewXMLReader[loantape.PeriodRow](open(name))
			}
			agg, err := loantape.ValidateReport(src, loantape.ReportRules{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			chargedOff += agg.ChargedOffCount
		}
		if chargedOff == 0 {
			t.Errorf("%s: the stress month charged nothing off", format)
		}
	}
}

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-format", "json"},
		{"-cutoff", "2025/12"},
		{"-abs", "fast"},
		{"-loans", "-5"},
		{"-stress-period", "2", "-stress-chargeoff", "lots"},
	} {
		if err := run(append(args, "-out", t.TempDir()), &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
