package upload

import (
	"io"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Equipment-lease pools (assetclass.Leases) upload lease CSV files
// (classrows.go): the tape as the lease rows themselves, a report checked
// with the lease rules at the pool's discount rate (terms, each lease's
// discounted balance, end codes) and projected onto the common report rows,
// whose balances are then discounted balances.

// isLeases reports whether the pool holds equipment leases.
func isLeases(p schema.Pool) bool { return assetclass.Class(p.AssetClass) == assetclass.Leases }

// leaseFiles reads and checks a lease pool's files at its discount rate.
func leaseFiles(p schema.Pool) (rowFiles[lease.Row], error) {
	rate, err := decimal.NewFromString(p.DiscountRate)
	if err != nil {
		return rowFiles[lease.Row]{}, errs.New(errs.Internal, "pool %s: discount rate %q: %v", p.ID, p.DiscountRate, err)
	}
	return rowFiles[lease.Row]{
		what: "lease CSV",
		read: func(r io.Reader) rowReader[lease.Row] { return lease.NewReader(r) },
		checkTape: func(r io.Reader, cutoff loantape.Date) (loantape.TapeAggregates, []string, error) {
			rd := lease.NewReader(r)
			agg, err := lease.ValidateTape(rd, lease.TapeRules{Cutoff: cutoff, DiscountRate: &rate, MaxErrors: DefaultMaxErrors})
			return agg, rd.IgnoredColumns(), err
		},
		checkReport: func(r io.Reader, period loantape.Period) error {
			_, _, err := lease.ValidateReport(lease.NewReader(r), lease.ReportRules{Period: period, DiscountRate: &rate, MaxErrors: DefaultMaxErrors})
			return err
		},
	}, nil
}

// leaseTape uploads a lease tape.
func (w Workflow) leaseTape(req TapeRequest, pool schema.Pool, size int, progress TapeProgress, cutoff loantape.Date) (*TapeUpload, error) {
	files, err := leaseFiles(pool)
	if err != nil {
		return nil, err
	}
	return rowsTape(w, files, req, size, progress, cutoff)
}

// leaseReportFile checks a lease servicer report and returns it as
// common rows.
func leaseReportFile(pool schema.Pool, f File, period loantape.Period) (File, error) {
	files, err := leaseFiles(pool)
	if err != nil {
		return File{}, err
	}
	return rowsReportFile(files, f, period)
}
