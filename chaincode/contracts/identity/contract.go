// Package identity is the Identity contract: the compliance claims every
// transfer rule reads.
//
// A compliance officer attests an investor of its own MSP only: investor
// type, jurisdiction, KYC and accreditation expiry go into the compliance
// collection (every bank reads them to run the rules; a majority of banks
// must endorse a change); the investor's dossier goes into the bank's own
// implicit collection, and only its SHA-256 into public state. AttestMany
// does the same for a book of up to 500 investors in one transaction (a
// bank onboarding clients). The trustee or the investor's own bank can
// freeze an investor in every tranche.
//
// Events carry the investor's key and the dossier hash, never the claims.
package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Identity contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Identity".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Identity", "investor compliance claims: attest, revoke, freeze; dossiers in the bank's implicit collection")}
}

// TransientDossier is the transient field carrying an investor's dossier.
const TransientDossier = "dossier"

// MaxDossierBytes bounds a dossier: it is a record (names, LEI, addresses,
// document references), not the documents themselves.
const MaxDossierBytes = 1 << 20

// ClaimsInput is the argument of Identity:Attest: what the compliance
// officer attests. Who attested, the frozen flag and revocation are the
// ledger's, not the officer's, to set.
//
//	{"investorType":"qib","jurisdiction":"US-CA","kycExpiry":"2027-01-31T00:00:00Z","accreditationExpiry":"2027-01-31T00:00:00Z"}
type ClaimsInput struct {
	InvestorType        string    `json:"investorType"`
	Jurisdiction        string    `json:"jurisdiction"`
	KYCExpiry           time.Time `json:"kycExpiry"`
	AccreditationExpiry time.Time `json:"accreditationExpiry,omitzero"` // absent: not accredited
}

// Attest records an investor's claims (a compliance officer of the
// investor's own MSP). The dossier, required in the transient field
// "dossier", goes into the bank's implicit collection and its SHA-256 into
// public state; include a random salt in the dossier so that the public
// hash cannot be confirmed by guessing its content. Re-attesting replaces
// the claims and lifts a revocation, but keeps a freeze.
func (c *Contract) Attest(ctx *txn.Context, investorKey, claimsJSON string) error {
	caller, err := ctx.Require(roles.Compliance)
	if err != nil {
		return err
	}
	var in ClaimsInput
	if err := canon.Unmarshal([]byte(claimsJSON), &in); err != nil {
		return errs.Wrap(err, "claimsJSON")
	}
	dossier, err := ctx.Transient(TransientDossier)
	if err != nil {
		return err
	}
	a, err := checkAttestation(caller, singleFields, investorKey, in, dossier)
	if err != nil {
		return err
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	return writeAttestation(ctx, a, now)
}

// Revoke withdraws an investor's attestation (a compliance officer of the
// investor's own MSP): transfer rule 5 then refuses it until re-attested.
func (c *Contract) Revoke(ctx *txn.Context, investorKey string) error {
	caller, err := ctx.Require(roles.Compliance)
	if err != nil {
		return err
	}
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return err
	}
	if err := sameMSP(caller, investor, "revoke"); err != nil {
		return err
	}
	return c.update(ctx, investor, "ClaimsRevoked", "", func(cl *rules.Claims) error {
		if cl.Revoked {
			return errs.New(errs.WrongState, "the attestation of %s is already revoked", investor.Short())
		}
		cl.Revoked = true
		return nil
	})
}

// Freeze freezes an investor in every tranche (the trustee, or a
// compliance officer of the investor's own MSP). The reason is published
// in the event: state it without personal data.
func (c *Contract) Freeze(ctx *txn.Context, investorKey, reason string) error {
	caller, err := ctx.Require(roles.Trustee, roles.Compliance)
	if err != nil {
		return err
	}
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return err
	}
	if !caller.Has(roles.Trustee) {
		if err := sameMSP(caller, investor, "freeze"); err != nil {
			return err
		}
	}
	why, err := schema.ParseText("reason", reason, 500)
	if err != nil {
		return err
	}
	return c.update(ctx, investor, "InvestorFrozen", why, func(cl *rules.Claims) error {
		if cl.Frozen {
			return errs.New(errs.WrongState, "%s is already frozen", investor.Short())
		}
		cl.Frozen = true
		return nil
	})
}

