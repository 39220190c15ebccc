package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// InstructInput is one side's instruction: the agreed terms (transient:
// they go into this bank's implicit collection, only their hash on the
// ledger) and whether to hold the units or cash until the end.
type InstructInput struct {
	Terms settlement.Terms `json:"terms"`
	Hold  bool             `json:"hold,omitempty" doc:"reserve the seller's units (deliver) or the buyer's cash (receive, ledger payment) until the settlement ends"`
}

// TermsInput carries the terms for a step that proves them against both
// instructions' hashes. Absent, the gateway reads this bank's own side's
// terms from its implicit collection (Settlement:Terms), which works for
// the two sides' banks; the trustee, which instructed nothing, must send
// them.
type TermsInput struct {
	Terms *settlement.Terms `json:"terms,omitempty"`
}

// CancelInput withdraws one side's instruction.
type CancelInput struct {
	Side  settlement.Side   `json:"side" doc:"deliver or receive"`
	Terms *settlement.Terms `json:"terms,omitempty" doc:"default: read from this bank's implicit collection"`
}

// Validate checks the side.
func (in *CancelInput) Validate() error {
	if _, err := settlement.ParseSide(string(in.Side)); err != nil {
		return api.BadInput("side", "want deliver or receive, got %q", in.Side)
	}
	return nil
}

// SettlementOutcome is a settlement step's outcome and where it committed.
type SettlementOutcome struct {
	Committed
	schema.SettlementStep
}

var sideParam = api.Param{Name: "side", In: "path", Description: "deliver or receive", Enum: []string{"deliver", "receive"}}

