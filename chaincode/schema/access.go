package schema

import "github.com/tranchenet/tranchenet/chaincode/core/roles"

// MaySee decides who may read an identity's private records (its
// positions, cash balance, claims' details, the details of a refusal that
// concerns it): the identity itself, the trustee (registrar, keeps every
// registry), and the compliance officers and admins of its own
// organisation (its custodian bank, which holds the registry anyway).
// Auditors see public state only; audit views are granted separately.
func MaySee(viewer roles.Grants, owner roles.Identity) bool {
	switch {
	case viewer.Identity == owner:
		return true
	case viewer.Has(roles.Trustee):
		return true
	case viewer.Identity.MSP == owner.MSP:
		return viewer.Has(roles.Compliance) || viewer.Has(roles.Admin)
	}
	return false
}

// AnyRole lists every role, for queries open to any identity holding one.
func AnyRole() []roles.Role { return roles.All() }
