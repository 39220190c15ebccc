package resources

import (
	"encoding/json"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// AmendmentInput proposes an amendment of a deal (Amendment:Propose).
type AmendmentInput struct {
	ID              string                 `json:"id" doc:"amendment ID, unique within the deal"`
	Kind            consent.Kind           `json:"kind" doc:"coupon-change, principal-change, maturity-extension, transfer-rule-change, waterfall-change, trigger-threshold-change, servicer-replacement or trustee-succession"`
	Affected        []string               `json:"affected,omitempty" doc:"tranche IDs whose terms change"`
	TouchesPriority bool                   `json:"touchesPriority,omitempty" doc:"a waterfall change that reorders or subordinates payments to an affected class (a sacred right)"`
	Change          schema.AmendmentChange `json:"change" doc:"the new term: coupon, legalFinalDate, rules, successor, trigger (name and threshold schedule), waterfall (the next definition), or terms (described)"`
	Reason          string                 `json:"reason"`
	RecordDate      time.Time              `json:"recordDate" doc:"positions are fixed from then (RFC 3339)"`
	Expiry          time.Time              `json:"expiry" doc:"the vote lapses then unless passed (RFC 3339)"`
}

// VoteInput is a holder's ballot; it travels to the trustee's peer in
// the transient map and stays in the holder's bank's registry.
type VoteInput struct {
	Tranche  string `json:"tranche" doc:"the class the holder votes with"`
	InFavour bool   `json:"inFavour"`
}

var amendmentParam = api.Param{Name: "amendment", In: "path", Description: "amendment ID", Pattern: idPattern, Example: "AMD-1"}

func (r *resources) amendments(s *api.Server) {
	const base = "/v1/deals/{deal}/amendments"
	one := base + "/{amendment}"
	both := []api.Param{dealParam, amendmentParam}
	ids := func(c *api.Call, _ *api.NoBody) ([]string, error) {
		return []string{c.Path("deal"), c.Path("amendment")}, nil
	}
	api.Register(s, api.Endpoint[AmendmentInput, Committed]{
		Method: "POST", Path: base, Tag: "amendments", Roles: []roles.Role{roles.Arranger, roles.Trustee}, Status: 201,
		Summary:     "Propose an amendment of a deal",
		Description: "The consent it needs follows from its kind: a majority or two-thirds of the Controlling Class or of each affected class, or every affected holder for a coupon, principal, maturity or priority change.",
		Params:      []api.Param{dealParam},
		Tx: &api.Tx[AmendmentInput]{Fn: "Amendment:Propose", Submit: true,
			Args: func(c *api.Call, in *AmendmentInput) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{c.Path("deal"), arg}, err
			}},
		Result: done[AmendmentInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: one + "/record", Tag: "amendments", Roles: trustee,
		Summary:     "Fix the voting positions at the record date (trustee)",
		Description: "Lists each voting class's holders on the trustee's peer and records every holder's position privately in its bank's registry; the amendment then shows each class's total and holder count.",
		Params:      both,
		Chaincode:   []string{"Amendment:Get", "Token:Holders", "Amendment:Record"},
		Handle: func(c *api.Call, _ *api.NoBody) (*Committed, error) {
			res, err := c.Ask("Amendment:Get", c.Path("deal"), c.Path("amendment"))
			if err != nil {
				return nil, err
			}
			a, err := decodeInto[schema.Amendment](res, "Amendment:Get")
			if err != nil {
				return nil, err
			}
			holders := map[string][]string{}
			for _, tranche := range a.Requirement.Classes {
				res, err := c.Ask("Token:Holders", tranche)
				if err != nil {
					return nil, err
				}
				list, err := decodeInto[schema.HolderList](res, "Token:Holders")
				if err != nil {
					return nil, err
				}
				holders[tranche] = []string{}
				for _, h := range list.Holders {
					holders[tranche] = append(holders[tranche], h.Holder)
				}
			}
			b, err := json.Marshal(holders)
			if err != nil {
				return nil, err
			}
			res, err = c.SubmitFn(ledger.Tx{Fn: "Amendment:Record", Args: []string{c.Path("deal"), c.Path("amendment")},
				Transient: map[string][]byte{"holders": b}}, "")
			if err != nil {
				return nil, err
			}
			out := committed(res)
			return &out, nil
		},
	})
	api.Register(s, api.Endpoint[VoteInput, Committed]{
		Method: "POST", Path: one + "/votes", Tag: "amendments", Roles: investor, Status: 201,
		Summary:     "Vote on an amendment (a holder at the record date)",
		Description: "Once per class, with the position held at the record date. The vote goes in the transient map and stays in this bank's registry; the amendment shows only the tally by class.",
		Params:      both,
		Tx: &api.Tx[VoteInput]{Fn: "Amendment:Vote", Submit: true, TransientFields: []string{"vote"},
			Args: func(c *api.Call, _ *VoteInput) ([]string, error) {
				return []string{c.Path("deal"), c.Path("amendment")}, nil
			},
			Transient: func(_ *api.Call, in *VoteInput) (map[string][]byte, error) {
				b, err := json.Marshal(in)
				return map[string][]byte{"vote": b}, err
			}},
		Result: done[VoteInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.AmendmentPosition]{
		Method: "GET", Path: one + "/votes/mine", Tag: "amendments", Roles: investor,
		Summary: "The caller's record-date position and vote", Description: "From this bank's registry, on its own peer.",
		Params: append(both, api.Param{Name: "tranche", In: "query", Required: true, Description: "the class", Pattern: idPattern}),
		Tx: &api.Tx[api.NoBody]{Fn: "Amendment:MyVote",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("deal"), c.Path("amendment"), c.Query("tranche")}, nil
			}},
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: one + "/execution", Tag: "amendments", Roles: trustee,
		Summary:     "Execute a passed amendment (trustee)",
		Description: "Writes the change into the deal's terms (a trigger or waterfall change: the deal's next waterfall version) as its next version, applying from the next certified period.",
		Params:      both,
		Tx:          &api.Tx[api.NoBody]{Fn: "Amendment:Execute", Submit: true, Args: ids},
		Result:      done[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Amendment]{
		Method: "GET", Path: one, Tag: "amendments", Roles: anyRole,
		Summary: "An amendment: its consent requirement, tally by class and outcome", Params: both,
		Tx: &api.Tx[api.NoBody]{Fn: "Amendment:Get", Args: ids},
	})
	api.Register(s, api.Endpoint[api.NoBody, []schema.Amendment]{
		Method: "GET", Path: base, Tag: "amendments", Roles: anyRole,
		Summary: "A deal's amendments", Params: []api.Param{dealParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Amendment:List",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, []schema.DealVersion]{
		Method: "GET", Path: "/v1/deals/{deal}/versions", Tag: "amendments", Roles: anyRole,
		Summary: "A deal's versions: every executed amendment", Params: []api.Param{dealParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Amendment:History",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("deal")}, nil }},
	})
}
