package pool

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// validateDiscountRate: a lease pool names the deal's discount rate, at
// which every lease on its tape must be valued; other classes have none.
func validateDiscountRate(class, rate string) error {
	if class != string(assetclass.Leases) {
		if rate != "" {
			return errs.Field("discountRate", "only a %s pool has a discount rate", assetclass.Leases)
		}
		return nil
	}
	if _, err := parseDiscountRate(rate); err != nil {
		return errs.Field("discountRate", "%v", err)
	}
	return nil
}

func parseDiscountRate(s string) (decimal.Decimal, error) {
	if !loantape.IsPlainDecimal(s) {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal fraction (0.065 for 6.5%%)", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal fraction", s)
	}
	if d.Sign() < 0 || !d.LessThan(lease.MaxDiscountRate) || !d.Equal(d.Truncate(lease.MaxRatePlaces)) {
		return decimal.Decimal{}, fmt.Errorf("%s is outside [0, %s) or has more than %d places", s, lease.MaxDiscountRate, lease.MaxRatePlaces)
	}
	return d, nil
}

// decodeLeases reads a lease pool's chunk: lease.Row records.
func decodeLeases(raw []byte) ([]tapeEntry, error) {
	var rows []lease.Row
	if err := canon.Unmarshal(raw, &rows); err != nil {
		return nil, errs.Wrap(err, "transient %s", TransientLoans)
	}
	entries := make([]tapeEntry, 0, len(rows))
	for i := range rows {
		if err := checkDecimals(fmt.Sprintf("%s[%d]", TransientLoans, i), &rows[i]); err != nil {
			return nil, err
		}
		entries = append(entries, tapeEntry{schema.TapeLoan{Loan: rows[i].TapeLoan(), Lease: &rows[i]}})
	}
	return entries, nil
}

// checkLeases runs the lease tape checks on chain (terms, valuation at
// the pool's discount rate, cut-off date) and sums the projections.
func checkLeases(p schema.Pool, entries []tapeEntry) (loantape.TapeAggregates, error) {
	if err := checkAssetNumbers(entries); err != nil {
		return loantape.TapeAggregates{}, err
	}
	cutoff, err := loantape.ParseDate(p.CutoffDate)
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "pool %s: stored cut-off date: %v", p.ID, err)
	}
	rate, err := parseDiscountRate(p.DiscountRate)
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "pool %s: stored discount rate: %v", p.ID, err)
	}
	v, err := lease.NewTapeValidator(lease.TapeRules{Cutoff: cutoff, DiscountRate: &rate})
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "tape validator: %v", err)
	}
	for i, e := range entries {
		v.Check(i+1, *e.Lease)
	}
	if err := v.Err(); err != nil {
		return loantape.TapeAggregates{}, rowErrors(err)
	}
	return v.Aggregates(), nil
}
