package cardtrust

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// TestReplay: a certified month replays to the same hashes; a changed
// input or result is a CONFLICT naming the period.
func TestReplay(t *testing.T) {
	tr := loadTrust(t)
	reps := loadReports(t)
	first, err := Allocate(Inputs{Trust: tr, Prior: NewState(&tr), Report: reps[0]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Replay(first); err != nil {
		t.Fatal(err)
	}
	second, err := Allocate(Inputs{Trust: tr, Prior: first.Result.NewState, Report: reps[1]})
	if err != nil {
		t.Fatal(err)
	}
	forged := second
	forged.Result.Series[0].FinanceCharges++
	forged.ResultHash = "00"
	var e *errs.Error
	if _, err := Replay(forged); err == nil || !asErr(err, &e) || e.Code != errs.Conflict {
		t.Fatalf("forged result: %v", err)
	}
	tampered := second
	tampered.Inputs.Report.Recoveries += 5
	if _, err := Replay(tampered); err == nil {
		t.Fatal("a tampered report replayed")
	}
}

func asErr(err error, target **errs.Error) bool {
	e, ok := err.(*errs.Error)
	*target = e
	return ok
}
