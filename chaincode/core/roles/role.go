// Package roles decides who may do what: identities, the roles they hold,
// who may grant them, and the consortium's organisations.
//
// An identity is its MSP ID plus the SHA-256 of its certificate's subject
// and issuer (Identity), so a re-issued certificate with the same names
// keeps its holdings and roles, and any bank PKI works, not only Fabric CA.
//
// A caller's roles (Grants) come from three sources:
//
//   - admin: the certificate carries the NodeOU "admin" of its MSP. Only
//     the MSP's own CA can say so; admin is never granted on chain;
//   - on-chain grants made by an admin of the identity's own MSP (CanGrant);
//   - the X.509 attribute tranchenet.role issued by a Fabric CA,
//     comma-separated ("investor,compliance").
//
// Either way an organisation can only give its identities the roles the
// consortium configuration (OrgConfig) lets that organisation hold: an
// investor bank cannot make one of its users a trustee.
//
// It also names the private data collections (collections.go), once for
// the contracts, the collections generator and the gateway. Like all of
// the core it imports only the core (errs, canon) and the standard library.
package roles

import (
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Role is a named set of permissions; contracts check them with Grants.Require.
type Role string

// The roles of the reference design (DESIGN.md §1).
const (
	Admin      Role = "admin"      // org admin (NodeOU): grants and revokes roles in its own MSP
	Arranger   Role = "arranger"   // creates pools and deals, defines tranches and waterfalls, issues
	Trustee    Role = "trustee"    // registrar and paying agent: certifies reports, distributions, forced transfers, freeze, pause
	Servicer   Role = "servicer"   // submits loan tapes and monthly servicer reports
	Compliance Role = "compliance" // attests KYC/AML claims for investors of its own MSP
	Investor   Role = "investor"   // holds, transfers, trades and redeems tranche tokens
	Settlement Role = "settlement" // issues and redeems the cash token
	Auditor    Role = "auditor"    // read-only access to public state and granted audit views
	Rates      Role = "rates"      // a rates desk: posts index quotes for the deals whose terms name it as a fixing source
)

var allRoles = []Role{Admin, Arranger, Trustee, Servicer, Compliance, Investor, Settlement, Auditor, Rates}

// All returns every role, in a fixed order.
func All() []Role { return append([]Role(nil), allRoles...) }

// ParseRole reads a role name (exact, lower case), or returns a BAD_INPUT
// error listing the valid names.
func ParseRole(s string) (Role, error) {
	if bit(Role(s)) == 0 {
		return "", errs.Field("role", "unknown role %q; roles are %s", s, joinRoles(allRoles))
	}
	return Role(s), nil
}

// Valid reports whether r is one of All.
func (r Role) Valid() bool { return bit(r) != 0 }

func (r Role) String() string { return string(r) }

// bit is the role's position in a Set, or 0 for an unknown role.
func bit(r Role) Set {
	for i, a := range allRoles {
		if a == r {
			return 1 << i
		}
	}
	return 0
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
