package fixing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Limits of a rule, so that a typo cannot make a fixing unreachable or
// stretch the staleness window over a year.
const (
	MaxSources    = 32
	MaxStaleDays  = 31
	MaxCutoffDays = 28
)

// Rule is how a deal fixes one floating index for each period.
type Rule struct {
	// Index is the index name the waterfall's floating coupons name.
	Index string `json:"index"`
	// Sources are who may post: an MSP ID ("Org2MSP": any identity of that
	// MSP holding the rates role posts for it) or an identity key
	// ("Org3MSP/<64 hex>": that identity only, which must hold the rates
	// role). One posting counts per source; posting again replaces it.
	Sources []string `json:"sources"`
	// MinSources is the number of valid postings the fixing needs (1 to
	// len(Sources)).
	MinSources int `json:"minSources"`
	// MaxSpread bounds the highest valid posting minus the lowest (a
	// fraction: 0.0005 is 5 basis points).
	MaxSpread decimal.Decimal `json:"maxSpread"`
	// StaleDays: a posting counts only if made less than StaleDays days
	// before the cut-off (1 to MaxStaleDays).
	StaleDays int `json:"staleDays"`
	// CutoffDaysBeforePayment and CutoffTime ("HH:MM", UTC; "00:00" when
	// empty) place the cut-off: that time, that many calendar days before
	// the period's payment date. Postings at or after it do not count.
	CutoffDaysBeforePayment int    `json:"cutoffDaysBeforePayment"`
	CutoffTime              string `json:"cutoffTime,omitempty"`
}

// Validate checks a rule; errors name field+"."+the rule's field.
func (r Rule) Validate(field string) error {
	if r.Index == "" {
		return errs.Field(field+".index", "required")
	}
	if len(r.Sources) == 0 || len(r.Sources) > MaxSources {
		return errs.Field(field+".sources", "want 1 to %d sources, got %d", MaxSources, len(r.Sources))
	}
	for i, s := range r.Sources {
		if problem := sourceProblem(s); problem != "" {
			return errs.Field(fmt.Sprintf("%s.sources[%d]", field, i), "%q %s", s, problem)
		}
		if slices.Contains(r.Sources[:i], s) {
			return errs.Field(fmt.Sprintf("%s.sources[%d]", field, i), "%q is listed twice", s)
		}
	}
	if r.MinSources < 1 || r.MinSources > len(r.Sources) {
		return errs.Field(field+".minSources", "must be 1 to the number of sources (%d), got %d", len(r.Sources), r.MinSources)
	}
	if r.MaxSpread.IsNegative() || r.MaxSpread.GreaterThan(decimal.NewFromInt(1)) {
		return errs.Field(field+".maxSpread", "must be a fraction from 0 to 1, got %s", r.MaxSpread)
	}
	if r.StaleDays < 1 || r.StaleDays > MaxStaleDays {
		return errs.Field(field+".staleDays", "must be 1 to %d, got %d", MaxStaleDays, r.StaleDays)
	}
	if r.CutoffDaysBeforePayment < 0 || r.CutoffDaysBeforePayment > MaxCutoffDays {
		return errs.Field(field+".cutoffDaysBeforePayment", "must be 0 to %d, got %d", MaxCutoffDays, r.CutoffDaysBeforePayment)
	}
	if _, err := r.cutoffClock(); err != nil {
		return errs.Field(field+".cutoffTime", "%v", err)
	}
	return nil
}

// sourceProblem says what is wrong with a source name, or "".
func sourceProblem(s string) string {
	msp, id, named := strings.Cut(s, "/")
	switch {
	case msp == "" || len(msp) > 64 || strings.ContainsAny(msp, " \t\n~"):
		return "is neither an MSP ID nor an identity key MSP/<64 hex digits>"
	case named && (len(id) != 64 || strings.Trim(id, "0123456789abcdef") != ""):
		return "is not an identity key MSP/<64 lower-case hex digits>"
	}
	return ""
}

// cutoffClock is CutoffTime as hours and minutes after midnight UTC.
func (r Rule) cutoffClock() (time.Duration, error) {
	if r.CutoffTime == "" {
		return 0, nil
	}
	t, err := time.Parse("15:04", r.CutoffTime)
	if err != nil || len(r.CutoffTime) != 5 {
		return 0, fmt.Errorf("%q: want HH:MM (UTC)", r.CutoffTime)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Cutoff is the rule's cut-off for a period paid on payment.
func (r Rule) Cutoff(payment daycount.Date) time.Time {
	clock, _ := r.cutoffClock() // validated with the terms
	day := time.Date(payment.Year, payment.Month, payment.Day, 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -r.CutoffDaysBeforePayment).Add(clock)
}

// SourceFor is the source a caller posts as: its identity key when the
// rule names it, else its MSP when the rule names that; ok is false when
// the rule names neither.
func (r Rule) SourceFor(msp, identityKey string) (source string, ok bool) {
	if slices.Contains(r.Sources, identityKey) {
		return identityKey, true
	}
	if slices.Contains(r.Sources, msp) {
		return msp, true
	}
	return "", false
}

// FindRule returns the rule of an index, if the terms have one.
func FindRule(rules []Rule, index string) (Rule, bool) {
	for _, r := range rules {
		if r.Index == index {
			return r, true
		}
	}
	return Rule{}, false
}

// ValidateRules checks a deal's list of rules: each valid, one per index.
func ValidateRules(field string, rules []Rule) error {
	for i, r := range rules {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := r.Validate(f); err != nil {
			return err
		}
		for j := range i {
			if rules[j].Index == r.Index {
				return errs.Field(f+".index", "index %s already has a rule (%s[%d])", r.Index, field, j)
			}
		}
	}
	return nil
}
