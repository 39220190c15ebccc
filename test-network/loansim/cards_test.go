package loansim

import (
	"bytes"
	"os"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
)

func goldenTrust(t *testing.T) cardtrust.Trust {
	b, err := os.ReadFile("../../chaincode/core/cardtrust/testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := cardtrust.ParseTrust(b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestCardTrustSimulator: 24 simulated months pass the servicer checks,
// read back through the CSV reader, are the same for the same seed, and a
// stress month trips early amortization of the series with the higher
// base rate.
func TestCardTrustSimulator(t *testing.T) {
	run := func(stress int) ([]cardtrust.Report, []cardtrust.MonthResult) {
		spec := DefaultCardSpec(7, goldenTrust(t))
		spec.StressPeriod = stress
		sim, err := NewCardTrust(spec)
		if err != nil {
			t.Fatal(err)
		}
		var reps []cardtrust.Report
		var ress []cardtrust.MonthResult
		for i := 0; i < 24; i++ {
			r, res, err := sim.Next()
			if err != nil {
				t.Fatalf("month %d: %v", i+1, err)
			}
			reps, ress = append(reps, r), append(ress, res)
		}
		return reps, ress
	}
	reps, ress := run(0)
	var buf bytes.Buffer
	if err := cardtrust.WriteCSV(&buf, reps); err != nil {
		t.Fatal(err)
	}
	back, bad, err := cardtrust.ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil || len(bad) > 0 || len(back) != len(reps) {
		t.Fatalf("read back: %v %v %d", err, bad, len(back))
	}
	again, _ := run(0)
	var buf2 bytes.Buffer
	if err := cardtrust.WriteCSV(&buf2, again); err != nil || !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Fatal("the same seed gave other reports")
	}
	for _, res := range ress {
		if len(res.PayOutEvents) > 0 {
			t.Fatalf("period %d: pay-out %v in a prime trust without stress", res.Period, res.PayOutEvents)
		}
	}
	_, stressed := run(2)
	if ev := stressed[1].PayOutEvents; len(ev) == 0 {
		t.Fatalf("stress month 2 tripped nothing: %+v", stressed[1].Series)
	}
}
