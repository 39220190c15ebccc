package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Replay recomputes a certified period from the ledger's public inputs,
// read afresh: the waterfall version it ran under, the state the previous
// certification left (the closing state for period 1), the report's
// totals and header, the posted fixings and the payment day. It answers
// whether the result equals the stored one byte for byte and the inputs
// hash the stored hash (distribution.Verdict). The gateway app can do the
// same without the chaincode with distribution.Replay.
func (c *Contract) Replay(ctx *txn.Context, dealID, period string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	cert, found, err := readCertification(ctx, f.deal.ID, p)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "deal %s period %d is not certified", f.deal.ID, p)
	}
	in, err := replayInputs(ctx, f, cert)
	if err != nil {
		return "", err
	}
	v, err := distribution.Replay(in, cert.Result, cert.InputsHash)
	if err != nil {
		return "", errs.Wrap(err, "deal %s period %d replay", f.deal.ID, p)
	}
	return jsonString(v)
}

// replayInputs rebuilds a certified period's inputs from the records they
// came from.
func replayInputs(ctx *txn.Context, f *dealFacts, cert schema.Certification) (distribution.Inputs, error) {
	if err := f.loadWaterfall(ctx, cert.WaterfallVersion); err != nil {
		return distribution.Inputs{}, err
	}
	prior, err := priorState(ctx, f, cert.Period)
	if err != nil {
		return distribution.Inputs{}, err
	}
	r, found, err := readReport(ctx, f.deal.ID, cert.Period)
	if err != nil {
		return distribution.Inputs{}, err
	}
	if !found || r.Attempt != cert.ReportAttempt {
		return distribution.Inputs{}, errs.New(errs.Internal, "deal %s period %d: the certified report attempt %d is not on the ledger", f.deal.ID, cert.Period, cert.ReportAttempt)
	}
	// The trustee's declaration is consumed by the certification it
	// applied to; its record is the certification's own inputs.
	in, err := periodInputs(ctx, f, r, cert.Inputs.DeclareEventOfDefault, nil)
	if err != nil {
		return distribution.Inputs{}, err
	}
	return distribution.Inputs{Definition: f.def, Prior: prior, Period: in}, nil
}

// priorState is the waterfall state before a period: the state the
// previous certification's result left, the state a seasoned deal was
// opened with (OpenAt) for the period after its certificate's, or the
// closing state.
func priorState(ctx *txn.Context, f *dealFacts, period int) (waterfall.State, error) {
	if f.svc.OpenedAt > 0 && period == f.svc.OpenedAt+1 {
		o, found, err := readOpening(ctx, f.deal.ID)
		if err != nil {
			return waterfall.State{}, err
		}
		if !found {
			return waterfall.State{}, errs.New(errs.Internal, "deal %s was opened at period %d but its opening record is missing", f.deal.ID, f.svc.OpenedAt)
		}
		return o.State, nil
	}
	var previous []byte
	if period > 1 {
		prev, found, err := readCertification(ctx, f.deal.ID, period-1)
		if err != nil {
			return waterfall.State{}, err
		}
		if !found {
			return waterfall.State{}, errs.New(errs.Internal, "deal %s: period %d is certified but period %d is not", f.deal.ID, period, period-1)
		}
		previous = prev.Result
	}
	s, err := distribution.PriorState(f.def, previous)
	if err != nil {
		return waterfall.State{}, errs.New(errs.Internal, "deal %s period %d: %v", f.deal.ID, period-1, err)
	}
	return s, nil
}

// GetCertification returns a certified period's record: inputs and their
// hash, the waterfall result, the cash moved, the per-unit distributions
// and the proof of reserve.
func (c *Contract) GetCertification(ctx *txn.Context, dealID, period string) (string, error) {
	cert, err := certificationArg(ctx, dealID, period)
	if err != nil {
		return "", err
	}
	return jsonString(cert)
}

// ProofOfReserve returns a certified period's proof of reserve: the
// attested pool balance × the deal's required collateralization against
// the notes outstanding after the period's payments, with the Merkle root
// of the report rows behind the pool balance.
func (c *Contract) ProofOfReserve(ctx *txn.Context, dealID, period string) (string, error) {
	cert, err := certificationArg(ctx, dealID, period)
	if err != nil {
		return "", err
	}
	r, _, err := readReport(ctx, cert.Deal, cert.Period)
	if err != nil {
		return "", err
	}
	return jsonString(schema.ReserveProof{Deal: cert.Deal, Period: cert.Period, Reserve: cert.Reserve, MerkleRoot: r.MerkleRoot, CertifiedTx: cert.CertifiedTx})
}

func certificationArg(ctx *txn.Context, dealID, period string) (schema.Certification, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return schema.Certification{}, err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return schema.Certification{}, err
	}
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return schema.Certification{}, err
	}
	cert, found, err := readCertification(ctx, id, p)
	if err != nil {
		return schema.Certification{}, err
	}
	if !found {
		return schema.Certification{}, errs.New(errs.NotFound, "deal %s period %d is not certified", id, p)
	}
	return cert, nil
}
