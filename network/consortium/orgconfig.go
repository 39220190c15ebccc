package consortium

import (
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// identityRolesOf maps what an org is (its org roles) to the roles its
// identities may hold on chain. Every bank may have compliance officers,
// investor clients and internal auditors; the rest follows the org's part
// in the deal.
var identityRolesOf = map[string][]roles.Role{
	OrgRoleTrustee:    {roles.Trustee},
	OrgRoleArranger:   {roles.Arranger},
	OrgRoleSettlement: {roles.Settlement},
	OrgRoleServicer:   {roles.Servicer},
	OrgRoleAuditor:    {roles.Auditor},
}

var everyBank = []roles.Role{roles.Compliance, roles.Investor, roles.Auditor}

// ChaincodeConfig is the consortium configuration the chaincode's
// Admin:Init records: each org, the roles its identities may hold and
// whether it keeps a registry.
func (c *Consortium) ChaincodeConfig() roles.OrgConfig {
	var cfg roles.OrgConfig
	for _, o := range c.Orgs {
		set := roles.SetOf(everyBank...)
		for _, r := range o.Roles {
			set |= roles.SetOf(identityRolesOf[r]...)
		}
		cfg.Orgs = append(cfg.Orgs, roles.Org{MSP: o.MSPID, Roles: set, Custodian: o.Custodian})
	}
	return cfg
}
