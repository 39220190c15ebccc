package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// attestation is one investor's attestation, checked and ready to write:
// what Attest writes once and AttestMany writes for each entry.
type attestation struct {
	investor roles.Identity
	claims   rules.Claims
	dossier  []byte
}

// attestFields names an attestation's inputs in refusals: the arguments
// of Attest, or an entry of AttestMany.
type attestFields struct {
	investor, claims, dossier string
}

var singleFields = attestFields{investor: "investorKey", claims: "claimsJSON", dossier: TransientDossier}

// checkAttestation applies every check of an attestation by caller (a
// compliance officer) before anything is written: the investor's key, that
// it is of the caller's own MSP, the claims' rules and the dossier's size.
func checkAttestation(caller *txn.Caller, f attestFields, investorKey string, in ClaimsInput, dossier []byte) (attestation, error) {
	investor, err := schema.ParseIdentityKey(f.investor, investorKey)
	if err != nil {
		return attestation{}, err
	}
	if err := sameMSP(caller, investor, "attest"); err != nil {
		return attestation{}, errs.Wrap(err, "%s", f.investor)
	}
	claims := rules.Claims{InvestorType: in.InvestorType, Jurisdiction: in.Jurisdiction, KYCExpiry: in.KYCExpiry.UTC(),
		AccreditationExpiry: in.AccreditationExpiry.UTC(), AttestedBy: caller.Identity.MSP}
	if in.AccreditationExpiry.IsZero() {
		claims.AccreditationExpiry = time.Time{}
	}
	if err := claims.Validate(); err != nil {
		return attestation{}, errs.Wrap(err, "%s", f.claims)
	}
	if len(dossier) == 0 {
		return attestation{}, errs.Field(f.dossier, "required in the transient map (private inputs never go in the arguments)")
	}
	if len(dossier) > MaxDossierBytes {
		return attestation{}, errs.Field(f.dossier, "%d bytes; a dossier has at most %d", len(dossier), MaxDossierBytes)
	}
	return attestation{investor: investor, claims: claims, dossier: dossier}, nil
}

// writeAttestation records a checked attestation at now: the claims in
// the compliance collection (keeping a freeze, lifting a revocation), the
// dossier in the bank's implicit collection, its SHA-256 in public state,
// and the ClaimsAttested event.
func writeAttestation(ctx *txn.Context, a attestation, now time.Time) error {
	previous, key, err := readClaims(ctx, a.investor)
	if err != nil {
		return err
	}
	claims := a.claims
	if previous != nil {
		claims.Frozen = previous.Frozen
	}
	if err := putClaims(ctx, a.investor, key, claims); err != nil {
		return err
	}
	dossierKey, err := ctx.Key(schema.TypeDossier, a.investor.Key())
	if err != nil {
		return err
	}
	if err := ctx.GetStub().PutPrivateData(roles.ImplicitCollection(a.investor.MSP), dossierKey, a.dossier); err != nil {
		return errs.New(errs.Forbidden, "write the dossier into %s: %v", roles.ImplicitCollection(a.investor.MSP), err)
	}
	sum := sha256.Sum256(a.dossier)
	ref := schema.DossierRef{SHA256: hex.EncodeToString(sum[:]), AttestedBy: claims.AttestedBy, AttestedAt: now.Format(time.RFC3339)}
	if err := ctx.Put(dossierKey, ref); err != nil {
		return err
	}
	return ctx.Emit("ClaimsAttested", attestedEvent{Investor: a.investor.Key(), AttestedBy: ref.AttestedBy, DossierSHA256: ref.SHA256})
}