func (r *resources) settlements(s *api.Server) {
	base := "/v1/settlements/{ref}"
	refOnly := []api.Param{refParam}
	parties := []roles.Role{roles.Investor, roles.Arranger}
	for _, side := range []struct {
		path, fn string
		side     settlement.Side
		roles    []roles.Role
		summary  string
	}{
		{"/deliver", "Settlement:InstructDeliver", settlement.Deliver, parties, "Instruct the delivering side of a settlement (the seller, or the issuer's arranger)"},
		{"/receive", "Settlement:InstructReceive", settlement.Receive, investor, "Instruct the receiving side of a settlement (the buyer)"},
	} {
		api.Register(s, api.Endpoint[InstructInput, SettlementOutcome]{
			Method: "POST", Path: base + side.path, Tag: "settlement", Roles: side.roles, Summary: side.summary,
			Description: "The terms travel as transient data into this bank's implicit collection; the public record shows their hash only. " +
				"The second instruction must hash to the first's: the settlement is then matched. " +
				"With hold, the gateway instructs, then places the hold in a second transaction (Settlement:Hold, endorsed by the trustee), " +
				"so that it works with any number of banks; if the hold is refused the instruction stays in without it, and the same request again places only the hold.",
			Params:    refOnly,
			Chaincode: []string{"Settlement:Get", side.fn, fnHold},
			Handle: func(c *api.Call, in *InstructInput) (*SettlementOutcome, error) {
				return r.instruct(c, side.side, side.fn, in)
			},
		})
	}
	for _, step := range []struct {
		path, fn     string
		roles        []roles.Role
		summary, doc string
	}{
		{"/settle", "Settlement:Settle", []roles.Role{roles.Investor, roles.Arranger, roles.Trustee}, "Settle a matched settlement",
			"Units move to the buyer and cash to the seller in one transaction, or nothing moves; a refusal by a rule or a balance is recorded as status failed with its code (retry until expiry; POST .../check gives the message). With RTGS payment the units are locked until the payment is confirmed."},
		{"/payment-confirmation", "Settlement:ConfirmPayment", parties, "Confirm an RTGS payment (the seller's bank)",
			"Releases the locked units to the buyer."},
	} {
		api.Register(s, api.Endpoint[TermsInput, SettlementOutcome]{
			Method: "POST", Path: base + step.path, Tag: "settlement", Roles: step.roles, Summary: step.summary, Description: step.doc,
			Params:    refOnly,
			Chaincode: []string{"Settlement:Get", "Settlement:Terms", step.fn},
			Handle: func(c *api.Call, in *TermsInput) (*SettlementOutcome, error) {
				return r.settlementStep(c, step.fn, in.Terms, "", []string{c.Path("ref")})
			},
		})
	}
	api.Register(s, api.Endpoint[CancelInput, SettlementOutcome]{
		Method: "POST", Path: base + "/cancellation", Tag: "settlement", Roles: parties,
		Summary:     "Cancel one side's instruction",
		Description: "A pending instruction is cancelled at once; a matched settlement once both sides asked. Every hold is released.",
		Params:      refOnly,
		Chaincode:   []string{"Settlement:Get", "Settlement:Terms", "Settlement:Cancel"},
		Handle: func(c *api.Call, in *CancelInput) (*SettlementOutcome, error) {
			return r.settlementStep(c, "Settlement:Cancel", in.Terms, in.Side, []string{c.Path("ref"), string(in.Side)})
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, SettlementOutcome]{
		Method: "POST", Path: base + "/expiry", Tag: "settlement", Roles: anyRole,
		Summary:     "Expire a settlement past its expiry or RTGS deadline",
		Description: "Any member may: the holds are released from the records the instructions left, without the terms.",
		Params:      refOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Settlement:Expire", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("ref")}, nil }},
		Result: stepOutcome[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, settlement.Record]{
		Method: "GET", Path: base, Tag: "settlement", Roles: anyRole,
		Summary: "A settlement's public record", Description: "Banks, tranche, status, times, transaction IDs and instruction hashes: never parties, units or cash.",
		Params: refOnly,
		Tx: &api.Tx[api.NoBody]{Fn: "Settlement:Get",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("ref")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.SettlementPage]{
		Method: "GET", Path: "/v1/settlements", Tag: "settlement", Roles: anyRole,
		Summary:     "A bank's settlements, page by page",
		Description: "This bank's by default; the trustee and auditors may list any bank's.",
		Params: []api.Param{
			{Name: "bank", In: "query", Description: "MSP ID; default this bank", Pattern: mspParam.Pattern},
			{Name: "pageSize", In: "query", Type: "integer", Description: "1 to 1000 (default 100)", Pattern: `^[1-9][0-9]{0,3}$`},
			{Name: "bookmark", In: "query", Description: "the bookmark of the previous page", MaxLength: 1024},
		},
		Tx: &api.Tx[api.NoBody]{Fn: "Settlement:ListByBank",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				bank, size := c.Query("bank"), c.Query("pageSize")
				if bank == "" {
					bank = c.MSPID()
				}
				if size == "" {
					size = "100"
				}
				return []string{bank, size, c.Query("bookmark")}, nil
			}},
	})
	api.Register(s, api.Endpoint[api.NoBody, settlement.Terms]{
		Method: "GET", Path: base + "/terms/{side}", Tag: "settlement", Roles: anyRole,
		Summary:     "One side's terms, as this bank instructed them",
		Description: "From this bank's implicit collection, on its own peer: for the party and its bank's compliance officers and admins.",
		Params:      []api.Param{refParam, sideParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Settlement:Terms",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("ref"), c.Path("side")}, nil
			}},
	})
	api.Register(s, api.Endpoint[TermsInput, rules.Verdict]{
		Method: "POST", Path: base + "/check", Tag: "settlement", Roles: anyRole,
		Summary:     "Would the settlement settle now? (writes nothing)",
		Description: "Allowed, or the refusal's code, rule and message (which a recorded failure leaves out). Evaluated on the trustee's peer.",
		Params:      refOnly,
		Chaincode:   []string{"Settlement:Get", "Settlement:Terms", "Settlement:CheckSettle"},
		Handle: func(c *api.Call, in *TermsInput) (*rules.Verdict, error) {
			transient, err := r.termsFor(c, in.Terms, "")
			if err != nil {
				return nil, err
			}
			res, err := c.AskWith(ledger.Tx{Fn: "Settlement:CheckSettle", Args: []string{c.Path("ref")}, Transient: transient})
			if err != nil {
				return nil, err
			}
			return decodeInto[rules.Verdict](res, "Settlement:CheckSettle")
		},
	})
}

// settlementStep submits a step that proves the terms against both
// instructions' hashes.
func (r *resources) settlementStep(c *api.Call, fn string, terms *settlement.Terms, side settlement.Side, args []string) (*SettlementOutcome, error) {
	transient, err := r.termsFor(c, terms, side)
	if err != nil {
		return nil, err
	}
	res, err := c.SubmitFn(ledger.Tx{Fn: fn, Args: args, Transient: transient}, "")
	if err != nil {
		return nil, err
	}
	return stepOutcome(c, (*struct{})(nil), res)
}

// termsFor returns the transient terms of a step: those given, or this
// bank's own side's, read from its implicit collection.
func (r *resources) termsFor(c *api.Call, terms *settlement.Terms, side settlement.Side) (map[string][]byte, error) {
	ref := c.Path("ref")
	if terms != nil {
		if terms.TradeRef != ref {
			return nil, api.BadInput("terms.tradeRef", "%q is not the settlement %s of the path", terms.TradeRef, ref)
		}
		return termsTransient(*terms)
	}
	if side == "" {
		res, err := c.Ask("Settlement:Get", ref)
		if err != nil {
			return nil, err
		}
		rec, err := decodeInto[settlement.Record](res, "Settlement:Get")
		if err != nil {
			return nil, err
		}
		switch c.MSPID() {
		case rec.SellerBank:
			side = settlement.Deliver
		case rec.BuyerBank:
			side = settlement.Receive
		default:
			return nil, api.BadInput("terms", "this bank (%s) instructed neither side of %s, so it holds no terms: send them", c.MSPID(), ref)
		}
	}
	res, err := c.Ask("Settlement:Terms", ref, string(side))
	if err != nil {
		return nil, err
	}
	// The stored terms are already canonical: pass them on as they are.
	return map[string][]byte{"terms": res.Payload}, nil
}

// termsTransient is the terms' transient field, in canonical form.
func termsTransient(t settlement.Terms) (map[string][]byte, error) {
	b, err := t.Canonical()
	if err != nil {
		return nil, within("terms", err)
	}
	return map[string][]byte{"terms": b}, nil
}

// stepOutcome decodes a settlement step's answer.
func stepOutcome[Req any](_ *api.Call, _ *Req, res ledger.Result) (*SettlementOutcome, error) {
	st, err := decodeInto[schema.SettlementStep](res, "settlement step")
	if err != nil {
		return nil, err
	}
	return &SettlementOutcome{Committed: committed(res), SettlementStep: *st}, nil
}
