package projection

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// The breakeven CDR is where the class starts to lose: projected at it
// the class loses, one tolerance below it loses nothing. Junior classes
// break first.
func TestBreakevenCDR(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 60, deal.State.PoolBalance)
	a := baseAssumptions()
	p, err := Analyze(deal, loans, a, Pricing{Breakeven: true})
	if err != nil {
		t.Fatal(err)
	}
	loss := lossFunction(deal, loans, a)
	// At 50% severity even a 100% CDR recovers half the pool, more than
	// A-1 and A-2 (44%): they never lose.
	for _, c := range p.Classes[:2] {
		if c.Analytics.BreakevenCDR != nil {
			t.Errorf("class %s: breakeven %v, want none", c.Class, *c.Analytics.BreakevenCDR)
		}
	}
	prev := 0.0
	for i := len(p.Classes) - 2; i >= 2; i-- { // D up to A-3
		c := p.Classes[i]
		be := c.Analytics.BreakevenCDR
		if be == nil {
			t.Fatalf("class %s: no breakeven CDR", c.Class)
		}
		at, err := loss(*be)
		if err != nil {
			t.Fatal(err)
		}
		below, err := loss(*be - 1.5*BreakevenTolerance)
		if err != nil {
			t.Fatal(err)
		}
		if at[i] <= 0 || below[i] != 0 {
			t.Errorf("class %s: breakeven %v loses %s there and %s just below", c.Class, *be, at[i], below[i])
		}
		if *be <= prev {
			t.Errorf("class %s breaks at %v, no later than a junior class at %v", c.Class, *be, prev)
		}
		prev = *be
	}
}

// A grid answers in grid order with what each scenario gives alone,
// whatever order its workers finish in.
func TestGridIsOrderedAndMatchesSingleRuns(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 80, deal.State.PoolBalance)
	prepays := []Prepayment{{Kind: ABS, Rate: dec("0.01")}, {Kind: ABS, Rate: dec("0.018")}, {Kind: CPR, Rate: dec("0.15")}}
	defaults := []Defaults{{Kind: CDR, Rate: dec("0.01")}, {Kind: CDR, Rate: dec("0.05")}}
	g, err := Grid(deal, loans, baseAssumptions(), Pricing{DefaultPrice: dec("99.5")}, prepays, defaults)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cells) != 6 {
		t.Fatalf("%d cells, want 6", len(g.Cells))
	}
	for i, pp := range prepays {
		for j, d := range defaults {
			a := baseAssumptions()
			a.Prepayment, a.Defaults = pp, d
			p, err := Analyze(deal, loans, a, Pricing{DefaultPrice: dec("99.5")})
			if err != nil {
				t.Fatal(err)
			}
			c := g.Cells[i*len(defaults)+j]
			if c.Prepayment != pp || !reflect.DeepEqual(c.Defaults, d) {
				t.Fatalf("cell %d,%d holds %v × %v", i, j, c.Prepayment, c.Defaults)
			}
			for k, gc := range c.Classes {
				if !reflect.DeepEqual(gc.Analytics, *p.Classes[k].Analytics) {
					t.Errorf("cell %d,%d class %s: %+v, alone %+v", i, j, gc.Class, gc.Analytics, *p.Classes[k].Analytics)
				}
			}
		}
	}
}

// Bad assumptions are refused with every bad field named.
func TestValidationNamesEachField(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 5, deal.State.PoolBalance)
	a := Assumptions{
		Prepayment:      Prepayment{Kind: "PSA", Rate: dec("0.1")},
		Defaults:        Defaults{Kind: LossCurve, CumulativeLoss: dec("0.05"), Timing: []decimal.Decimal{dec("0.5"), dec("0.4")}},
		Severity:        dec("1.2"),
		RecoveryLag:     -1,
		ChargeOffMonths: 40,
		CleanUpCall:     true,
	}
	_, err := Project(deal, loans, a)
	var ve *waterfall.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v, want a *waterfall.ValidationError", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	want := []string{"prepayment.kind", "defaults.timing", "severity", "recoveryLag", "chargeOffMonths", "cleanUpCall"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("problems at %v, want %v (%v)", paths, want, err)
	}
	loans[0].RemainingTerm = 0
	if _, err := Project(deal, loans, baseAssumptions()); err == nil || !strings.Contains(err.Error(), "loans[0].remainingTerm") {
		t.Errorf("a zero remaining term: %v", err)
	}
	loans[0].RemainingTerm, loans[0].Balance = 12, loans[0].Balance+1
	if _, err := Project(deal, loans, baseAssumptions()); err == nil || !strings.Contains(err.Error(), "not the pool balance") {
		t.Errorf("loans off the pool by a cent: %v", err)
	}
}

