package fixing

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

var (
	bankA = "Org1MSP"
	bankB = "Org2MSP"
	deskC = "Org3MSP/" + strings.Repeat("c", 64)
)

func rule() Rule {
	return Rule{Index: "SOFR30A", Sources: []string{bankA, bankB, deskC}, MinSources: 2,
		MaxSpread: d("0.0005"), StaleDays: 3, CutoffDaysBeforePayment: 2, CutoffTime: "11:00"}
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The cut-off of a period paid on 2026-05-15 under rule(): 11:00 UTC two
// calendar days before, 2026-05-13T11:00:00Z.
func TestCutoffGolden(t *testing.T) {
	got := rule().Cutoff(daycount.NewDate(2026, 5, 15))
	if want := at("2026-05-13T11:00:00Z"); !got.Equal(want) {
		t.Fatalf("cutoff %s, want %s", got, want)
	}
	r := rule()
	r.CutoffTime, r.CutoffDaysBeforePayment = "", 0
	if got, want := r.Cutoff(daycount.NewDate(2026, 3, 1)), at("2026-03-01T00:00:00Z"); !got.Equal(want) {
		t.Fatalf("cutoff %s, want %s", got, want)
	}
}

// Hand-worked: three banks post 4.31 %, 4.33 % and 4.34 %; the median is
// 4.33 %, the spread 3 bp (≤ 5 bp). Bank A's earlier 4.20 % is replaced by
// its later posting.
func TestResolveMedianOfThree(t *testing.T) {
	cut := at("2026-05-13T11:00:00Z")
	res := Resolve(rule(), cut, []Posting{
		{Source: bankA, Rate: d("0.0420"), PostedAt: at("2026-05-12T08:00:00Z")},
		{Source: deskC, Rate: d("0.0434"), PostedAt: at("2026-05-13T09:00:00Z")},
		{Source: bankA, Rate: d("0.0431"), PostedAt: at("2026-05-12T09:00:00Z")},
		{Source: bankB, Rate: d("0.0433"), PostedAt: at("2026-05-13T10:59:59Z")},
	})
	if !res.Met || !res.Rate.Equal(d("0.0433")) || !res.Spread.Equal(d("0.0003")) {
		t.Fatalf("resolution %+v", res)
	}
	if !slices.Equal(res.Used, []string{bankA, bankB, deskC}) || len(res.Missing)+len(res.Stale)+len(res.Late) != 0 {
		t.Fatalf("sources %+v", res)
	}
}

// Hand-worked: two valid postings 4.31 % and 4.34 %: the median is their
// mean, 4.325 % exactly. C posted 4.50 % a minute after the cut-off (late)
// and nothing else.
func TestResolveEvenCountAndLatePosting(t *testing.T) {
	cut := at("2026-05-13T11:00:00Z")
	res := Resolve(rule(), cut, []Posting{
		{Source: bankA, Rate: d("0.0431"), PostedAt: at("2026-05-12T09:00:00Z")},
		{Source: bankB, Rate: d("0.0434"), PostedAt: at("2026-05-11T09:00:00Z")},
		{Source: deskC, Rate: d("0.0450"), PostedAt: at("2026-05-13T11:01:00Z")},
	})
	if !res.Met || !res.Rate.Equal(d("0.04325")) || !slices.Equal(res.Late, []string{deskC}) {
		t.Fatalf("resolution %+v", res)
	}
}

func TestResolveRefusals(t *testing.T) {
	cut := at("2026-05-13T11:00:00Z")
	cases := []struct {
		name     string
		postings []Posting
		reason   []string
	}{
		{"one source only, one missing, one stale", []Posting{
			{Source: bankA, Rate: d("0.0431"), PostedAt: at("2026-05-12T09:00:00Z")},
			// the window opens 2026-05-10T11:00Z: this is a second too early
			{Source: bankB, Rate: d("0.0431"), PostedAt: at("2026-05-10T10:59:59Z")},
		}, []string{"1 valid posting(s)", "needs 2 (minSources)", "missing: " + deskC, "stale: " + bankB}},
		{"spread above 5 bp", []Posting{
			{Source: bankA, Rate: d("0.0431"), PostedAt: at("2026-05-12T09:00:00Z")},
			{Source: bankB, Rate: d("0.0437"), PostedAt: at("2026-05-12T09:00:00Z")},
		}, []string{"spread 0.0006", "maxSpread 0.0005", bankA + ", " + bankB}},
		{"nothing but an unnamed source", []Posting{
			{Source: "Org9MSP", Rate: d("0.0431"), PostedAt: at("2026-05-12T09:00:00Z")},
		}, []string{"0 valid posting(s)", "missing: " + bankA + ", " + bankB + ", " + deskC}},
	}
	for _, c := range cases {
		res := Resolve(rule(), cut, c.postings)
		if res.Met || !res.Rate.IsZero() {
			t.Errorf("%s: met %+v", c.name, res)
		}
		for _, w := range c.reason {
			if !strings.Contains(res.Reason, w) {
				t.Errorf("%s: reason %q lacks %q", c.name, res.Reason, w)
			}
		}
	}
}

// Properties over random postings: the answer does not depend on their
// order; when met, the rate lies between the lowest and highest valid
// posting, at least minSources count and the spread is within the rule;
// every named source is in exactly one of used, missing, stale, late.
func TestResolveProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	cut := at("2026-05-13T11:00:00Z")
	for range 2000 {
		r := rule()
		r.MinSources = 1 + rng.IntN(3)
		var ps []Posting
		for range rng.IntN(8) {
			ps = append(ps, Posting{
				Source:   []string{bankA, bankB, deskC, "Org9MSP"}[rng.IntN(4)],
				Rate:     decimal.New(int64(420+rng.IntN(20)), -4),
				PostedAt: cut.Add(time.Duration(rng.IntN(5*24*60)-4*24*60) * time.Minute),
			})
		}
		res := Resolve(r, cut, ps)
		shuffled := slices.Clone(ps)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := Resolve(r, cut, shuffled); again.Met != res.Met || !again.Rate.Equal(res.Rate) || again.Reason != res.Reason {
			t.Fatalf("order changed the answer: %+v vs %+v", res, again)
		}
		all := slices.Concat(res.Used, res.Missing, res.Stale, res.Late)
		slices.Sort(all)
		want := slices.Clone(r.Sources)
		slices.Sort(want)
		if !slices.Equal(all, want) {
			t.Fatalf("sources not partitioned: %+v", res)
		}
		if res.Met {
			lo, hi := validRange(r, cut, ps)
			if len(res.Used) < r.MinSources || res.Spread.GreaterThan(r.MaxSpread) || res.Rate.LessThan(lo) || res.Rate.GreaterThan(hi) {
				t.Fatalf("met outside the rule: %+v (valid %s..%s)", res, lo, hi)
			}
		} else if res.Reason == "" {
			t.Fatalf("not met without a reason: %+v", res)
		}
	}
}

// validRange recomputes, independently of Resolve, the lowest and highest
// rate of the postings that count.
func validRange(r Rule, cut time.Time, ps []Posting) (lo, hi decimal.Decimal) {
	first := true
	for _, src := range r.Sources {
		var best *Posting
		for i := range ps {
			p := &ps[i]
			if p.Source == src && p.PostedAt.Before(cut) && (best == nil || p.PostedAt.After(best.PostedAt) ||
				(p.PostedAt.Equal(best.PostedAt) && p.Rate.GreaterThan(best.Rate))) {
				best = p
			}
		}
		if best == nil || best.PostedAt.Before(cut.AddDate(0, 0, -r.StaleDays)) {
			continue
		}
		if first || best.Rate.LessThan(lo) {
			lo = best.Rate
		}
		if first || best.Rate.GreaterThan(hi) {
			hi = best.Rate
		}
		first = false
	}
	return lo, hi
}
