package resources

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// TransferInput moves the caller's units to another holder.
type TransferInput struct {
	To    string `json:"to" doc:"the receiver's identity key (MSP/id)"`
	Units int64  `json:"units"`
}

// Validate checks the receiver key and the count.
func (in *TransferInput) Validate() error {
	if _, err := schema.ParseIdentityKey("to", in.To); err != nil {
		return err
	}
	return positiveUnits("units", in.Units)
}

// DryRunInput asks whether a transfer would pass every rule now.
type DryRunInput struct {
	From  string `json:"from,omitempty" doc:"the sender's identity key; default the caller"`
	To    string `json:"to"`
	Units int64  `json:"units"`
}

// Validate checks the keys and the count.
func (in *DryRunInput) Validate() error {
	if in.From != "" {
		if _, err := schema.ParseIdentityKey("from", in.From); err != nil {
			return err
		}
	}
	if _, err := schema.ParseIdentityKey("to", in.To); err != nil {
		return err
	}
	return positiveUnits("units", in.Units)
}

// ForcedTransferInput is the trustee's transfer on its own authority.
type ForcedTransferInput struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Units  int64  `json:"units"`
	Reason string `json:"reason" doc:"required and published (court order, lost keys): no personal data"`
}

// Validate checks keys, count and reason.
func (in *ForcedTransferInput) Validate() error {
	for _, f := range []struct{ field, key string }{{"from", in.From}, {"to", in.To}} {
		if _, err := schema.ParseIdentityKey(f.field, f.key); err != nil {
			return err
		}
	}
	if _, err := schema.ParseText("reason", in.Reason, 500); err != nil {
		return err
	}
	return positiveUnits("units", in.Units)
}

// FreezeUnitsInput freezes a count of a holder's units, or all of them.
type FreezeUnitsInput struct {
	Units int64 `json:"units,omitempty" doc:"units to freeze (replaces an earlier freeze of the position)"`
	All   bool  `json:"all,omitempty" doc:"the whole position, now and whatever it receives later"`
}

// Validate wants exactly one of units and all.
func (in *FreezeUnitsInput) Validate() error {
	switch {
	case in.All && in.Units != 0:
		return api.BadInput("units", "give units or all, not both")
	case !in.All && in.Units <= 0:
		return api.BadInput("units", "give a positive number of units, or all: true")
	}
	return nil
}

// RedeemInput cancels a holder's units.
type RedeemInput struct {
	Holder string `json:"holder"`
	Units  int64  `json:"units"`
}

// Validate checks the holder key and the count.
func (in *RedeemInput) Validate() error {
	if _, err := schema.ParseIdentityKey("holder", in.Holder); err != nil {
		return err
	}
	return positiveUnits("units", in.Units)
}

