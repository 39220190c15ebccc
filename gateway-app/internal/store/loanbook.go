package store

import (
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The loan book is what this gateway knows of a pool's loans from the files it
// uploaded itself: each loan's last reported ending balance, and the
// Merkle roots of the tape and of each complete report. Loan data is
// private (the loanTape collection) and never in an event, so the book is
// written by the upload pipeline, not by the listener.
//
// It lets the gateway refuse a report row naming a loan that is not in the
// pool, or whose beginning balance is not the loan's last ending balance,
// before anything is submitted, so that such a report is refused whole
// rather than after half its chunks. The book is used only when it
// provably matches the ledger: its tape root equals the sealed pool's
// root, and its root of the previous period's report equals the root the
// ledger published (see Synced). Otherwise (another gateway uploaded a
// file) the chaincode's own chunk checks stand alone.
type (
	// LoanBookReader reads the loan book.
	LoanBookReader interface {
		// Tape returns the recorded tape, if this gateway uploaded it in full.
		Tape(pool string) (BookTape, bool, error)
		// ReportRoot returns the root recorded for period's report.
		ReportRoot(pool string, period int) (string, bool, error)
		// Prior answers a loan's balance at the end of the period before period.
		Prior(pool string, period int, asset string) (loantape.PriorLoan, bool, error)
		// Synced reports whether the book matches the ledger for a report of period.
		Synced(pool string, period int, ledgerTapeRoot, ledgerPreviousRoot string) (bool, error)
		// LoansAt calls each with every loan as it stood at the end of
		// period (0: cut-off), in asset-number order (see loanbook_at.go).
		LoansAt(pool string, period int, each func(BookLoanAt) error) error
	}
	// LoanBookWriter records what the upload workflow submitted.
	LoanBookWriter interface {
		PutTapeLoans(pool string, loans []loantape.Loan) error
		FinishTape(pool, root string, loans int) error
		PutReportRows(pool string, period int, rows []loantape.PeriodRow) error
		FinishReport(pool string, period int, root string) error
	}
)

// Buckets: loanbook/<pool>/loans (asset number → BookLoan) and
// loanbook/<pool>/meta ("tape" → BookTape, "report/<period>" → root).
const bucketLoanBook = "loanbook"

// BookLoan is one loan's balances: End at the end of Period (0: cut-off),
// Prior before Period (what stands while a report of Period is retried);
// Now and Before are its rate, remaining term and delinquency at those
// two points, and OriginalTerm its term at origination (projections read
// them: package projection).
type BookLoan struct {
	Period       int          `json:"p"`
	End          money.Amount `json:"e"`
	Prior        money.Amount `json:"b"`
	OriginalTerm int          `json:"o,omitempty"`
	Now          LoanTerms    `json:"n,omitzero"`
	Before       LoanTerms    `json:"pn,omitzero"`
}

// BookTape records a tape uploaded in full.
type BookTape struct {
	Root  string `json:"root"`
	Loans int    `json:"loans"`
}

func bookBuckets(tx *bbolt.Tx, pool string) (loans, meta *bbolt.Bucket, err error) {
	if loans, err = bucket(tx, bucketLoanBook, pool, "loans"); err != nil {
		return nil, nil, err
	}
	meta, err = bucket(tx, bucketLoanBook, pool, "meta")
	return loans, meta, err
}

// PutTapeLoans records the cut-off balances of loans added to the pool.
func (t txn) PutTapeLoans(pool string, loans []loantape.Loan) error {
	b, _, err := bookBuckets(t.tx, pool)
	if err != nil {
		return err
	}
	for _, l := range loans {
		bal := l.ReportingPeriodActualEndBalanceAmount
		terms := LoanTerms{Rate: l.ReportingPeriodInterestRatePercentage, RemainingTerm: l.RemainingTermToMaturityNumber,
			DaysPastDue: l.CurrentDelinquencyStatus}
		book := BookLoan{End: bal, Prior: bal, OriginalTerm: l.OriginalLoanTerm, Now: terms, Before: terms}
		if err := putJSON(b, []byte(l.AssetNumber), book); err != nil {
			return err
		}
	}
	return nil
}

// FinishTape records the root and size of the whole tape.
func (t txn) FinishTape(pool, root string, loans int) error {
	_, meta, err := bookBuckets(t.tx, pool)
	if err != nil {
		return err
	}
	return putJSON(meta, []byte("tape"), BookTape{Root: root, Loans: loans})
}

// Tape returns the recorded tape, if this gateway uploaded it in full.
func (t txn) Tape(pool string) (BookTape, bool, error) {
	meta, err := bucket(t.tx, bucketLoanBook, pool, "meta")
	if err != nil {
		return BookTape{}, false, err
	}
	var tape BookTape
	found, err := getJSON(meta, []byte("tape"), &tape)
	return tape, found, err
}

// PutReportRows records the ending balances of a report's rows for
// period. Rows of a period already recorded (an earlier attempt) keep
// their prior balance.
func (t txn) PutReportRows(pool string, period int, rows []loantape.PeriodRow) error {
	b, _, err := bookBuckets(t.tx, pool)
	if err != nil {
		return err
	}
	for _, r := range rows {
		var l BookLoan
		if _, err := getJSON(b, []byte(r.AssetNumber), &l); err != nil {
			return err
		}
		if l.Period < period {
			l.Prior, l.Before, l.Period = l.End, l.Now, period
		}
		l.End = r.ReportingPeriodActualEndBalanceAmount
		l.Now = LoanTerms{Rate: r.ReportingPeriodInterestRatePercentage, RemainingTerm: r.RemainingTermToMaturityNumber,
			DaysPastDue: r.CurrentDelinquencyStatus}
		if err := putJSON(b, []byte(r.AssetNumber), l); err != nil {
			return err
		}
	}
	return nil
}

// FinishReport records the Merkle root of a complete report of period.
func (t txn) FinishReport(pool string, period int, root string) error {
	_, meta, err := bookBuckets(t.tx, pool)
	if err != nil {
		return err
	}
	return meta.Put([]byte("report/"+strconv.Itoa(period)), []byte(root))
}

// ReportRoot returns the root recorded for period's report.
func (t txn) ReportRoot(pool string, period int) (string, bool, error) {
	meta, err := bucket(t.tx, bucketLoanBook, pool, "meta")
	if err != nil || meta == nil {
		return "", false, err
	}
	v := meta.Get([]byte("report/" + strconv.Itoa(period)))
	return string(v), v != nil, nil
}

// Prior answers, for a report of period, a loan's balance at the end of
// the previous period: its last recorded ending balance, or the balance
// before period when rows of period were recorded by an earlier attempt.
func (t txn) Prior(pool string, period int, asset string) (loantape.PriorLoan, bool, error) {
	b, err := bucket(t.tx, bucketLoanBook, pool, "loans")
	if err != nil {
		return loantape.PriorLoan{}, false, err
	}
	var l BookLoan
	found, err := getJSON(b, []byte(asset), &l)
	if err != nil || !found {
		return loantape.PriorLoan{}, false, err
	}
	if l.Period >= period {
		return loantape.PriorLoan{EndBalance: l.Prior}, true, nil
	}
	return loantape.PriorLoan{EndBalance: l.End}, true, nil
}

// Synced reports whether the book matches the ledger for a report of
// period: the tape root equals ledgerTapeRoot and, after period 1, the
// previous report's root equals ledgerPreviousRoot.
func (t txn) Synced(pool string, period int, ledgerTapeRoot, ledgerPreviousRoot string) (bool, error) {
	tape, found, err := t.Tape(pool)
	if err != nil || !found || tape.Root != ledgerTapeRoot {
		return false, err
	}
	if period <= 1 {
		return true, nil
	}
	root, found, err := t.ReportRoot(pool, period-1)
	return found && root == ledgerPreviousRoot && root != "", err
}
