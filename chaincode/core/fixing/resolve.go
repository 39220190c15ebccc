package fixing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Posting is one source's quote for a period, as recorded on the ledger.
type Posting struct {
	Source   string          `json:"source"`
	Rate     decimal.Decimal `json:"rate"`
	PostedAt time.Time       `json:"postedAt"`
}

// Resolution is what a rule makes of a period's postings at its cut-off.
type Resolution struct {
	Index  string    `json:"index"`
	Cutoff time.Time `json:"cutoff"`
	// Met says the rule is met; Rate is then the median of the valid
	// postings (the mean of the middle two for an even count, exact).
	Met  bool            `json:"met"`
	Rate decimal.Decimal `json:"rate"`
	// Used are the sources whose postings count, in the rule's order;
	// Spread is the highest of their rates minus the lowest.
	Used   []string        `json:"used"`
	Spread decimal.Decimal `json:"spread"`
	// Missing named sources posted nothing; Stale posted before the
	// staleness window; Late posted at or after the cut-off. Unnamed
	// postings (a source the terms no longer name) are ignored.
	Missing []string `json:"missing"`
	Stale   []string `json:"stale"`
	Late    []string `json:"late"`
	// Reason says, when the rule is not met, which rule failed and which
	// sources are missing, stale or late.
	Reason string `json:"reason,omitempty"`
}

// Resolve applies the rule to a period's postings at the given cut-off.
// Each source counts once: its latest posting before the cut-off, or if it
// posted only after the cut-off, none (it is Late). The answer does not
// depend on the order of postings.
func Resolve(r Rule, cutoff time.Time, postings []Posting) Resolution {
	res := Resolution{Index: r.Index, Cutoff: cutoff, Used: []string{}, Missing: []string{}, Stale: []string{}, Late: []string{}}
	windowStart := cutoff.AddDate(0, 0, -r.StaleDays)
	var rates []decimal.Decimal
	for _, src := range r.Sources {
		latest, late, found := latestBefore(src, cutoff, postings)
		switch {
		case found && latest.PostedAt.Before(windowStart):
			res.Stale = append(res.Stale, src)
		case found:
			res.Used = append(res.Used, src)
			rates = append(rates, latest.Rate)
		case late:
			res.Late = append(res.Late, src)
		default:
			res.Missing = append(res.Missing, src)
		}
	}
	if len(rates) > 0 {
		slices.SortFunc(rates, func(a, b decimal.Decimal) int { return a.Cmp(b) })
		res.Spread = rates[len(rates)-1].Sub(rates[0])
		res.Rate = median(rates)
	}
	switch {
	case len(rates) < r.MinSources:
		res.Reason = fmt.Sprintf("index %s: %d valid posting(s) before the cut-off %s, the rule needs %d (minSources)%s",
			r.Index, len(rates), cutoff.Format(time.RFC3339), r.MinSources, res.absentees())
	case res.Spread.GreaterThan(r.MaxSpread):
		res.Reason = fmt.Sprintf("index %s: the valid postings spread %s (from %s to %s), more than the rule's maxSpread %s; sources %s",
			r.Index, res.Spread, rates[0], rates[len(rates)-1], r.MaxSpread, strings.Join(res.Used, ", "))
	default:
		res.Met = true
	}
	if !res.Met {
		res.Rate = decimal.Zero
	}
	return res
}

// latestBefore finds src's latest posting before the cut-off; late says
// it posted only at or after it.
func latestBefore(src string, cutoff time.Time, postings []Posting) (latest Posting, late, found bool) {
	for _, p := range postings {
		if p.Source != src {
			continue
		}
		if !p.PostedAt.Before(cutoff) {
			late = true
			continue
		}
		// Ties in time (impossible for one source's transactions on one
		// key) fall to the higher rate, so the order of postings never matters.
		if !found || p.PostedAt.After(latest.PostedAt) || (p.PostedAt.Equal(latest.PostedAt) && p.Rate.GreaterThan(latest.Rate)) {
			latest, found = p, true
		}
	}
	return latest, late && !found, found
}

// median of sorted rates; for an even count the mean of the middle two,
// which is exact (one more decimal place at most).
func median(sorted []decimal.Decimal) decimal.Decimal {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return sorted[n/2-1].Add(sorted[n/2]).Mul(decimal.RequireFromString("0.5"))
}

// absentees lists the sources that did not count, for a reason.
func (res Resolution) absentees() string {
	var parts []string
	for _, g := range []struct {
		what string
		srcs []string
	}{{"missing", res.Missing}, {"stale", res.Stale}, {"late", res.Late}} {
		if len(g.srcs) > 0 {
			parts = append(parts, g.what+": "+strings.Join(g.srcs, ", "))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
