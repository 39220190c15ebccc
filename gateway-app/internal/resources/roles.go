package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// ProposalOutcome is a configuration proposal's status after submitting it.
type ProposalOutcome struct {
	Committed
	schema.ProposalStatus
}

var (
	roleParam = api.Param{Name: "role", In: "path", Description: "a tranchenet role", Enum: roleNames()}
	hashParam = api.Param{Name: "hash", In: "path", Description: "the proposal's hash (hex SHA-256)", Pattern: `^[0-9a-f]{64}$`}
	admin     = []roles.Role{roles.Admin}
)

func roleNames() []string {
	var out []string
	for _, r := range roles.All() {
		if r != roles.Admin { // admin comes from the NodeOU, never granted
			out = append(out, string(r))
		}
	}
	return out
}

func (r *resources) roles(s *api.Server) {
	rolePath := "/v1/identities/{msp}/{id}/roles"
	grantParams := []api.Param{mspParam, idParam, roleParam}
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "PUT", Path: rolePath + "/{role}", Tag: "roles", Roles: admin,
		Summary:     "Grant a role to an identity of this bank (org admin)",
		Description: "Among the roles the consortium lets this bank's identities hold.",
		Params:      grantParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:GrantRole", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{identityOf(c), c.Path("role")}, nil
			}},
		Result: done[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "DELETE", Path: rolePath + "/{role}", Tag: "roles", Roles: admin,
		Summary:     "Revoke an on-chain role grant (org admin)",
		Description: "A role carried by the certificate's tranchenet.role attribute stays until the CA revokes the certificate.",
		Params:      grantParams,
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:RevokeRole", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{identityOf(c), c.Path("role")}, nil
			}},
		Result: done[api.NoBody],
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.RolesView]{
		Method: "GET", Path: rolePath, Tag: "roles", Roles: anyRole,
		Summary: "An identity's on-chain role grants", Params: []api.Param{mspParam, idParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:Roles",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{identityOf(c)}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.RolesView]{
		Method: "GET", Path: "/v1/whoami/ledger", Tag: "roles", Roles: anyRole,
		Summary:     "The caller's identity and roles as the chaincode sees them",
		Description: "From every source: the NodeOU, on-chain grants and the certificate attribute. GET /v1/whoami answers without a ledger call.",
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:WhoAmI",
			Args: func(*api.Call, *api.NoBody) ([]string, error) { return nil, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, roles.OrgConfig]{
		Method: "GET", Path: "/v1/consortium", Tag: "roles", Roles: anyRole,
		Summary: "The consortium configuration in force", Description: "Member organisations, the roles each may hold, custodians.",
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:Config",
			Args: func(*api.Call, *api.NoBody) ([]string, error) { return nil, nil }},
	})
	api.Register(s, api.Endpoint[roles.OrgConfig, ProposalOutcome]{
		Method: "POST", Path: "/v1/consortium/proposals", Tag: "roles", Status: 201, Roles: admin,
		Summary:     "Propose a new consortium configuration (org admin)",
		Description: "Counts this bank's approval; it applies once admins of a majority of member organisations approved the same hash.",
		Tx: &api.Tx[roles.OrgConfig]{Fn: "Admin:ProposeConfig", Submit: true,
			Args: func(c *api.Call, in *roles.OrgConfig) ([]string, error) {
				arg, err := jsonArg(in)
				return []string{arg}, err
			}},
		Result: func(c *api.Call, _ *roles.OrgConfig, res ledger.Result) (*ProposalOutcome, error) {
			st, err := decodeInto[schema.ProposalStatus](res, "Admin:ProposeConfig")
			if err != nil {
				return nil, err
			}
			return &ProposalOutcome{Committed: committed(res), ProposalStatus: *st}, nil
		},
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.ConfigProposal]{
		Method: "GET", Path: "/v1/consortium/proposals/{hash}", Tag: "roles", Roles: anyRole,
		Summary: "A pending configuration proposal", Params: []api.Param{hashParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:Proposal",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("hash")}, nil }},
	})
	api.Register(s, api.Endpoint[api.NoBody, Committed]{
		Method: "POST", Path: "/v1/consortium/proposals/{hash}/approvals", Tag: "roles", Roles: admin,
		Summary: "Approve a configuration proposal (org admin)", Params: []api.Param{hashParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Admin:ApproveConfig", Submit: true,
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) { return []string{c.Path("hash")}, nil }},
		Result: done[api.NoBody],
	})
}
