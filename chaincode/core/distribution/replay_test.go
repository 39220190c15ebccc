package distribution

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// threePeriods computes three payment dates of the ABC deal over a
// 400-loan loansim pool and returns the inputs and outcomes.
func threePeriods(t *testing.T) ([]Inputs, []Outcome) {
	t.Helper()
	sp := newSimPool(t, 11, 400)
	def := abcDefinition(t, sp.balance, "2025-01-27")
	st, err := waterfall.NewState(def)
	if err != nil {
		t.Fatal(err)
	}
	var ins []Inputs
	var outs []Outcome
	for range 3 {
		per, rows, _ := sp.month(t)
		pay, err := PaymentDate(per.Ending, 15)
		if err != nil {
			t.Fatal(err)
		}
		in := Inputs{Definition: def, Prior: st, Period: PeriodInputs{Aggregates: aggregate(t, per, rows), PaymentDate: pay}}
		out, err := Compute(in)
		if err != nil {
			t.Fatalf("period %d: %v", per.Number, err)
		}
		ins, outs = append(ins, in), append(outs, out)
		st = out.Result.NewState
	}
	return ins, outs
}

func TestComputeAndReplayThreePeriods(t *testing.T) {
	ins, outs := threePeriods(t)
	for i, out := range outs {
		a := ins[i].Period.Aggregates
		wantCollections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
		if out.Cash.Collections != wantCollections {
			t.Fatalf("period %d: collections %s, want %s", i+1, out.Cash.Collections, wantCollections)
		}
		if err := out.Cash.Check(); err != nil {
			t.Fatal(err)
		}
		if out.Result.Period != i+1 || out.Result.ResidualPaid <= 0 {
			t.Fatalf("period %d: result period %d, residual %s (the certificate should be paid excess spread)",
				i+1, out.Result.Period, out.Result.ResidualPaid)
		}
		v, err := Replay(ins[i], out.ResultJSON, out.InputsHash)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Match || v.StoredHash != v.ReplayedHash || len(v.Differences) != 0 || v.Period != i+1 {
			t.Fatalf("period %d: replay %+v", i+1, v)
		}
	}
	// Inputs are hashed canonically: the same inputs, the same hash.
	h1, _ := ins[1].Hash()
	h2, _ := ins[1].Hash()
	if h1 != h2 || h1 != outs[1].InputsHash || h1 == outs[0].InputsHash {
		t.Fatalf("inputs hashes %s %s %s %s", h1, h2, outs[1].InputsHash, outs[0].InputsHash)
	}
}

func TestReplayDetectsTampering(t *testing.T) {
	ins, outs := threePeriods(t)
	out := outs[1]

	tampered := bytes.Replace(out.ResultJSON, []byte(`"residualPaid":"`), []byte(`"residualPaid":"1`), 1)
	v, err := Replay(ins[1], tampered, out.InputsHash)
	if err != nil {
		t.Fatal(err)
	}
	if v.Match || !slices.Equal(v.Differences, []string{"classes"}) || v.StoredHash == v.ReplayedHash { // the first residualPaid is the certificate class line
		t.Fatalf("tampered result not caught: %+v", v)
	}

	v, _ = Replay(ins[1], out.ResultJSON, outs[0].InputsHash)
	if v.Match || len(v.Differences) != 0 {
		t.Fatalf("a stored inputs hash of other inputs must not match: %+v", v)
	}

	changed := ins[1]
	changed.Period.ServicerAdvances = 100
	v, _ = Replay(changed, out.ResultJSON, out.InputsHash)
	if v.Match || !slices.Contains(v.Differences, "availableFunds") {
		t.Fatalf("changed inputs must not match: %+v", v)
	}

	v, _ = Replay(ins[1], []byte(`[1]`), out.InputsHash)
	if v.Match || v.Differences[0] != "(stored result is not a JSON object)" {
		t.Fatalf("garbage: %+v", v)
	}
}

func TestComputeRefusesWhatTheEngineRefuses(t *testing.T) {
	ins, _ := threePeriods(t)
	in := ins[0]
	in.Period.Aggregates.EndingBalance++ // the pool no longer rolls forward
	_, err := Compute(in)
	var e *errs.Error
	if !asErr(err, &e) || e.Code != errs.BadInput || e.Field != "period.endingPoolBalance" || !strings.Contains(e.Msg, "waterfall refused") {
		t.Fatalf("got %v", err)
	}
	in = ins[1] // period 2 on the closing state: out of order
	in.Prior = ins[0].Prior
	if _, err := Compute(in); errs.CodeOf(err) != errs.BadInput || !strings.Contains(err.Error(), "period.period") {
		t.Fatalf("got %v", err)
	}
}

func TestCashPlanCheck(t *testing.T) {
	_, outs := threePeriods(t)
	plan := outs[0].Cash
	plan.Classes = append([]ClassCash(nil), plan.Classes...)
	plan.Classes[0].Total++
	if err := plan.Check(); errs.CodeOf(err) != errs.Internal || !strings.Contains(err.Error(), "does not balance") {
		t.Fatalf("got %v", err)
	}
	plan = outs[0].Cash
	plan.Fees = []FeeCash{{Fee: "x", Paid: -1}}
	if err := plan.Check(); errs.CodeOf(err) != errs.Internal {
		t.Fatalf("got %v", err)
	}
}

func TestReplayRecords(t *testing.T) {
	ins, outs := threePeriods(t)
	def, err := canon.Marshal(ins[0].Definition)
	if err != nil {
		t.Fatal(err)
	}
	for i := range outs {
		var prev []byte
		if i > 0 {
			prev = outs[i-1].ResultJSON
		}
		v, err := ReplayRecords(def, prev, ins[i].Period, outs[i].ResultJSON, outs[i].InputsHash)
		if err != nil || !v.Match {
			t.Fatalf("period %d: %+v %v", i+1, v, err)
		}
	}
	// Replaying period 2 from period 1's closing state instead of its
	// result does not match.
	if v, err := ReplayRecords(def, nil, ins[1].Period, outs[1].ResultJSON, outs[1].InputsHash); err == nil && v.Match {
		t.Fatal("period 2 replayed from the closing state matched")
	}
	if _, err := ReplayRecords([]byte(`{"version":1}`), nil, ins[0].Period, outs[0].ResultJSON, outs[0].InputsHash); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("bad definition: %v", err)
	}
	if _, err := ReplayRecords(def, []byte(`{`), ins[1].Period, outs[1].ResultJSON, outs[1].InputsHash); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("bad previous result: %v", err)
	}
}
