package distribution

import (
	"errors"
	"strconv"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// A servicer report reaches the ledger as a header with the declared
// totals (public) and then chunks of loan rows (private), each with the
// aggregate the gateway computed for it. The chaincode recomputes every
// chunk's aggregate from its rows, refuses a chunk whose rows break a rule
// or whose declared aggregate differs, adds accepted chunks up, and lets
// the report be certified only when the sum equals the declared totals.

// LoanLedger is what chunk validation needs from the ledger.
type LoanLedger interface {
	// Prior returns the loan's balance at the end of its last certified or
	// reported period (its cut-off balance before any report); ok=false
	// means the pool has no such loan.
	Prior(assetNumber string) (prior loantape.PriorLoan, ok bool)
	// ReportedIn returns the chunk of this report that already carried the
	// loan, if any.
	ReportedIn(assetNumber string) (chunk int, ok bool)
}

// MaxRowErrorsShown bounds how many row errors one refusal lists: enough
// to fix a file, short enough for a chaincode response.
const MaxRowErrorsShown = 10

// ValidateChunk checks every row of a chunk (the loantape rules, the
// report's period, the loan's membership of the pool and its beginning
// balance against the ledger, no loan reported twice in one report) and
// reconciles the chunk's declared aggregate with the rows. It returns the
// aggregate recomputed from the rows. Rows are numbered by file line from
// c.FirstLine (or from 1 when the gateway sent no lines).
func ValidateChunk(c loantape.ReportChunk, period loantape.Period, ledger LoanLedger) (loantape.ReportAggregates, error) {
	return ValidateChunkAs(assetclass.Auto, c, period, ledger)
}

// ValidateChunkAs is ValidateChunk for a pool of the given asset class:
// the loantape rules that do not fit the class are left to the class's own
// checks (assetclass.Info.SkipLoantapeRules).
func ValidateChunkAs(class assetclass.Class, c loantape.ReportChunk, period loantape.Period, ledger LoanLedger) (loantape.ReportAggregates, error) {
	where := "chunk " + strconv.Itoa(c.Index)
	if len(c.Rows) == 0 {
		return loantape.ReportAggregates{}, errs.Field("chunk.rows", "%s has no rows", where)
	}
	v, err := loantape.NewReportValidator(assetclass.ReportRules(class, loantape.ReportRules{Period: period, Lookup: ledger.Prior}))
	if err != nil {
		return loantape.ReportAggregates{}, errs.New(errs.Internal, "report validator: %v", err)
	}
	first := c.FirstLine
	if first <= 0 {
		first = 1
	}
	var dup []*loantape.RowError
	for i, row := range c.Rows {
		line := first + i
		if chunk, ok := ledger.ReportedIn(row.AssetNumber); ok && row.AssetNumber != "" {
			dup = append(dup, &loantape.RowError{Line: line, AssetNumber: row.AssetNumber, Field: "assetNumber",
				Rule: loantape.RuleDuplicateAsset, Msg: "assetNumber " + row.AssetNumber + " was already reported in chunk " + strconv.Itoa(chunk)})
			continue
		}
		if !v.Check(line, row) {
			break
		}
	}
	if err := RowsError(where, join(dup, v.Err())); err != nil {
		return loantape.ReportAggregates{}, err
	}
	got := v.Aggregates()
	if err := got.Reconcile(c.Aggregates); err != nil {
		return loantape.ReportAggregates{}, RowsError(where+" declared aggregate", err)
	}
	return got, nil
}

// join merges duplicate errors found against the ledger with the
// validator's verdict, ordered by line.
func join(dup []*loantape.RowError, verdict error) error {
	var ve *loantape.ValidationError
	if verdict != nil && !errors.As(verdict, &ve) {
		return verdict
	}
	if len(dup) == 0 {
		return verdict
	}
	all := append([]*loantape.RowError(nil), dup...)
	if ve != nil {
		all = append(all, ve.Errors...)
	}
	// Stable insertion sort by line: both lists are already in line order.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].Line < all[j-1].Line; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return &loantape.ValidationError{Errors: all, Limited: ve != nil && ve.Limited}
}

// RowsError turns a loantape verdict into a BAD_INPUT error whose message
// lists the first MaxRowErrorsShown row errors, each naming its line,
// loan, field and rule; Field is the first error's field. Other errors
// keep their code (INTERNAL when they have none). nil stays nil.
func RowsError(where string, err error) error {
	if err == nil {
		return nil
	}
	var ve *loantape.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) == 0 {
		return errs.Wrap(err, "%s", where)
	}
	var b strings.Builder
	b.WriteString(where)
	b.WriteString(" refused, ")
	b.WriteString(strconv.Itoa(len(ve.Errors)))
	if len(ve.Errors) == 1 {
		b.WriteString(" row error")
	} else {
		b.WriteString(" row errors")
	}
	if ve.Limited {
		b.WriteString(" (checking stopped at the limit)")
	}
	for i, re := range ve.Errors {
		if i == MaxRowErrorsShown {
			b.WriteString("; and " + strconv.Itoa(len(ve.Errors)-i) + " more")
			break
		}
		b.WriteString("; ")
		b.WriteString(re.Error())
	}
	return &errs.Error{Code: errs.BadInput, Field: ve.Errors[0].Field, Msg: b.String()}
}