func (r *resources) tokens(s *api.Server) {
	tranche := "/v1/tranches/{tranche}"
	holder := tranche + "/holders/{msp}/{id}"
	holderParams := []api.Param{trancheParam, mspParam, idParam}
	trancheOnly := []api.Param{trancheParam}
	api.Register(s, api.Endpoint[api.NoBody, schema.PositionView]{
		Method: "GET", Path: holder, Tag: "holdings", Roles: anyRole,
		Summary:     "A holder's position",
		Description: "For the holder, the trustee, and its own bank's compliance officers and admins; read on this bank's peer.",
		Params:      holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Token:Position",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("tranche"), identityOf(c)}, nil
			}},
	})
	api.Register(s, api.Endpoint[TransferInput, Committed]{
		Method: "POST", Path: tranche + "/transfers", Tag: "holdings", Roles: investor,
		Summary:     "Transfer units to another holder",
		Description: "From the caller, if every transfer rule passes; a refusal names the rule (code RULE_..., rule N). Endorsed by the trustee, registrar of every bank's registry.",
		Params:      trancheOnly,
		Tx: &api.Tx[TransferInput]{Fn: "Token:Transfer", Submit: true,
			Args: func(c *api.Call, in *TransferInput) ([]string, error) {
				return []string{c.Path("tranche"), in.To, strconv.FormatInt(in.Units, 10)}, nil
			}},
		Result: done[TransferInput],
	})
	api.Register(s, api.Endpoint[DryRunInput, rules.Verdict]{
		Method: "POST", Path: tranche + "/transfers/dry-run", Tag: "holdings", Roles: anyRole,
		Summary:     "Would a transfer pass every rule now? (writes nothing)",
		Description: "Answers allowed, or the refusal's code, rule and message; details of a party the caller may not see are withheld. Evaluated on the trustee's peer.",
		Params:      trancheOnly,
		Tx: &api.Tx[DryRunInput]{Fn: "Token:CanTransfer",
			Args: func(c *api.Call, in *DryRunInput) ([]string, error) {
				from := in.From
				if from == "" {
					from = c.IdentityKey()
				}
				return []string{c.Path("tranche"), from, in.To, strconv.FormatInt(in.Units, 10)}, nil
			}},
	})
	api.Register(s, api.Endpoint[ForcedTransferInput, Committed]{
		Method: "POST", Path: tranche + "/forced-transfers", Tag: "holdings", Roles: trustee,
		Summary:     "Force a transfer (trustee)",
		Description: "Overrides the sender's side of the rules (pause, freeze, KYC, lock-up) but not the receiver's; the reason is published.",
		Params:      trancheOnly,
		Tx: &api.Tx[ForcedTransferInput]{Fn: "Token:ForcedTransfer", Submit: true,
			Args: func(c *api.Call, in *ForcedTransferInput) ([]string, error) {
				return []string{c.Path("tranche"), in.From, in.To, strconv.FormatInt(in.Units, 10), in.Reason}, nil
			}},
		Result: done[ForcedTransferInput],
	})
	api.Register(s, api.Endpoint[FreezeUnitsInput, Committed]{
		Method: "PUT", Path: holder + "/freeze", Tag: "holdings", Roles: trustee,
		Summary: "Freeze a holder's units (trustee)", Params: holderParams,
		Tx: &api.Tx[FreezeUnitsInput]{Fn: "Token:Freeze", Submit: true,
			Args: func(c *api.Call, in *FreezeUnitsInput) ([]string, error) {
				units := "all"
				if !in.All {
					units = strconv.FormatInt(in.Units, 10)
				}
				return []string{c.Path("tranche"), identityOf(c), units}, nil
			}},
		Result: done[FreezeUnitsInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "DELETE", Path: holder + "/freeze", Tag: "holdings", Roles: trustee,
		Summary: "Lift the freeze of a holder's units (trustee)", Params: holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Token:Unfreeze", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("tranche"), identityOf(c)}, nil
			}},
		Result: done[api.NoBody],
	})
	for _, p := range []struct{ path, fn, summary string }{
		{"/pause", "Token:Pause", "Pause every movement of the tranche but forced transfers (trustee)"},
		{"/resume", "Token:Resume", "Resume a paused tranche (trustee)"},
	} {
		api.Register(s, api.Endpoint[api.NoBody, Committed]{
			Method: "POST", Path: tranche + p.path, Tag: "holdings", Roles: trustee,
			Summary: p.summary, Description: "The pause flag is part of the public terms: a majority of banks endorses it.",
			Params: trancheOnly,
			Tx: &api.Tx[api.NoBody]{Fn: p.fn, Submit: true,
				Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
			Result: done[api.NoBody],
		})
	}
	api.Register(s, api.Endpoint[RedeemInput, Committed]{
		Method: "POST", Path: tranche + "/redemptions", Tag: "holdings", Roles: trustee,
		Summary:     "Redeem a holder's units (trustee, as paying agent)",
		Description: "The holder must still pass the redemption rules (membership, attestation, KYC, freeze, minimum holding).",
		Params:      trancheOnly,
		Tx: &api.Tx[RedeemInput]{Fn: "Token:Redeem", Submit: true,
			Args: func(c *api.Call, in *RedeemInput) ([]string, error) {
				return []string{c.Path("tranche"), in.Holder, strconv.FormatInt(in.Units, 10)}, nil
			}},
		Result: done[RedeemInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.HolderList]{
		Method: "GET", Path: tranche + "/holders", Tag: "holdings", Roles: trustee,
		Summary:     "Every holder of the tranche (trustee)",
		Description: "Ranges over every custodian bank's registry: evaluated on the trustee's peer, the only one holding them all.",
		Params:      trancheOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Token:Holders",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.TrancheSupply]{
		Method: "GET", Path: tranche + "/supply", Tag: "holdings", Roles: anyRole,
		Summary: "A tranche's public supply", Params: trancheOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Token:Supply",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("tranche")}, nil }},
	})
}
