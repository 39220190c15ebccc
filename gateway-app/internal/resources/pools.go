package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// PoolInput creates an SPV pool (Pool:Create).
type PoolInput struct {
	ID         string `json:"id" doc:"pool ID: 1 to 64 letters, digits, . _ -"`
	Name       string `json:"name"`
	Originator string `json:"originator" doc:"MSP ID of the originator"`
	Servicer   string `json:"servicer" doc:"MSP ID of the servicer, whose servicers add the loans and report"`
	CutoffDate string `json:"cutoffDate" doc:"YYYY-MM-DD"`
	AssetClass string `json:"assetClass,omitempty" doc:"auto (the default), mortgage, leases or cards: picks the loan tape's record, reader and checks (a cards pool has no tape: it is sealed as a card trust series)"`
	// DiscountRate is a lease pool's discount rate (Pool:Create checks it).
	DiscountRate string `json:"discountRate,omitempty" doc:"leases only: the deal's discount rate, a fraction (0.065), at which every lease is valued"`
}

// Validate checks what the gateway can check alone.
func (in *PoolInput) Validate() error {
	if _, err := schema.ParseID("id", in.ID); err != nil {
		return err
	}
	if _, err := schema.ParseText("name", in.Name, 200); err != nil {
		return err
	}
	if err := roles.ValidMSP(in.Originator); err != nil {
		return api.BadInput("originator", "%q is not an MSP ID", in.Originator)
	}
	if err := roles.ValidMSP(in.Servicer); err != nil {
		return api.BadInput("servicer", "%q is not an MSP ID", in.Servicer)
	}
	if _, err := loantape.ParseDate(in.CutoffDate); err != nil {
		return api.BadInput("cutoffDate", "%v", err)
	}
	if _, err := assetclass.Parse(in.AssetClass); err != nil {
		return api.BadInput("assetClass", "%v", err)
	}
	return nil
}

// VerifyInput is a disclosed loan and its inclusion proof.
type VerifyInput struct {
	Loan  loantape.Loan `json:"loan"`
	Proof merkle.Proof  `json:"proof"`
}

var assetParam = api.Param{Name: "asset", In: "path", Description: "the loan's asset number", MaxLength: 64, Example: "100234"}

func (r *resources) pools(s *api.Server) {
	api.Register(s, api.Endpoint[PoolInput, Committed]{
		Method: "POST", Path: "/v1/pools", Tag: "pools", Status: 201, Roles: arranger,
		Summary:     "Create an SPV pool",
		Description: "An open pool for an originator and a servicer; the servicer then uploads its loan tape (POST /v1/pools/{pool}/loans) and seals it.",
		Tx: &api.Tx[PoolInput]{Fn: "Pool:Create", Submit: true,
			Args: func(c *api.Call, in *PoolInput) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{arg}, err
			}},
		Result: done[PoolInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.PoolView]{
		Method: "GET", Path: "/v1/pools/{pool}", Tag: "pools", Roles: anyRole,
		Summary: "A pool's public record", Description: "Status, loan count, balance, Merkle root and aggregates once sealed; the tape's progress while open.",
		Params: []api.Param{poolParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Pool:Get",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("pool")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: "/v1/pools/{pool}/seal", Tag: "pools", Roles: []roles.Role{roles.Servicer, roles.Arranger},
		Summary:     "Seal a pool's loan tape",
		Description: "Publishes the tape's Merkle root, loan count, balance and aggregates; the tape cannot change afterwards.",
		Params:      []api.Param{poolParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Pool:Seal", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("pool")}, nil }},
		Result: done[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.LoanProof]{
		Method: "GET", Path: "/v1/pools/{pool}/loans/{asset}", Tag: "pools",
		Roles:   []roles.Role{roles.Trustee, roles.Arranger, roles.Servicer},
		Summary: "A loan of a sealed pool, with its inclusion proof",
		Description: "Loan-level data is for the trustee's organisation and the pool's servicer only (the loanTape collection); " +
			"the proof lets anyone else the loan is disclosed to verify it against the pool's public root.",
		Params: []api.Param{poolParam, assetParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Pool:GetLoan",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("pool"), c.Path("asset")}, nil
			}},
	})
	api.Register(s, api.Endpoint[VerifyInput, schema.Verification]{
		Method: "POST", Path: "/v1/pools/{pool}/proofs/verify", Tag: "pools", Roles: anyRole,
		Summary:     "Verify a disclosed loan against the pool's root",
		Description: "A read: nothing is written. A proof that does not hold is valid=false with the reason.",
		Params:      []api.Param{poolParam},
		Tx: &api.Tx[VerifyInput]{Fn: "Pool:VerifyLoan",
			Args: func(c *api.Call, in *VerifyInput) ([]string, error) {
				loan, err := jsonArg(in.Loan)
				if err != nil {
					return nil, err
				}
				proof, err := jsonArg(in.Proof)
				return []string{c.Path("pool"), loan, proof}, err
			}},
	})
}