// AddChunk adds an accepted chunk's aggregate to the running total.
func AddChunk(total, chunk loantape.ReportAggregates) (loantape.ReportAggregates, error) {
	sum, err := total.Add(chunk)
	if err != nil {
		return loantape.ReportAggregates{}, errs.New(errs.Overflow, "adding the chunk to the report's total: %v", err)
	}
	return sum, nil
}

// ReconcileReport compares the sum of the accepted chunks with the totals
// the servicer declared in the report header. Every differing field is
// named (rule totals).
func ReconcileReport(fromRows, declared loantape.ReportAggregates) error {
	return RowsError("report totals", fromRows.Reconcile(declared))
}

// CheckDeclared verifies a report header's declared totals on their own,
// before any row arrives: the period is the one expected, the counts and
// the pool roll forward add up, and the beginning balance is the pool
// balance the last certified period left (the continuity of the pool).
func CheckDeclared(a loantape.ReportAggregates, want loantape.Period, poolBalance money.Amount) error {
	switch {
	case a.Period != want:
		return errs.Field("aggregates.period", "want period %d from %s to %s, got %d from %s to %s",
			want.Number, want.Beginning, want.Ending, a.Period.Number, a.Period.Beginning, a.Period.Ending)
	case a.LoanCount <= 0:
		return errs.Field("aggregates.loanCount", "a report has at least one row, got %d", a.LoanCount)
	case a.ActiveCount+a.PaidOffCount+a.ChargedOffCount+a.ZeroBalanceCount != a.LoanCount:
		return errs.Field("aggregates.loanCount", "%d != active %d + paid off %d + charged off %d + zero balance %d",
			a.LoanCount, a.ActiveCount, a.PaidOffCount, a.ChargedOffCount, a.ZeroBalanceCount)
	case a.BeginningBalance != poolBalance:
		return errs.Field("aggregates.beginningBalance", "%s != the pool balance %s at the end of the last certified period",
			a.BeginningBalance, poolBalance)
	}
	amounts := []struct {
		name string
		v    money.Amount
	}{
		{"beginningBalance", a.BeginningBalance}, {"totalCollected", a.TotalCollected},
		{"interestCollected", a.InterestCollected}, {"scheduledPrincipal", a.ScheduledPrincipal},
		{"prepayments", a.Prepayments}, {"otherCollected", a.OtherCollected},
		{"chargedOffPrincipal", a.ChargedOffPrincipal}, {"recoveries", a.Recoveries},
		{"repossessionProceeds", a.RepossessionProceeds}, {"endingBalance", a.EndingBalance},
	}
	for _, f := range amounts {
		if f.v < 0 || f.v > money.MaxAmount/4 {
			return errs.Field("aggregates."+f.name, "%s is out of range", f.v)
		}
	}
	rolled := a.BeginningBalance - a.ScheduledPrincipal - a.Prepayments - a.ChargedOffPrincipal - a.OtherPrincipalAdjustments
	if rolled != a.EndingBalance {
		return errs.Field("aggregates.endingBalance", "pool does not roll forward: beginning %s − scheduled %s − prepayments %s − charged off %s − other adjustments %s = %s, declared %s (rule balance-rollforward)",
			a.BeginningBalance, a.ScheduledPrincipal, a.Prepayments, a.ChargedOffPrincipal, a.OtherPrincipalAdjustments, rolled, a.EndingBalance)
	}
	return nil
}
