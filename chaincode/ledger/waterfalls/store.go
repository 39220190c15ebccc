package waterfalls

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Put stores def as version def.Version of wf.Deal's waterfall, with its
// canonical JSON and hash filled in from def, and returns the record.
// The caller puts the version in force in the deal's servicing record.
func Put(ctx *txn.Context, wf schema.Waterfall, def waterfall.Definition) (schema.Waterfall, error) {
	canonical, err := canon.Marshal(def)
	if err != nil {
		return wf, err
	}
	sum := sha256.Sum256(canonical)
	wf.Version, wf.Definition, wf.DefinitionHash = def.Version, canonical, hex.EncodeToString(sum[:])
	return wf, ctx.Put(ctx.MustKey(schema.TypeWaterfall, wf.Deal, schema.PeriodKey(def.Version)), wf)
}

// InForce is a deal's servicing record and the waterfall version it runs.
type InForce struct {
	Servicing  schema.DealServicing
	Waterfall  schema.Waterfall
	Definition waterfall.Definition
}

// Current reads the version of deal's waterfall in force; a deal without
// one is refused (WRONG_STATE).
func Current(ctx *txn.Context, deal string) (InForce, error) {
	var in InForce
	found, err := ctx.Get(ctx.MustKey(schema.TypeDealServicing, deal), &in.Servicing)
	if err != nil {
		return in, err
	}
	if !found {
		return in, errs.New(errs.WrongState, "deal %s has no waterfall: the arranger must call Servicing:SetWaterfall first", deal)
	}
	key := ctx.MustKey(schema.TypeWaterfall, deal, schema.PeriodKey(in.Servicing.WaterfallVersion))
	if found, err = ctx.Get(key, &in.Waterfall); err != nil {
		return in, err
	}
	if !found {
		return in, errs.New(errs.Internal, "deal %s: waterfall version %d is missing", deal, in.Servicing.WaterfallVersion)
	}
	if in.Definition, err = waterfall.ParseDefinition(in.Waterfall.Definition); err != nil {
		return in, errs.New(errs.Internal, "deal %s: stored waterfall version %d is invalid: %v", deal, in.Servicing.WaterfallVersion, err)
	}
	return in, nil
}
