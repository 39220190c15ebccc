package resources

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/projection"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Where a projection's collateral comes from, and how the loan book is
// projected.
//
// Loan-level data is private (the loanTape collection, held by the
// servicer's and the trustee's peers) and the chaincode has no bulk read
// of it: reading 10,000 loans one Pool:GetLoan at a time is far too slow
// for a request. So only a gateway that keeps a loan book (store's
// LoanBookReader) projects from loans: the one that uploaded the tape and
// the reports, which in this consortium is the servicer's. The trustee's
// gateway, though its peer holds the collection, has no book, and falls
// back to the pool's public aggregates like any other member.
const (
	sourceLoanBook       = "loanBook"
	sourcePoolAggregates = "poolAggregates"
	sourceRequest        = "request"

	collateralRepLines = "repLines"
	collateralLoans    = "loans"
)

// RepLineBands are the widths of the bands loans are grouped by.
type RepLineBands struct {
	RateBand decimal.Decimal `json:"rateBand" doc:"width of a rate band, a fraction (0.01: one point)"`
	TermBand int             `json:"termBand" doc:"width of a remaining-term band, in months"`
}

// Default bands: one point of rate × a year of remaining term.
var defaultBands = RepLineBands{RateBand: decimal.RequireFromString("0.01"), TermBand: 12}

func (b *RepLineBands) validate() error {
	if b == nil {
		return nil
	}
	if !b.RateBand.IsPositive() || b.RateBand.GreaterThan(decimal.NewFromInt(1)) {
		return api.BadInput("bands.rateBand", "must be a fraction above 0 and at most 1, got %s", b.RateBand)
	}
	if b.TermBand < 1 || b.TermBand > projection.MaxMonths {
		return api.BadInput("bands.termBand", "must be 1 to %d months, got %d", projection.MaxMonths, b.TermBand)
	}
	return nil
}

// collateral picks the loans to project from the state after period
// (pool balance poolBalance) and records the choice in out: the request's
// lines, scaled to the pool; else the loan book, when this gateway keeps
// one that matches the ledger at period; else one line from the pool's
// public aggregates, scaled to the pool.
func (r *resources) collateral(c *api.Call, deal, poolID string, period int, poolBalance money.Amount, req *ProjectionRequest, out *ProjectionAnswer) ([]projection.Loan, error) {
	loans := req.Loans
	out.CollateralSource = sourceRequest
	if len(loans) == 0 {
		view, err := askJSON[schema.PoolView](c, "Pool:Get", poolID)
		if err != nil {
			return nil, err
		}
		book, note, err := r.bookLoans(c, deal, view.Pool, period, poolBalance)
		if err != nil {
			return nil, err
		}
		if book != nil {
			out.CollateralSource = sourceLoanBook
			if req.Collateral == collateralLoans {
				return book, nil
			}
			bands := defaultBands
			if req.Bands != nil {
				bands = *req.Bands
			}
			lines, err := projection.RepLines(book, bands.RateBand, bands.TermBand)
			if err != nil {
				return nil, api.BadInput("bands", "%v", err)
			}
			return lines, nil
		}
		out.CollateralSource, out.CollateralNote = sourcePoolAggregates, note
		if loans, err = poolLine(view.Pool, period); err != nil {
			return nil, err
		}
	}
	if poolBalance == 0 {
		return nil, nil
	}
	scaled, err := projection.ScaleTo(loans, poolBalance)
	if err != nil {
		return nil, api.BadInput("loans", "%v", err)
	}
	return scaled, nil
}

// bookLoans reads the pool's loans with a balance as they stood at the
// end of period from this gateway's loan book, when the book provably is
// the ledger's: its tape root is the sealed pool's, its report of period
// has the root the ledger published, and its balances add up to the
// certified pool balance to the cent. Otherwise it answers no loans and a
// note saying why.
func (r *resources) bookLoans(c *api.Call, deal string, pool schema.Pool, period int, poolBalance money.Amount) ([]projection.Loan, string, error) {
	if pool.MerkleRoot == "" {
		return nil, fmt.Sprintf("pool %s is not sealed", pool.ID), nil
	}
	reportRoot := ""
	if period > 0 {
		rep, found, err := reportOf(c, deal, period)
		if err != nil {
			return nil, "", err
		}
		if !found || rep.MerkleRoot == "" {
			return nil, fmt.Sprintf("the ledger has no complete report of period %d", period), nil
		}
		reportRoot = rep.MerkleRoot
	}
	var (
		loans []projection.Loan
		note  string
		sum   money.Amount
	)
	err := r.store.View(func(book store.Reader) error {
		tape, found, err := book.Tape(pool.ID)
		if err != nil {
			return err
		}
		if !found {
			note = fmt.Sprintf("this gateway keeps no loan book for pool %s: only the gateway that uploaded its tape and reports (the servicer's) does", pool.ID)
			return nil
		}
		if tape.Root != pool.MerkleRoot {
			note = fmt.Sprintf("this gateway's loan book holds another tape of pool %s (root %s, the ledger's %s)", pool.ID, tape.Root, pool.MerkleRoot)
			return nil
		}
		if period > 0 {
			root, found, err := book.ReportRoot(pool.ID, period)
			if err != nil {
				return err
			}
			if !found || root != reportRoot {
				note = fmt.Sprintf("this gateway's loan book does not hold the ledger's report of period %d (another gateway uploaded it)", period)
				return nil
			}
		}
		return book.LoansAt(pool.ID, period, func(l store.BookLoanAt) error {
			if l.Balance == 0 {
				return nil
			}
			sum += l.Balance
			loans = append(loans, projection.Loan{
				ID: l.Asset, Balance: l.Balance, Rate: l.Rate, RemainingTerm: max(1, l.RemainingTerm),
				Age: max(0, l.OriginalTerm-l.RemainingTerm), Count: 1, MonthsPastDue: projection.MonthsPastDueOf(l.DaysPastDue),
			})
			return nil
		})
	})
	switch {
	case errors.Is(err, store.ErrBookNotAt):
		return nil, err.Error(), nil
	case err != nil:
		return nil, "", err
	case note != "":
		return nil, note, nil
	case sum != poolBalance:
		return nil, fmt.Sprintf("this gateway's loan book adds up to %s at period %d, not the certified pool balance %s", sum, period, poolBalance), nil
	case len(loans) == 0:
		return nil, "", nil // an empty pool: nothing to project, from any source
	}
	return loans, "", nil
}
