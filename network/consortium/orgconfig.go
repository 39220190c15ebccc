package consortium

import "encoding/json"

// The chaincode owns the names of the roles people hold on chain
// (chaincode/core/roles); the consortium only says which of them each org's
// identities may hold. It names them here as plain strings so that the
// consortium description does not depend on the chaincode;
// chaincode_config_test.go checks every name and the order against the
// chaincode's vocabulary.
var chaincodeRoles = []string{"arranger", "trustee", "servicer", "compliance", "investor", "settlement", "auditor", "rates"}

// identityRolesOf maps what an org is (its org roles) to the roles its
// identities may hold on chain. Every bank may have compliance officers,
// investor clients, internal auditors and a rates desk (a fixing source
// when a deal's terms name it); the rest follows the org's part
// in the deal.
var identityRolesOf = map[string][]string{
	OrgRoleTrustee:    {"trustee"},
	OrgRoleArranger:   {"arranger"},
	OrgRoleSettlement: {"settlement"},
	OrgRoleServicer:   {"servicer"},
	OrgRoleAuditor:    {"auditor"},
}

var everyBank = []string{"compliance", "investor", "auditor", "rates"}

// ChaincodeRoles lists the on-chain roles an org's identities may be
// allowed to hold, in the chaincode's order (admin, which comes from the
// NodeOU, is never listed).
func ChaincodeRoles() []string { return append([]string(nil), chaincodeRoles...) }

// InitConfig is the consortium as the chaincode's Admin:Init records it
// (the chaincode reads it as roles.OrgConfig). Fields are in alphabetical
// order, so its JSON is already canonical.
type InitConfig struct {
	Orgs []InitOrg `json:"orgs"`
}

// InitOrg is one org of InitConfig: its MSP ID, the on-chain roles its
// identities may hold (in the order of ChaincodeRoles) and whether it keeps
// a registry collection for its clients.
type InitOrg struct {
	Custodian bool     `json:"custodian"`
	MSP       string   `json:"msp"`
	Roles     []string `json:"roles"`
}

// ChaincodeConfig is the consortium configuration the chaincode's
// Admin:Init records: each org, the roles its identities may hold and
// whether it keeps a registry.
func (c *Consortium) ChaincodeConfig() InitConfig {
	var cfg InitConfig
	for _, o := range c.Orgs {
		allowed := map[string]bool{}
		for _, r := range everyBank {
			allowed[r] = true
		}
		for _, r := range o.Roles {
			for _, id := range identityRolesOf[r] {
				allowed[id] = true
			}
		}
		org := InitOrg{MSP: o.MSPID, Roles: []string{}, Custodian: o.Custodian}
		for _, r := range chaincodeRoles {
			if allowed[r] {
				org.Roles = append(org.Roles, r)
			}
		}
		cfg.Orgs = append(cfg.Orgs, org)
	}
	return cfg
}

// ChaincodeConfigJSON is ChaincodeConfig as the JSON argument of
// Admin:Init.
func (c *Consortium) ChaincodeConfigJSON() []byte {
	b, err := json.Marshal(c.ChaincodeConfig())
	if err != nil {
		panic(err) // strings, bools and slices of them always marshal
	}
	return b
}
