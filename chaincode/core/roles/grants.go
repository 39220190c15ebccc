package roles

import (
	"crypto/x509"
	"errors"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

const (
	// AdminOU is the NodeOU that marks an MSP's admin certificates (Fabric's
	// default AdminOUIdentifier).
	AdminOU = "admin"
	// RoleAttribute is the Fabric CA certificate attribute listing roles.
	RoleAttribute = "tranchenet.role"
)

// Caller is what the chaincode knows about a transaction's submitter,
// gathered by the contract from the creator certificate (pkg/cid).
type Caller struct {
	Identity
	Admin    bool   // the certificate carries NodeOU AdminOU
	RoleAttr string // value of the RoleAttribute attribute, "" if absent
}

// NewCaller builds a Caller from the creator's MSP, certificate and the
// value of its RoleAttribute attribute (cid.GetAttributeValue).
func NewCaller(msp string, cert *x509.Certificate, roleAttr string) Caller {
	return Caller{
		Identity: IdentityOf(msp, cert),
		Admin:    slices.Contains(cert.Subject.OrganizationalUnit, AdminOU),
		RoleAttr: roleAttr,
	}
}

// Grants are the roles an identity holds in this transaction.
type Grants struct {
	Identity Identity
	Roles    Set
}

// Resolve computes a caller's grants: admin from the NodeOU, plus the
// on-chain grants and the certificate attribute, both limited to the roles
// the caller's organisation may hold in cfg (a grant the configuration no
// longer allows is ignored). A caller whose MSP is not in cfg is FORBIDDEN;
// a malformed role attribute is UNAUTHENTICATED, since that certificate
// cannot be used as issued.
func Resolve(c Caller, onChain Set, cfg OrgConfig) (Grants, error) {
	if err := c.Identity.Validate(); err != nil {
		return Grants{}, errs.New(errs.Unauthenticated, "caller identity: %v", err)
	}
	org, ok := cfg.Org(c.MSP)
	if !ok {
		return Grants{}, errs.New(errs.Forbidden, "MSP %s is not a member of the consortium", c.MSP)
	}
	attr, err := ParseRoleList(c.RoleAttr)
	if err != nil {
		var e *errs.Error
		errors.As(err, &e)
		return Grants{}, errs.New(errs.Unauthenticated, "certificate attribute %s of %s: %s", RoleAttribute, c.Short(), e.Msg)
	}
	roles := (onChain | attr) & org.Roles.Without(Admin)
	if c.Admin {
		roles = roles.With(Admin)
	}
	return Grants{Identity: c.Identity, Roles: roles}, nil
}

// Has reports whether the grants include r.
func (g Grants) Has(r Role) bool { return g.Roles.Has(r) }

// Require returns nil if the grants include at least one of anyOf, and
// otherwise a FORBIDDEN error naming the role(s) required and those held:
//
//	[FORBIDDEN] Org3MSP/3fa9c2e1d0b4… holds investor; role trustee required
func (g Grants) Require(anyOf ...Role) error {
	if g.Roles&SetOf(anyOf...) != 0 {
		return nil
	}
	need := "role " + joinRoles(anyOf)
	if len(anyOf) > 1 {
		need = "one of roles " + joinRoles(anyOf)
	}
	return errs.New(errs.Forbidden, "%s holds %s; %s required", g.Identity.Short(), g.Roles, need)
}

// CanGrant decides whether granter may grant role r to grantee on chain:
// granter must be an admin (NodeOU) of the grantee's own MSP, r must not be
// admin, and the grantee's organisation must be allowed to hold r by cfg.
// It returns nil or the BAD_INPUT or FORBIDDEN error to answer with.
func CanGrant(granter Caller, grantee Identity, r Role, cfg OrgConfig) error {
	if err := checkGrant(granter, grantee, r, "grant"); err != nil {
		return err
	}
	org, ok := cfg.Org(grantee.MSP)
	if !ok {
		return errs.New(errs.Forbidden, "MSP %s is not a member of the consortium", grantee.MSP)
	}
	if !org.Roles.Has(r) {
		return errs.New(errs.Forbidden, "organisation %s may not hold role %s (allowed: %s)", org.MSP, r, org.Roles)
	}
	return nil
}

// CanRevoke decides whether granter may revoke role r from grantee: the
// same admin-of-the-same-MSP rule as CanGrant, without the configuration
// check, so that roles the configuration no longer allows can be cleaned up.
func CanRevoke(granter Caller, grantee Identity, r Role) error {
	return checkGrant(granter, grantee, r, "revoke")
}

func checkGrant(granter Caller, grantee Identity, r Role, verb string) error {
	if err := grantee.Validate(); err != nil {
		return errs.Wrap(err, "grantee")
	}
	if !r.Valid() {
		_, err := ParseRole(string(r))
		return err
	}
	if r == Admin {
		return errs.Field("role", "role admin comes from the certificate's NodeOU; it is not managed on chain")
	}
	if !granter.Admin {
		return errs.New(errs.Forbidden, "%s of %s is not an admin; only an admin (NodeOU %s) of %s may %s roles",
			granter.Short(), granter.MSP, AdminOU, grantee.MSP, verb)
	}
	if granter.MSP != grantee.MSP {
		return errs.New(errs.Forbidden, "an admin of %s may not %s roles for identities of %s", granter.MSP, verb, grantee.MSP)
	}
	return nil
}