// A floating class's coupon follows the forward curve; without a curve
// for its index the assumptions are refused.
func TestFloatersFollowTheForwardCurve(t *testing.T) {
	deal := loadDeal(t, "prorata_2025_2.json")
	loans := syntheticLoans(t, 40, deal.State.PoolBalance)
	a := baseAssumptions()
	if _, err := Project(deal, loans, a); err == nil || !strings.Contains(err.Error(), `indexCurves: no curve for index "SOFR"`) {
		t.Fatalf("no curve: %v", err)
	}
	interest := map[string]int64{}
	for _, rate := range []string{"0.02", "0.05"} {
		a.IndexCurves = []IndexCurve{{Index: "SOFR", Rates: []decimal.Decimal{dec(rate)}}}
		p, err := Project(deal, loans, a)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Results[1].Classes[1].InterestRate; !got.Equal(dec(rate).Add(dec("0.005"))) {
			t.Errorf("SOFR %s: coupon %s, want SOFR + 0.005", rate, got)
		}
		interest[rate] = p.Classes[1].Interest.Cents()
	}
	if interest["0.05"] <= interest["0.02"] {
		t.Errorf("the floater earned %d cents at 5%% SOFR, %d at 2%%", interest["0.05"], interest["0.02"])
	}
}

// Rep lines keep the balance and count and the balance-weighted rate, and
// project close to the loans they stand for.
func TestRepLines(t *testing.T) {
	deal := autoDeal(t)
	loans := syntheticLoans(t, 2000, deal.State.PoolBalance)
	lines, err := RepLines(loans, dec("0.01"), 12)
	if err != nil {
		t.Fatal(err)
	}
	var count int
	var balance int64
	for _, l := range lines {
		count += l.Count
		balance += l.Balance.Cents()
	}
	if count != 2000 || balance != deal.State.PoolBalance.Cents() || len(lines) > 12*5 {
		t.Fatalf("%d lines of %d loans and %d cents", len(lines), count, balance)
	}
	a := baseAssumptions()
	full, err := Analyze(deal, loans, a, Pricing{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(deal, lines, a, Pricing{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range full.Classes[:7] {
		if d := c.Analytics.WAL - rep.Classes[i].Analytics.WAL; d > 0.05 || d < -0.05 {
			t.Errorf("class %s: WAL %v loan-level, %v by rep lines", c.Class, c.Analytics.WAL, rep.Classes[i].Analytics.WAL)
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
}

// ScaleTo splits by largest remainder exactly as money.Allocate does.
func TestScaleToMatchesAllocate(t *testing.T) {
	loans := syntheticLoans(t, 997, amt(t, "12345678.91"))
	weights := make([]money.Amount, len(loans))
	for i, l := range loans {
		weights[i] = l.Balance
	}
	for _, target := range []string{"0.00", "0.07", "10000000.00", "12345678.91", "98765432.10"} {
		want, left, err := money.Allocate(amt(t, target), weights)
		if err != nil || left != 0 {
			t.Fatal(err, left)
		}
		got, err := ScaleTo(loans, amt(t, target))
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i].Balance != want[i] {
				t.Fatalf("target %s loan %d: %s, money.Allocate %s", target, i, got[i].Balance, want[i])
			}
		}
	}
	if _, err := ScaleTo([]Loan{{Balance: 0}}, amt(t, "1.00")); err == nil {
		t.Error("scaled a zero balance to 1.00")
	}
}