// Unfreeze lifts an investor's freeze (the trustee, or a compliance
// officer of the investor's own MSP).
func (c *Contract) Unfreeze(ctx *txn.Context, investorKey string) error {
	caller, err := ctx.Require(roles.Trustee, roles.Compliance)
	if err != nil {
		return err
	}
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return err
	}
	if !caller.Has(roles.Trustee) {
		if err := sameMSP(caller, investor, "unfreeze"); err != nil {
			return err
		}
	}
	return c.update(ctx, investor, "InvestorUnfrozen", "", func(cl *rules.Claims) error {
		if !cl.Frozen {
			return errs.New(errs.WrongState, "%s is not frozen", investor.Short())
		}
		cl.Frozen = false
		return nil
	})
}

// update changes an investor's stored claims and emits eventType.
func (c *Contract) update(ctx *txn.Context, investor roles.Identity, eventType, reason string, change func(*rules.Claims) error) error {
	claims, key, err := readClaims(ctx, investor)
	if err != nil {
		return err
	}
	if claims == nil {
		return errs.New(errs.NotFound, "%s has no claims on record", investor.Short())
	}
	if err := change(claims); err != nil {
		return err
	}
	if err := putClaims(ctx, investor, key, *claims); err != nil {
		return err
	}
	return ctx.Emit(eventType, investorEvent{Investor: investor.Key(), Reason: reason})
}

// GetClaims returns an investor's claims and dossier hash: to the
// investor itself, the trustee, and the compliance officers and admins of
// every member bank (all banks hold the compliance collection, since
// each runs the transfer rules).
func (c *Contract) GetClaims(ctx *txn.Context, investorKey string) (string, error) {
	caller, err := ctx.Require(schema.AnyRole()...)
	if err != nil {
		return "", err
	}
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return "", err
	}
	if caller.Identity != investor && !caller.Has(roles.Trustee) && !caller.Has(roles.Compliance) && !caller.Has(roles.Admin) {
		return "", errs.New(errs.Forbidden, "%s holds %s; the claims of %s are for the investor, the trustee and banks' compliance officers and admins",
			caller.Identity.Short(), caller.Grants.Roles, investor.Short())
	}
	claims, _, err := readClaims(ctx, investor)
	if err != nil {
		return "", err
	}
	if claims == nil {
		return "", errs.New(errs.NotFound, "%s has no claims on record", investor.Short())
	}
	view := schema.ClaimsView{Investor: investor.Key(), Claims: *claims}
	dossierKey, err := ctx.Key(schema.TypeDossier, investor.Key())
	if err != nil {
		return "", err
	}
	var ref schema.DossierRef
	if found, err := ctx.Get(dossierKey, &ref); err != nil {
		return "", err
	} else if found {
		view.Dossier = &ref
	}
	return marshal(view)
}

// GetDossier returns an investor's dossier to its own bank only: a
// compliance officer or admin of the investor's MSP, evaluated on that
// bank's peer (the only one holding its implicit collection).
func (c *Contract) GetDossier(ctx *txn.Context, investorKey string) (string, error) {
	caller, err := ctx.Require(roles.Compliance, roles.Admin)
	if err != nil {
		return "", err
	}
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return "", err
	}
	if err := sameMSP(caller, investor, "read the dossier of"); err != nil {
		return "", err
	}
	key, err := ctx.Key(schema.TypeDossier, investor.Key())
	if err != nil {
		return "", err
	}
	b, err := ctx.GetStub().GetPrivateData(roles.ImplicitCollection(investor.MSP), key)
	if err != nil {
		return "", errs.New(errs.Forbidden, "read %s: %v (evaluate on a peer of %s)", roles.ImplicitCollection(investor.MSP), err, investor.MSP)
	}
	if b == nil {
		return "", errs.New(errs.NotFound, "no dossier of %s on this peer", investor.Short())
	}
	sum := sha256.Sum256(b)
	return marshal(schema.DossierView{Investor: investor.Key(), SHA256: hex.EncodeToString(sum[:]), Dossier: base64.StdEncoding.EncodeToString(b)})
}

// sameMSP refuses a compliance action on an investor of another MSP.
func sameMSP(caller *txn.Caller, investor roles.Identity, verb string) error {
	if caller.Identity.MSP != investor.MSP {
		return errs.New(errs.Forbidden, "an identity of %s may not %s an investor of %s: only the investor's own bank may",
			caller.Identity.MSP, verb, investor.MSP)
	}
	return nil
}

func readClaims(ctx *txn.Context, investor roles.Identity) (*rules.Claims, string, error) {
	key, err := ctx.Key(schema.TypeClaims, investor.Key())
	if err != nil {
		return nil, "", err
	}
	var c rules.Claims
	found, err := ctx.GetPrivate(roles.ComplianceCollection, key, &c)
	if err != nil || !found {
		return nil, key, err
	}
	return &c, key, nil
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
