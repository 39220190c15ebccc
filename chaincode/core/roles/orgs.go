package roles

import (
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Org is one consortium member as the Admin contract records it at init.
type Org struct {
	MSP string `json:"msp"`
	// Roles are the roles this organisation's identities may hold (what the
	// organisation is: a trustee bank, a servicer, an investor bank); the
	// admin role comes from the NodeOU and is never listed.
	Roles Set `json:"roles"`
	// Custodian organisations keep their clients' holdings in their own
	// registry collection.
	Custodian bool `json:"custodian"`
}

// OrgConfig is the consortium: every member organisation, in a fixed order.
type OrgConfig struct {
	Orgs []Org `json:"orgs"`
}

// ParseOrgConfig reads the consortium configuration as Admin:Init receives
// it (JSON: unknown fields and role names refused) and validates it.
func ParseOrgConfig(b []byte) (OrgConfig, error) {
	var c OrgConfig
	if err := canon.Unmarshal(b, &c); err != nil {
		return OrgConfig{}, err
	}
	if err := c.Validate(); err != nil {
		return OrgConfig{}, err
	}
	return c, nil
}

// Validate checks the configuration: at least one organisation, valid and
// unique MSP IDs, no admin in a role list, MSP IDs of custodians usable in
// a collection name (Fabric allows only A-Z a-z 0-9 _ - there, so no dot),
// and at least one organisation that may hold the trustee role, since
// every registry is shared with the registrar. Errors name the field, e.g.
// "orgs[2].msp".
func (c OrgConfig) Validate() error {
	if len(c.Orgs) == 0 {
		return errs.Field("orgs", "the consortium needs at least one organisation")
	}
	seen := make(map[string]int, len(c.Orgs))
	trustee := false
	for i, o := range c.Orgs {
		field := fmt.Sprintf("orgs[%d]", i)
		if problem := mspProblem(o.MSP); problem != "" {
			return errs.Field(field+".msp", "%s", problem)
		}
		if j, dup := seen[o.MSP]; dup {
			return errs.Field(field+".msp", "MSP %s is listed twice (also orgs[%d])", o.MSP, j)
		}
		seen[o.MSP] = i
		if o.Roles.Has(Admin) {
			return errs.Field(field+".roles", "role admin comes from the NodeOU and cannot be configured")
		}
		if o.Custodian && strings.Contains(o.MSP, ".") {
			return errs.Field(field+".msp", "custodian MSP %s: collection %s would contain '.', which Fabric does not allow in collection names",
				o.MSP, RegistryCollection(o.MSP))
		}
		trustee = trustee || o.Roles.Has(Trustee)
	}
	if !trustee {
		return errs.Field("orgs", "no organisation may hold role trustee; the consortium needs a registrar")
	}
	return nil
}

// Org returns the organisation with the given MSP ID.
func (c OrgConfig) Org(msp string) (Org, bool) {
	for _, o := range c.Orgs {
		if o.MSP == msp {
			return o, true
		}
	}
	return Org{}, false
}

// IsMember reports whether msp belongs to the consortium.
func (c OrgConfig) IsMember(msp string) bool {
	_, ok := c.Org(msp)
	return ok
}

// MSPs lists every member's MSP ID, in configuration order.
func (c OrgConfig) MSPs() []string {
	return c.mspsWhere(func(Org) bool { return true })
}

// MSPsWithRole lists the MSP IDs of organisations that may hold role r, in
// configuration order (e.g. the trustee organisations for an endorsement
// policy).
func (c OrgConfig) MSPsWithRole(r Role) []string {
	return c.mspsWhere(func(o Org) bool { return o.Roles.Has(r) })
}

// Custodians lists the MSP IDs of custodian organisations, in configuration order.
func (c OrgConfig) Custodians() []string {
	return c.mspsWhere(func(o Org) bool { return o.Custodian })
}

// RegistryFor names the registry collection holding the units and cash of
// msp's clients, or refuses when msp is not a custodian member.
func (c OrgConfig) RegistryFor(msp string) (string, error) {
	o, ok := c.Org(msp)
	if !ok {
		return "", errs.New(errs.Forbidden, "MSP %s is not a member of the consortium", msp)
	}
	if !o.Custodian {
		return "", errs.New(errs.Forbidden, "organisation %s is not a custodian and keeps no registry", msp)
	}
	return RegistryCollection(msp), nil
}

func (c OrgConfig) mspsWhere(keep func(Org) bool) []string {
	out := []string{}
	for _, o := range c.Orgs {
		if keep(o) {
			out = append(out, o.MSP)
		}
	}
	return out
}
