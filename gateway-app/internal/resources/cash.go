package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// AmountInput is a positive cash amount.
type AmountInput struct {
	Amount money.Amount `json:"amount"`
}

// Validate wants a positive amount.
func (in *AmountInput) Validate() error { return positiveAmount("amount", in.Amount) }

// ReservesInput attests the reserves backing the cash token.
type ReservesInput struct {
	Amount   money.Amount `json:"amount" doc:"may be zero"`
	Evidence string       `json:"evidence" doc:"hash or reference of the reserve statement, 1 to 256 characters"`
}

// Validate checks the amount and the evidence.
func (in *ReservesInput) Validate() error {
	if in.Amount < 0 {
		return api.BadInput("amount", "must not be negative, got %s", in.Amount)
	}
	_, err := schema.ParseText("evidence", in.Evidence, 256)
	return err
}

// PayInput moves cash to a holder.
type PayInput struct {
	To     string       `json:"to" doc:"the receiver's identity key (MSP/id)"`
	Amount money.Amount `json:"amount"`
}

// Validate checks the key and the amount.
func (in *PayInput) Validate() error {
	if _, err := schema.ParseIdentityKey("to", in.To); err != nil {
		return err
	}
	return positiveAmount("amount", in.Amount)
}

func positiveAmount(field string, a money.Amount) error {
	if !a.IsPositive() {
		return api.BadInput(field, "must be positive, got %s", a)
	}
	return nil
}

func (r *resources) cash(s *api.Server) {
	agent := []roles.Role{roles.Settlement}
	api.Register(s, api.Endpoint[ReservesInput, Committed]{
		Method: "POST", Path: "/v1/cash/reserves", Tag: "cash", Roles: agent,
		Summary: "Attest the reserves backing the cash token (settlement agent)",
		Tx: &api.Tx[ReservesInput]{Fn: "Cash:AttestReserves", Submit: true,
			Args: func(c *api.Call, in *ReservesInput) ([]string, error) {
				return []string{in.Amount.String(), in.Evidence}, nil
			}},
		Result: done[ReservesInput],
	})
	for _, m := range []struct{ path, fn, summary, description string }{
		{"/v1/cash/mint", "Cash:Mint", "Mint cash into the float (settlement agent)", "Refused with LIMIT_EXCEEDED when the tokens outstanding would exceed the attested reserves."},
		{"/v1/cash/burn", "Cash:Burn", "Burn cash held in the float (settlement agent)", "Returned deposits are burned once redeemed off the ledger."},
	} {
		api.Register(s, api.Endpoint[AmountInput, Committed]{
			Method: "POST", Path: m.path, Tag: "cash", Roles: agent, Summary: m.summary, Description: m.description,
			Tx: &api.Tx[AmountInput]{Fn: m.fn, Submit: true,
				Args: func(c *api.Call, in *AmountInput) ([]string, error) { return []string{in.Amount.String()}, nil }},
			Result: done[AmountInput],
		})
	}
	api.Register(s, api.Endpoint[PayInput, Committed]{
		Method: "POST", Path: "/v1/cash/payments", Tag: "cash", Roles: agent,
		Summary: "Pay cash from the float to a holder (settlement agent)",
		Tx: &api.Tx[PayInput]{Fn: "Cash:Pay", Submit: true,
			Args: func(c *api.Call, in *PayInput) ([]string, error) { return []string{in.To, in.Amount.String()}, nil }},
		Result: done[PayInput],
	})
	api.Register(s, api.Endpoint[PayInput, Committed]{
		Method: "POST", Path: "/v1/cash/transfers", Tag: "cash", Roles: investor,
		Summary: "Transfer the caller's cash to another holder",
		Tx: &api.Tx[PayInput]{Fn: "Cash:Transfer", Submit: true,
			Args: func(c *api.Call, in *PayInput) ([]string, error) { return []string{in.To, in.Amount.String()}, nil }},
		Result: done[PayInput],
	})
	api.Register(s, api.Endpoint[AmountInput, Committed]{
		Method: "POST", Path: "/v1/cash/returns", Tag: "cash", Roles: investor,
		Summary: "Return the caller's cash to the float, for burning", Description: "Redeeming the deposit happens off the ledger.",
		Tx: &api.Tx[AmountInput]{Fn: "Cash:Return", Submit: true,
			Args: func(c *api.Call, in *AmountInput) ([]string, error) { return []string{in.Amount.String()}, nil }},
		Result: done[AmountInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.CashBalance]{
		Method: "GET", Path: "/v1/cash/balances/{msp}/{id}", Tag: "cash", Roles: anyRole,
		Summary: "A holder's cash", Description: "For the holder, the trustee, and its own bank's compliance officers and admins.",
		Params: holderParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Cash:Balance",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.CashSupplyView]{
		Method: "GET", Path: "/v1/cash/supply", Tag: "cash", Roles: anyRole,
		Summary: "The cash token's public supply and reserve cover",
		Tx: &api.Tx[api.NoBody]{Fn: "Cash:Supply",
			Args: func(*api.Call, *api.NoBody) ([]string, error) { return nil, nil }},
	})
}
