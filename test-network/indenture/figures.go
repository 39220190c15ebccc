package indenture

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/statement"
)

// CheckResult compares period n's hand-worked figures with a certified
// waterfall Result (its JSON as the ledger stores it) and returns one line
// per figure that differs. A figure names its place in the Result's JSON
// as the golden table does: dot-separated fields, "list[key]" for the
// element whose class, fee, account or trigger is key, "list[k=v,...]"
// for the element whose fields match.
func (d *Deal) CheckResult(n int, result []byte) []string {
	var root any
	if err := json.Unmarshal(result, &root); err != nil {
		return []string{fmt.Sprintf("period %d: result: %v", n, err)}
	}
	var bad []string
	for _, f := range d.Expected {
		if f.Period != n {
			continue
		}
		if got, err := lookup(root, f.Name); err != nil || got != f.Value {
			bad = append(bad, fmt.Sprintf("period %d %s = %q (%v), hand-worked %s", n, f.Name, got, err, f.Value))
		}
	}
	return bad
}

// lookup walks path through a decoded JSON value.
func lookup(v any, path string) (string, error) {
	for path != "" {
		var seg string
		seg, path = nextSegment(path)
		name, sel, _ := strings.Cut(seg, "[")
		obj, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("%s: not an object", name)
		}
		if v, ok = obj[name]; !ok {
			return "", fmt.Errorf("no field %s", name)
		}
		if sel != "" {
			var err error
			if v, err = selectElement(v, strings.TrimSuffix(sel, "]")); err != nil {
				return "", err
			}
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	if v == nil {
		return "", fmt.Errorf("null")
	}
	return fmt.Sprint(v), nil
}

// nextSegment cuts the path at its first dot outside brackets.
func nextSegment(path string) (seg, rest string) {
	depth := 0
	for i, c := range path {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			return path[:i], path[i+1:]
		}
	}
	return path, ""
}

func selectElement(v any, sel string) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("[%s]: not a list", sel)
	}
	for _, el := range list {
		if obj, ok := el.(map[string]any); ok && selected(obj, sel) {
			return obj, nil
		}
	}
	return nil, fmt.Errorf("no element [%s]", sel)
}

func selected(obj map[string]any, sel string) bool {
	if !strings.Contains(sel, "=") {
		for _, k := range []string{"class", "fee", "account", "trigger"} {
			if obj[k] == sel {
				return true
			}
		}
		return false
	}
	for _, kv := range strings.Split(sel, ",") {
		k, want, _ := strings.Cut(kv, "=")
		if fmt.Sprint(obj[k]) != want {
			return false
		}
	}
	return true
}

// CheckStatement compares the trustee statement of period n with its
// hand-worked figures where the statement prints them: the payment date,
// available funds, each class's accrual days, interest due and ending
// balance, the adjusted pool, OC and its target, the cumulative net loss.
func (d *Deal) CheckStatement(n int, st statement.Statement) []string {
	got := map[string]string{
		"paymentDate.adjusted":        st.PaymentDate.String(),
		"availableFunds.total":        st.AvailableFunds.Total.String(),
		"pool.endingBalance":          st.Pool.EndingPoolBalance.String(),
		"pool.adjusted.endingBalance": st.Pool.EndingAdjustedPool.String(),
		"pool.overcollateralization":  st.Pool.Overcollateralization.String(),
		"pool.ocTarget":               st.Pool.OCTarget.String(),
		"pool.cumulativeNetLoss":      st.Performance.CumulativeNetLoss.String(),
	}
	for _, c := range st.Notes {
		got["classes["+c.Class+"].accrualDays"] = fmt.Sprint(c.AccrualDays)
		got["classes["+c.Class+"].interestDue"] = c.InterestDue.String()
		got["classes["+c.Class+"].endingBalance"] = c.EndingBalance.String()
	}
	var bad []string
	checked := 0
	for _, f := range d.Expected {
		if v, ok := got[f.Name]; ok && f.Period == n {
			checked++
			if v != f.Value {
				bad = append(bad, fmt.Sprintf("statement period %d %s = %s, hand-worked %s", n, f.Name, v, f.Value))
			}
		}
	}
	if checked == 0 {
		bad = append(bad, fmt.Sprintf("statement period %d: no hand-worked figure to check", n))
	}
	return bad
}

// SeasonedTape is the pool as of the end of period n, for a deal moved
// onto the ledger then: every loan still outstanding at its balance and
// delinquency after period n's rows, cut off at the end of period n's
// collection month.
func (d *Deal) SeasonedTape(n int) ([]loantape.Loan, error) {
	tape, err := d.Tape()
	if err != nil {
		return nil, err
	}
	rows, err := d.Rows(n)
	if err != nil {
		return nil, err
	}
	last := map[string]loantape.PeriodRow{}
	for _, r := range rows {
		last[r.AssetNumber] = r
	}
	cutoff := Cutoff.AddMonths(n).LastDay()
	var out []loantape.Loan
	for _, l := range tape {
		r, ok := last[l.AssetNumber]
		if !ok || r.ReportingPeriodActualEndBalanceAmount == 0 {
			continue
		}
		l.ReportingPeriodEndingDate, l.ReportingPeriodActualEndBalanceAmount = cutoff, r.ReportingPeriodActualEndBalanceAmount
		l.RemainingTermToMaturityNumber, l.CurrentDelinquencyStatus = r.RemainingTermToMaturityNumber, r.CurrentDelinquencyStatus
		out = append(out, l)
	}
	return out, nil
}
