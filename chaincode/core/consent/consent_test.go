package consent

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var (
	recordDate = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	expiry     = recordDate.AddDate(0, 0, 30)
	during     = recordDate.AddDate(0, 0, 10)
)

// deal is a three-class deal at the record date: A 1,000,000.00 senior,
// B 100,000.00, residual R 50,000.00.
func deal() []Class {
	return []Class{
		{ID: "R", Seniority: 3, Outstanding: money.FromMajor(50_000)},
		{ID: "A", Seniority: 1, Outstanding: money.FromMajor(1_000_000)},
		{ID: "B", Seniority: 2, Outstanding: money.FromMajor(100_000)},
	}
}

// positions: A held 600k/300k/100k by a1..a3, B 50k/50k by b1, b2.
func positions() []Position {
	return []Position{
		{"a1", "A", money.FromMajor(600_000)}, {"a2", "A", money.FromMajor(300_000)}, {"a3", "A", money.FromMajor(100_000)},
		{"b1", "B", money.FromMajor(50_000)}, {"b2", "B", money.FromMajor(50_000)},
		{"r1", "R", money.FromMajor(50_000)},
	}
}

func TestRequireByKind(t *testing.T) {
	cases := []struct {
		p    Proposal
		want Requirement
	}{
		{Proposal{Kind: CouponChange, Affected: []string{"B"}}, Requirement{Unanimous, EachAffectedClass, []string{"B"}, true}},
		{Proposal{Kind: PrincipalChange, Affected: []string{"B", "A"}}, Requirement{Unanimous, EachAffectedClass, []string{"A", "B"}, true}},
		{Proposal{Kind: MaturityExtension, Affected: []string{"A"}}, Requirement{Unanimous, EachAffectedClass, []string{"A"}, true}},
		{Proposal{Kind: WaterfallChange, Affected: []string{"B", "R"}}, Requirement{TwoThirds, EachAffectedClass, []string{"B", "R"}, false}},
		{Proposal{Kind: WaterfallChange, Affected: []string{"B"}, TouchesPriority: true}, Requirement{Unanimous, EachAffectedClass, []string{"B"}, true}},
		{Proposal{Kind: TransferRuleChange, Affected: []string{"A"}}, Requirement{Majority, EachAffectedClass, []string{"A"}, false}},
		{Proposal{Kind: TriggerThresholdChange}, Requirement{Majority, ControllingClass, []string{"A"}, false}},
		{Proposal{Kind: ServicerReplacement}, Requirement{Majority, ControllingClass, []string{"A"}, false}},
		{Proposal{Kind: TrusteeSuccession}, Requirement{TwoThirds, ControllingClass, []string{"A"}, false}},
		{Proposal{Kind: LiquidationDirection}, Requirement{Majority, ControllingClass, []string{"A"}, false}},
	}
	for _, c := range cases {
		got, err := Require(c.p, deal())
		if err != nil {
			t.Fatalf("%s: %v", c.p.Kind, err)
		}
		if got.Threshold != c.want.Threshold || got.Basis != c.want.Basis || !slices.Equal(got.Classes, c.want.Classes) || got.Sacred != c.want.Sacred {
			t.Errorf("%s: %+v, want %+v", c.p.Kind, got, c.want)
		}
	}
	// Once A is repaid, B controls.
	paid := deal()
	paid[1].Outstanding = 0
	if got, _ := Require(Proposal{Kind: ServicerReplacement}, paid); !slices.Equal(got.Classes, []string{"B"}) {
		t.Errorf("controlling class after A is repaid: %v", got.Classes)
	}
}

func TestRequireRefusesWhatNobodyCouldConsentTo(t *testing.T) {
	paid := deal()
	paid[2].Outstanding = 0
	for _, c := range []struct {
		p       Proposal
		classes []Class
		field   string
	}{
		{Proposal{Kind: "rename-the-deal"}, deal(), "kind"},
		{Proposal{Kind: CouponChange}, deal(), "affected"},
		{Proposal{Kind: CouponChange, Affected: []string{"Z"}}, deal(), "affected[0]"},
		{Proposal{Kind: CouponChange, Affected: []string{"A", "A"}}, deal(), "affected[1]"},
		{Proposal{Kind: CouponChange, Affected: []string{"B"}}, paid, "affected[0]"},
	} {
		_, err := Require(c.p, c.classes)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.BadInput || e.Field != c.field {
			t.Errorf("%+v: %v, want BAD_INPUT on %s", c.p, err, c.field)
		}
	}
	none := []Class{{ID: "A", Seniority: 1}}
	if _, err := Require(Proposal{Kind: TrusteeSuccession}, none); errs.CodeOf(err) != errs.WrongState {
		t.Errorf("no controlling class: %v", err)
	}
}

