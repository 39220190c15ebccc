package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// dealFacts are the public records most functions start from: the deal,
// its pool and, once the arranger set a waterfall, the deal's servicing
// record and the definition in force.
type dealFacts struct {
	deal schema.Deal
	pool schema.Pool
	// svc is set once a waterfall has been set (svcFound).
	svc      schema.DealServicing
	svcFound bool
	wf       schema.Waterfall
	def      waterfall.Definition
}

// loadDeal reads the deal and its pool; with needWaterfall it also reads
// the servicing record and the definition in force, and refuses a deal
// that has none.
func loadDeal(ctx *txn.Context, dealID string, needWaterfall bool) (*dealFacts, error) {
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return nil, err
	}
	f := &dealFacts{}
	found, err := ctx.Get(ctx.MustKey(schema.TypeDeal, id), &f.deal)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.New(errs.NotFound, "deal %s not found", id)
	}
	if found, err = ctx.Get(ctx.MustKey(schema.TypePool, f.deal.Pool), &f.pool); err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.New(errs.Internal, "deal %s names pool %s, which does not exist", id, f.deal.Pool)
	}
	if f.svcFound, err = ctx.Get(ctx.MustKey(schema.TypeDealServicing, id), &f.svc); err != nil {
		return nil, err
	}
	if !needWaterfall {
		return f, nil
	}
	if !f.svcFound {
		return nil, errs.New(errs.WrongState, "deal %s has no waterfall: the arranger must call SetWaterfall first", id)
	}
	if err := f.loadWaterfall(ctx, f.svc.WaterfallVersion); err != nil {
		return nil, err
	}
	return f, nil
}

// loadWaterfall reads and decodes one version of the deal's waterfall.
func (f *dealFacts) loadWaterfall(ctx *txn.Context, version int) error {
	key := ctx.MustKey(schema.TypeWaterfall, f.deal.ID, schema.PeriodKey(version))
	found, err := ctx.Get(key, &f.wf)
	if err != nil {
		return err
	}
	if !found {
		return errs.New(errs.Internal, "deal %s: waterfall version %d is missing", f.deal.ID, version)
	}
	if f.def, err = waterfall.ParseDefinition(f.wf.Definition); err != nil {
		return errs.New(errs.Internal, "deal %s: stored waterfall version %d is invalid: %v", f.deal.ID, version, err)
	}
	return nil
}

// trancheOf returns the tranche paying a class.
func (f *dealFacts) trancheOf(class string) (string, bool) {
	for _, ct := range f.wf.Classes {
		if ct.Class == class {
			return ct.Tranche, true
		}
	}
	return "", false
}

// readTranche reads a tranche's public record.
func readTranche(ctx *txn.Context, id string) (schema.Tranche, error) {
	var t schema.Tranche
	found, err := ctx.Get(ctx.MustKey(schema.TypeTranche, id), &t)
	if err != nil {
		return t, err
	}
	if !found {
		return t, errs.New(errs.NotFound, "tranche %s not found", id)
	}
	return t, nil
}

// requirePeriod parses a period argument: 1 to 9999.
func requirePeriod(s string) (int, error) {
	n, err := args.ParseUnits("period", s)
	if err != nil {
		return 0, err
	}
	if n > 9999 {
		return 0, errs.Field("period", "must be at most 9999, got %d", n)
	}
	return int(n), nil
}

// reportKey, certificationKey... build the contract's keys from validated
// components.
func reportKey(ctx *txn.Context, deal string, period int) string {
	return ctx.MustKey(schema.TypeReport, deal, schema.PeriodKey(period))
}

func certificationKey(ctx *txn.Context, deal string, period int) string {
	return ctx.MustKey(schema.TypeCertification, deal, schema.PeriodKey(period))
}

func servicingKey(ctx *txn.Context, deal string) string {
	return ctx.MustKey(schema.TypeDealServicing, deal)
}

// readReport reads a report; found is false when none was submitted.
func readReport(ctx *txn.Context, deal string, period int) (schema.Report, bool, error) {
	var r schema.Report
	found, err := ctx.Get(reportKey(ctx, deal, period), &r)
	return r, found, err
}

// readCertification reads a certified period.
func readCertification(ctx *txn.Context, deal string, period int) (schema.Certification, bool, error) {
	var c schema.Certification
	found, err := ctx.Get(certificationKey(ctx, deal, period), &c)
	return c, found, err
}

// jsonString returns v as canonical JSON text, the form every query
// returns.
func jsonString(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
