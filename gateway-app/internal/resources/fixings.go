package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// fixingSources declares the routes of indexes fixed from several
// sources (Servicing:PostIndexQuote, Servicing:GetFixingStatus); the
// trustee's single fixing is in servicing.go.
func (r *resources) fixingSources(s *api.Server) {
	index := "/v1/deals/{deal}/periods/{period}/fixings/{index}"
	params := []api.Param{dealParam, periodParam, indexParam}
	api.Register(s, api.Endpoint[FixingInput, Committed]{
		Method: "POST", Path: index + "/quotes", Tag: "fixings", Roles: []roles.Role{roles.Rates},
		Summary: "Quote an index for a period (a fixing source's rates desk)",
		Description: "For an index the deal's terms fix from several sources: the caller must be one of them (its identity, or its MSP, named " +
			"in the terms). Every quote is on the public record; a later quote of the same source supersedes the earlier. " +
			"Refused once the period is certified, or after the cut-off once the period's report is in.",
		Params: params,
		Tx: &api.Tx[FixingInput]{Fn: "Servicing:PostIndexQuote", Submit: true,
			Args: func(c *api.Call, in *FixingInput) ([]string, error) {
				return []string{c.Path("deal"), c.Path("period"), c.Path("index"), in.Rate.String()}, nil
			}},
		Result: done[FixingInput],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.FixingStatus]{
		Method: "GET", Path: index, Tag: "fixings", Roles: anyRole,
		Summary: "An index's quotes for a period and the value its rule resolves to",
		Description: "The deal's rule for the index, every quote posted, and what the rule makes of them at the cut-off: the median when met, " +
			"else waiting with the rule that fails and the sources missing, stale or late. After certification, final is the value used.",
		Params: params,
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetFixingStatus",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("deal"), c.Path("period"), c.Path("index")}, nil
			}},
	})
}
