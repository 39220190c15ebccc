package pool

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// tapeEntry is one loan of a chunk as the pool keeps it: the common loan
// record (whose sums make the public aggregates) and, for a class with
// its own record, that record, which the Merkle leaf commits to.
type tapeEntry struct {
	schema.TapeLoan
}

// canonical is the leaf's bytes: the class's own record when there is one.
func (e tapeEntry) canonical() []byte {
	if e.Mortgage != nil {
		return e.Mortgage.Canonical()
	}
	if e.Lease != nil {
		return e.Lease.Canonical()
	}
	return e.Loan.Canonical()
}

// decodeChunk reads the transient chunk as the pool's asset class says:
// loantape.Loan records for auto pools, mortgage.ALRow rows for mortgage
// pools.
func decodeChunk(p schema.Pool, raw []byte) ([]tapeEntry, error) {
	class, err := assetclass.Parse(p.AssetClass)
	if err != nil {
		return nil, errs.New(errs.Internal, "pool %s: stored asset class: %v", p.ID, err)
	}
	if assetclass.Of(class).PoolLevel {
		return nil, errs.New(errs.WrongState, "pool %s holds %s receivables: it has no loan tape; the monthly pool-level reports go to CardTrust:SubmitReport", p.ID, class)
	}
	var entries []tapeEntry
	switch class {
	case assetclass.Leases:
		if entries, err = decodeLeases(raw); err != nil {
			return nil, err
		}
	case assetclass.Mortgage:
		var rows []mortgage.ALRow
		if err := canon.Unmarshal(raw, &rows); err != nil {
			return nil, errs.Wrap(err, "transient %s", TransientLoans)
		}
		for i := range rows {
			if err := checkDecimals(fmt.Sprintf("%s[%d]", TransientLoans, i), &rows[i]); err != nil {
				return nil, err
			}
			entries = append(entries, tapeEntry{schema.TapeLoan{Loan: rows[i].TapeLoan(), Mortgage: &rows[i]}})
		}
	default:
		var loans []loantape.Loan
		if err := canon.Unmarshal(raw, &loans); err != nil {
			return nil, errs.Wrap(err, "transient %s", TransientLoans)
		}
		for i := range loans {
			if err := checkDecimals(fmt.Sprintf("%s[%d]", TransientLoans, i), &loans[i]); err != nil {
				return nil, err
			}
			entries = append(entries, tapeEntry{schema.TapeLoan{Loan: loans[i]}})
		}
	}
	if len(entries) == 0 || len(entries) > MaxConcurrentChunkLoans {
		return nil, errs.Field(TransientLoans, "a chunk has 1 to %d loans, got %d", MaxConcurrentChunkLoans, len(entries))
	}
	return entries, nil
}

// checkEntries validates a chunk with its class's validator and returns
// the aggregates of the common loan records.
func checkEntries(p schema.Pool, entries []tapeEntry) (loantape.TapeAggregates, error) {
	if len(entries) > 0 && entries[0].Lease != nil {
		return checkLeases(p, entries)
	}
	if len(entries) == 0 || entries[0].Mortgage == nil {
		loans := make([]loantape.Loan, len(entries))
		for i, e := range entries {
			loans[i] = e.Loan
		}
		return checkChunk(p, loans)
	}
	if err := checkAssetNumbers(entries); err != nil {
		return loantape.TapeAggregates{}, err
	}
	cutoff, err := loantape.ParseDate(p.CutoffDate)
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "pool %s: stored cut-off date: %v", p.ID, err)
	}
	v, err := mortgage.NewTapeValidator(mortgage.TapeRules{Cutoff: cutoff})
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "tape validator: %v", err)
	}
	for i, e := range entries {
		v.Check(i+1, *e.Mortgage)
	}
	if err := v.Err(); err != nil {
		return loantape.TapeAggregates{}, rowErrors(err)
	}
	return v.Aggregates(), nil
}

// checkAssetNumbers refuses an asset number the ledger cannot key.
func checkAssetNumbers(entries []tapeEntry) error {
	for i, e := range entries {
		if _, err := schema.ParseAssetNumber(fmt.Sprintf("%s[%d].assetNumber", TransientLoans, i), e.Loan.AssetNumber); err != nil {
			return err
		}
	}
	return nil
}
