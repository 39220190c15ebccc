package identity

import (
	"encoding/base64"
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TransientDossiers is the transient field carrying AttestMany's dossiers:
// a JSON list of base64 strings, the i-th the dossier of attestations[i].
const TransientDossiers = "dossiers"

// AttestationInput is one entry of Identity:AttestMany: an investor of the
// caller's bank and its claims (the dossier travels in the transient map).
//
//	{"investor":"Org3MSP/<64 hex>","claims":{"investorType":"qib","jurisdiction":"US","kycExpiry":"2027-01-31T00:00:00Z"}}
type AttestationInput struct {
	Investor string      `json:"investor"`
	Claims   ClaimsInput `json:"claims"`
}

// AttestMany attests many investors of the caller's own MSP in one
// transaction (at most schema.MaxBatchQuery, the bound of Deal:PlaceMany),
// each with exactly the checks and writes of Attest, all or none: a bank
// onboarding a book of investors would otherwise send one transaction
// each, every one endorsed by its bank, the trustee and a majority. The
// bound keeps one transaction's read-write set (four writes and a key
// policy an investor: under 1 KB by estimate, not measured) well inside a
// block's preferred 2 MB. attestationsJSON is a list of {investor,
// claims}; the transient field "dossiers" lists the dossiers in the same
// order. A refused entry names its index, field and rule, and refuses the
// whole batch; an investor listed twice is refused.
func (c *Contract) AttestMany(ctx *txn.Context, attestationsJSON string) error {
	caller, err := ctx.Require(roles.Compliance)
	if err != nil {
		return err
	}
	var list []AttestationInput
	if err := canon.Unmarshal([]byte(attestationsJSON), &list); err != nil {
		return errs.Wrap(err, "attestations")
	}
	if len(list) == 0 || len(list) > schema.MaxBatchQuery {
		return errs.Field("attestations", "%d attestations, want 1 to %d", len(list), schema.MaxBatchQuery)
	}
	dossiers, err := batchDossiers(ctx, len(list))
	if err != nil {
		return err
	}
	checked := make([]attestation, len(list))
	seen := map[string]bool{}
	for i, in := range list {
		f := attestFields{investor: fmt.Sprintf("attestations[%d].investor", i), claims: fmt.Sprintf("attestations[%d].claims", i),
			dossier: fmt.Sprintf("%s[%d]", TransientDossiers, i)}
		a, err := checkAttestation(caller, f, in.Investor, in.Claims, dossiers[i])
		if err != nil {
			return err
		}
		if seen[a.investor.Key()] {
			return errs.Field(f.investor, "%s is listed twice", a.investor.Short())
		}
		seen[a.investor.Key()] = true
		checked[i] = a
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	for _, a := range checked {
		if err := writeAttestation(ctx, a, now); err != nil {
			return err
		}
	}
	return nil
}

// batchDossiers decodes the transient dossiers: one per attestation, and
// together at most schema.MaxBatchDossierBytes.
func batchDossiers(ctx *txn.Context, n int) ([][]byte, error) {
	raw, err := ctx.Transient(TransientDossiers)
	if err != nil {
		return nil, err
	}
	// Refuse an oversized list before decoding it: base64 of the bound,
	// plus quotes, a comma and padding per entry.
	if len(raw) > base64.StdEncoding.EncodedLen(schema.MaxBatchDossierBytes)+8*n+2 {
		return nil, errs.Field(TransientDossiers, "%d bytes; a batch's dossiers have at most %d together", len(raw), schema.MaxBatchDossierBytes)
	}
	var encoded []string
	if err := canon.Unmarshal(raw, &encoded); err != nil {
		return nil, errs.Field(TransientDossiers, "want a JSON list of base64 strings: %v", err)
	}
	if len(encoded) != n {
		return nil, errs.Field(TransientDossiers, "%d dossiers for %d attestations; want one each, in the same order", len(encoded), n)
	}
	out := make([][]byte, n)
	total := 0
	for i, e := range encoded {
		b, err := base64.StdEncoding.DecodeString(e)
		if err != nil {
			return nil, errs.Field(fmt.Sprintf("%s[%d]", TransientDossiers, i), "not base64: %v", err)
		}
		total += len(b)
		if total > schema.MaxBatchDossierBytes {
			return nil, errs.Field(fmt.Sprintf("%s[%d]", TransientDossiers, i), "the dossiers up to this one hold %d bytes; a batch's have at most %d together",
				total, schema.MaxBatchDossierBytes)
		}
		out[i] = b
	}
	return out, nil
}
