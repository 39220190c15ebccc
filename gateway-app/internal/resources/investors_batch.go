package resources

import (
	"encoding/json"
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// BatchAttestation is one investor of a batch attestation: its key, and
// what PUT /v1/investors/{msp}/{id}/attestation takes.
type BatchAttestation struct {
	Investor string          `json:"investor" doc:"the investor's identity key (MSP/id), of this bank"`
	Claims   ClaimsInput     `json:"claims"`
	Dossier  json.RawMessage `json:"dossier" doc:"the investor's record, a JSON object: kept in this bank's implicit collection only; its SHA-256 is public"`
	Salt     string          `json:"salt,omitempty" doc:"hex; default 128 random bits"`
}

// single is the entry as a single attestation's input.
func (b *BatchAttestation) single() *AttestInput {
	return &AttestInput{Claims: b.Claims, Dossier: b.Dossier, Salt: b.Salt}
}

// AttestationsInput attests many investors of the caller's bank in one
// transaction.
type AttestationsInput struct {
	Attestations []BatchAttestation `json:"attestations"`
}

// Validate checks each entry as a single attestation's input, their
// number and that no investor is listed twice; the chaincode checks the
// claims' rules and the dossiers' sizes.
func (in *AttestationsInput) Validate() error {
	if len(in.Attestations) == 0 || len(in.Attestations) > schema.MaxBatchQuery {
		return api.BadInput("attestations", "%d attestations, want 1 to %d", len(in.Attestations), schema.MaxBatchQuery)
	}
	seen := map[string]bool{}
	for i := range in.Attestations {
		a := &in.Attestations[i]
		at := fmt.Sprintf("attestations[%d]", i)
		if _, err := schema.ParseIdentityKey(at+".investor", a.Investor); err != nil {
			return err
		}
		if seen[a.Investor] {
			return api.BadInput(at+".investor", "listed twice")
		}
		seen[a.Investor] = true
		if err := a.single().Validate(); err != nil {
			return within(at, err)
		}
	}
	return nil
}

// attestationBatch declares POST /v1/investors/attestations/batch:
// Identity:AttestMany, the dossiers in the transient field "dossiers" (a
// JSON list, base64 each, in the entries' order).
func (r *resources) attestationBatch(s *api.Server) {
	api.Register(s, api.Endpoint[AttestationsInput, Committed]{
		Method: "POST", Path: "/v1/investors/attestations/batch", Tag: "investors", Roles: []roles.Role{roles.Compliance},
		Summary: "Attest many investors of this bank in one transaction",
		Description: fmt.Sprintf("Up to %d investors, all or none, each exactly as PUT /v1/investors/{msp}/{id}/attestation would (claims into the compliance "+
			"collection, the dossier into this bank's implicit collection, its SHA-256 onto the public ledger); a refusal names the entry (attestations[i]). "+
			"One transaction each is endorsed by this bank, the trustee and a majority: onboarding a book of investors one by one takes minutes per thousand. "+
			"The request body is bounded by the gateway's maxBodyBytes (default 1 MiB) and the chaincode takes at most %d MiB of dossiers a batch: larger dossiers go in smaller batches.",
			schema.MaxBatchQuery, schema.MaxBatchDossierBytes>>20),
		Tx: &api.Tx[AttestationsInput]{Fn: "Identity:AttestMany", Submit: true, TransientFields: []string{"dossiers"},
			Args: func(_ *api.Call, in *AttestationsInput) ([]string, error) {
				type entry struct {
					Investor string      `json:"investor"`
					Claims   ClaimsInput `json:"claims"`
				}
				list := make([]entry, len(in.Attestations))
				for i, a := range in.Attestations {
					list[i] = entry{Investor: a.Investor, Claims: a.Claims}
				}
				arg, err := jsonArg(list)
				return []string{arg}, err
			},
			Transient: func(_ *api.Call, in *AttestationsInput) (map[string][]byte, error) {
				dossiers := make([][]byte, len(in.Attestations)) // base64 each in JSON
				for i := range in.Attestations {
					d, err := in.Attestations[i].single().stored()
					if err != nil {
						return nil, err
					}
					dossiers[i] = d
				}
				b, err := json.Marshal(dossiers)
				return map[string][]byte{"dossiers": b}, err
			}},
		Result: done[AttestationsInput],
	})
}
