package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
)

// -asset-class cards writes a trust and its monthly reports that read
// back, pass the servicer checks and allocate month after month; a stress
// month leads to a pay-out event.
func TestWritesCardTrustFiles(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-asset-class", "cards", "-months", "6", "-stress-period", "3", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	// The stress month drags the three-month average excess spread below
	// zero in it or in the two months after.
	if !strings.Contains(out.String(), "pay-out events") {
		t.Errorf("the stress month led to no pay-out: %s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "trust.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := cardtrust.ParseTrust(b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "reports.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reps, bad, err := cardtrust.ReadAll(f)
	if err != nil || len(bad) > 0 || len(reps) != 6 {
		t.Fatalf("%d reports, %v %v", len(reps), bad, err)
	}
	st := cardtrust.NewState(&tr)
	for _, r := range reps {
		res, err := cardtrust.Run(&tr, st, r)
		if err != nil {
			t.Fatalf("period %d: %v", r.Period, err)
		}
		st = res.NewState
	}
}
