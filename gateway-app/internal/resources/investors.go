package resources

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// ClaimsInput are the claims a compliance officer attests: what every
// transfer rule reads.
type ClaimsInput struct {
	InvestorType        string    `json:"investorType" doc:"e.g. qib, institutional, retail"`
	Jurisdiction        string    `json:"jurisdiction" doc:"ISO 3166 country, optionally with subdivision: US, US-CA, GB"`
	KYCExpiry           time.Time `json:"kycExpiry"`
	AccreditationExpiry time.Time `json:"accreditationExpiry,omitzero" doc:"absent: not accredited"`
}

// AttestInput attests an investor of the caller's bank with its dossier.
type AttestInput struct {
	Claims ClaimsInput `json:"claims"`
	// Dossier is the investor's record (name, LEI, addresses, document
	// references): it goes into the bank's own implicit collection, only
	// its SHA-256 on the public ledger.
	Dossier json.RawMessage `json:"dossier" doc:"the investor's record, a JSON object: kept in this bank's implicit collection only; its SHA-256 is public"`
	// Salt is mixed into the stored dossier so that its public hash cannot
	// be confirmed by guessing the content; the gateway draws 128 random
	// bits when it is absent.
	Salt string `json:"salt,omitempty" doc:"hex; default 128 random bits"`
}

// Validate checks the claims' presence and the dossier's shape.
func (in *AttestInput) Validate() error {
	if in.Claims.InvestorType == "" {
		return api.BadInput("claims.investorType", "required")
	}
	if in.Claims.Jurisdiction == "" {
		return api.BadInput("claims.jurisdiction", "required")
	}
	if in.Claims.KYCExpiry.IsZero() {
		return api.BadInput("claims.kycExpiry", "required")
	}
	if d := bytes.TrimSpace(in.Dossier); len(d) == 0 || d[0] != '{' {
		return api.BadInput("dossier", "required: a JSON object")
	}
	if in.Salt != "" {
		if _, err := hex.DecodeString(in.Salt); err != nil || len(in.Salt) < 32 {
			return api.BadInput("salt", "want at least 32 hex digits")
		}
	}
	return nil
}

// storedDossier is what goes into the implicit collection.
type storedDossier struct {
	Dossier json.RawMessage `json:"dossier"`
	Salt    string          `json:"salt"`
}

// stored is the dossier as the implicit collection keeps it, salted with
// the given salt or 128 random bits.
func (in *AttestInput) stored() ([]byte, error) {
	salt := in.Salt
	if salt == "" {
		var b [16]byte
		rand.Read(b[:])
		salt = hex.EncodeToString(b[:])
	}
	return canon.Marshal(storedDossier{Dossier: in.Dossier, Salt: salt})
}

// ReasonInput gives a published reason (state it without personal data).
type ReasonInput struct {
	Reason string `json:"reason" doc:"published in the event: no personal data"`
}

// Validate checks the reason as the chaincode will.
func (in *ReasonInput) Validate() error {
	_, err := schema.ParseText("reason", in.Reason, 500)
	return err
}

func (r *resources) investors(s *api.Server) {
	investorPath := "/v1/investors/{msp}/{id}"
	api.Register(s, api.Endpoint[AttestInput, Committed]{
		Method: "PUT", Path: investorPath + "/attestation", Tag: "investors", Roles: []roles.Role{roles.Compliance},
		Summary: "Attest an investor of this bank",
		Description: "Claims go into the compliance collection (every bank runs the transfer rules on them), the dossier into this bank's " +
			"implicit collection (transient data), its SHA-256 onto the public ledger. Re-attesting replaces the claims and lifts a revocation, not a freeze.",
		Params: holderParams,
		Tx: &api.Tx[AttestInput]{Fn: "Identity:Attest", Submit: true, TransientFields: []string{"dossier"},
			Args: func(c *api.Call, in *AttestInput) ([]string, error) {
				claims, err := jsonArg(in.Claims)
				return []string{identityOf(c), claims}, err
			},
			Transient: func(_ *api.Call, in *AttestInput) (map[string][]byte, error) {
				d, err := in.stored()
				return map[string][]byte{"dossier": d}, err
			}},
		Result: done[AttestInput],
	})
	r.attestationBatch(s)
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "DELETE", Path: investorPath + "/attestation", Tag: "investors", Roles: []roles.Role{roles.Compliance},
		Summary: "Revoke an investor's attestation", Description: "Transfer rule 5 then refuses the investor until it is attested again.",
		Params: holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Identity:Revoke", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil }},
		Result: done[api.NoBody],
	})
	api.Register(s, api.Endpoint[ReasonInput, Committed]{
		Method: "PUT", Path: investorPath + "/freeze", Tag: "investors", Roles: []roles.Role{roles.Trustee, roles.Compliance},
		Summary: "Freeze an investor in every tranche", Description: "The trustee, or the investor's own bank's compliance officer.",
		Params: holderParams,
		Tx: &api.Tx[ReasonInput]{Fn: "Identity:Freeze", Submit: true,
			Args:  func(c *api.Call, in *ReasonInput) ([]string, error) { return []string{identityOf(c), in.Reason}, nil },
			Party: func(c *api.Call, _ *ReasonInput) (string, error) { return c.Path("msp"), nil }},
		Result: done[ReasonInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "DELETE", Path: investorPath + "/freeze", Tag: "investors", Roles: []roles.Role{roles.Trustee, roles.Compliance},
		Summary: "Lift an investor's freeze", Params: holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Identity:Unfreeze", Submit: true,
			Args:  func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil },
			Party: func(c *api.Call, _ *api.NoBody) (string, error) { return c.Path("msp"), nil }},
		Result: done[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.ClaimsView]{
		Method: "GET", Path: investorPath + "/claims", Tag: "investors", Roles: anyRole,
		Summary:     "An investor's attested claims",
		Description: "For the investor itself, the trustee, and banks' compliance officers and admins (the chaincode decides).",
		Params:      holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Identity:GetClaims",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.DossierView]{
		Method: "GET", Path: investorPath + "/dossier", Tag: "investors", Roles: []roles.Role{roles.Compliance, roles.Admin},
		Summary:     "An investor's dossier (its own bank only)",
		Description: "Read on this bank's own peer, the only one holding its implicit collection.",
		Params:      holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Identity:GetDossier",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil }},
	})
}