// vote casts holders' votes from the golden positions.
func vote(t *testing.T, req Requirement, votes map[string]bool) Tally {
	t.Helper()
	tally, err := NewTally(req, positions())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range positions() {
		if v, ok := votes[p.Holder]; ok {
			if !slices.Contains(req.Classes, p.Class) {
				if err := tally.Cast(p.Class, p.Principal, v); errs.CodeOf(err) != errs.Forbidden {
					t.Fatalf("%s votes in class %s, which does not vote: %v", p.Holder, p.Class, err)
				}
				continue
			}
			if err := tally.Cast(p.Class, p.Principal, v); err != nil {
				t.Fatalf("%s: %v", p.Holder, err)
			}
		}
	}
	return tally
}

// TestGoldenOutcomes are worked by hand on the golden deal.
func TestGoldenOutcomes(t *testing.T) {
	req := func(p Proposal) Requirement {
		r, err := Require(p, deal())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	trigger := req(Proposal{Kind: TriggerThresholdChange})
	succession := req(Proposal{Kind: TrusteeSuccession})
	coupon := req(Proposal{Kind: CouponChange, Affected: []string{"B"}})
	rules := req(Proposal{Kind: TransferRuleChange, Affected: []string{"A", "B"}})
	cases := []struct {
		name  string
		req   Requirement
		votes map[string]bool
		at    time.Time
		want  Outcome
	}{
		// 600,000 of 1,000,000: 1,200,000 > 1,000,000.
		{"trigger change, a1 for", trigger, map[string]bool{"a1": true}, during, Passed},
		// 300,000 + 100,000 = 400,000; a1 has not voted.
		{"trigger change, a2 and a3 for", trigger, map[string]bool{"a2": true, "a3": true}, during, Pending},
		// a1 against: 400,000 left can never exceed 500,000.
		{"trigger change, a1 against", trigger, map[string]bool{"a1": false}, during, Failed},
		// B votes on a trigger change count for nothing: A controls.
		{"trigger change, B only", trigger, map[string]bool{"b1": true, "b2": true}, during, Pending},
		{"trigger change, nobody by the expiry", trigger, nil, expiry, Expired},
		// 600,000 is 60% < two-thirds; 700,000 * 3 = 2,100,000 >= 2,000,000.
		{"succession, a1 for", succession, map[string]bool{"a1": true}, during, Pending},
		{"succession, a1 and a3 for", succession, map[string]bool{"a1": true, "a3": true}, during, Passed},
		// a2 against leaves 700,000: still possible; a2 and a3 against leave 600,000: failed.
		{"succession, a2 against", succession, map[string]bool{"a2": false}, during, Pending},
		{"succession, a2 and a3 against", succession, map[string]bool{"a2": false, "a3": false}, during, Failed},
		// Sacred: every B holder.
		{"coupon of B, b1 for", coupon, map[string]bool{"b1": true}, during, Pending},
		{"coupon of B, both for", coupon, map[string]bool{"b1": true, "b2": true}, during, Passed},
		{"coupon of B, b2 against", coupon, map[string]bool{"b1": true, "b2": false}, during, Failed},
		// A majority of A is not enough when B is affected too.
		{"transfer rules of A and B, A only", rules, map[string]bool{"a1": true}, during, Pending},
		{"transfer rules of A and B, b1 too", rules, map[string]bool{"a1": true, "b1": true}, during, Pending},
		{"transfer rules of A and B, b1 for b2 against", rules, map[string]bool{"a1": true, "b1": true, "b2": false}, during, Failed},
		// A passed vote stays passed after the expiry, awaiting execution.
		{"passed before the expiry", trigger, map[string]bool{"a1": true}, expiry.AddDate(0, 1, 0), Passed},
	}
	for _, c := range cases {
		if got := Decide(c.req, vote(t, c.req, c.votes), c.at, expiry); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	// The public tally of the last succession case, by class.
	tally := vote(t, succession, map[string]bool{"a1": true, "a2": false})
	want := ClassTally{Class: "A", Outstanding: money.FromMajor(1_000_000), Holders: 3,
		For: money.FromMajor(600_000), Against: money.FromMajor(300_000), ForHolders: 1, AgainstHolders: 1}
	if len(tally.Classes) != 1 || tally.Classes[0] != want {
		t.Errorf("tally %+v, want %+v", tally.Classes, want)
	}
}

func TestCastRefusesNonHoldersAndOverVoting(t *testing.T) {
	req, _ := Require(Proposal{Kind: CouponChange, Affected: []string{"B"}}, deal())
	tally, _ := NewTally(req, positions())
	if err := tally.Cast("A", money.FromMajor(600_000), true); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("a class that does not vote: %v", err)
	}
	if err := tally.Cast("B", 0, true); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("no position at the record date: %v", err)
	}
	if err := tally.Cast("B", money.FromMajor(100_001), true); errs.CodeOf(err) != errs.Internal {
		t.Errorf("more than the class: %v", err)
	}
	if tally.Classes[0].For != 0 || tally.Classes[0].ForHolders != 0 {
		t.Errorf("a refused vote counted: %+v", tally.Classes[0])
	}
}

func TestMetAtTheEdges(t *testing.T) {
	for _, c := range []struct {
		th       Threshold
		for_, of int64
		want     bool
	}{
		{Majority, 50, 100, false}, {Majority, 51, 100, true}, {Majority, 1, 1, true},
		{TwoThirds, 66, 100, false}, {TwoThirds, 67, 100, true}, {TwoThirds, 2, 3, true}, {TwoThirds, 1, 3, false},
		{Unanimous, 99, 100, false}, {Unanimous, 100, 100, true},
		{Majority, 0, 0, false}, {"most", 100, 100, false},
		{TwoThirds, 1 << 62, 1<<62 + 1, true},
	} {
		if got := Met(c.th, money.Cents(c.for_), money.Cents(c.of)); got != c.want {
			t.Errorf("%s of %d with %d: %v", c.th, c.of, c.for_, got)
		}
	}
}

// TestRandomVotesAgreeWithARecount draws deals, positions and votes and
// checks Decide against a plain recount: the tally conserves principal
// and holders, passed means every class met the threshold, failed means
// one class can no longer meet it, and adding votes in favour never
// takes a passed amendment back.
func TestRandomVotesAgreeWithARecount(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	thresholds := []Threshold{Majority, TwoThirds, Unanimous}
	for round := 0; round < 2000; round++ {
		req := Requirement{Threshold: thresholds[rng.IntN(3)], Basis: EachAffectedClass, Classes: []string{"A", "B"}}
		var ps []Position
		for i := 0; i < 1+rng.IntN(6); i++ {
			ps = append(ps, Position{Holder: string(rune('a' + i)), Class: []string{"A", "B"}[rng.IntN(2)], Principal: money.Cents(1 + rng.Int64N(1_000_000))})
		}
		tally, err := NewTally(req, ps)
		if err != nil {
			t.Fatal(err)
		}
		forBy, againstBy := map[string]money.Amount{}, map[string]money.Amount{}
		outstanding := map[string]money.Amount{}
		for _, p := range ps {
			outstanding[p.Class] += p.Principal
			switch rng.IntN(3) {
			case 0:
				must(t, tally.Cast(p.Class, p.Principal, true))
				forBy[p.Class] += p.Principal
			case 1:
				must(t, tally.Cast(p.Class, p.Principal, false))
				againstBy[p.Class] += p.Principal
			}
		}
		allMet, someLost := true, false
		for _, c := range tally.Classes {
			if c.Outstanding != outstanding[c.Class] || c.For != forBy[c.Class] || c.Against != againstBy[c.Class] || c.For+c.Against > c.Outstanding {
				t.Fatalf("round %d: tally %+v does not recount (for %s against %s of %s)", round, c, forBy[c.Class], againstBy[c.Class], outstanding[c.Class])
			}
			allMet = allMet && Met(req.Threshold, c.For, c.Outstanding)
			someLost = someLost || !Met(req.Threshold, c.Outstanding-c.Against, c.Outstanding)
		}
		got := Decide(req, tally, during, expiry)
		want := Pending
		switch {
		case someLost:
			want = Failed
		case allMet:
			want = Passed
		}
		if got != want {
			t.Fatalf("round %d: %s, want %s (%+v)", round, got, want, tally.Classes)
		}
		if got == Passed {
			more := tally
			more.Classes = slices.Clone(tally.Classes)
			for i := range more.Classes {
				if left := more.Classes[i].Outstanding - more.Classes[i].For - more.Classes[i].Against; left > 0 {
					more.Classes[i].For += left
				}
			}
			if Decide(req, more, during, expiry) != Passed {
				t.Fatalf("round %d: more votes in favour undid a passed amendment", round)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
