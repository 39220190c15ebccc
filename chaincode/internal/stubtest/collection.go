package stubtest

import (
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// ImplicitCollection returns the name of the implicit private data
// collection of an org, "_implicit_org_" + mspID (roles names it once).
func ImplicitCollection(mspID string) string { return roles.ImplicitCollection(mspID) }

// Collection is a static private data collection of the chaincode
// definition, reduced to what decides who may read and write it. Pass it to
// NewWorld as an Option.
//
// Members are the MSP IDs of the member orgs (the collection's
// memberOrgsPolicy read as OR of '<MSP>.member'). Their peers hold the data;
// other peers hold only its hash. MemberOnlyRead and MemberOnlyWrite
// additionally require the transaction creator's MSP to be a member, exactly
// as the collection flags of the same names do.
type Collection struct {
	Name            string
	Members         []string
	MemberOnlyRead  bool
	MemberOnlyWrite bool
}

func (c Collection) apply(w *World) { w.explicit = append(w.explicit, c) }

// validate rejects configurations that Fabric's lifecycle would refuse or
// that are certainly typos in a test.
func (c Collection) validate() error {
	switch {
	case c.Name == "":
		return fmt.Errorf("collection name is empty")
	case strings.HasPrefix(c.Name, roles.ImplicitCollection("")):
		return fmt.Errorf("collection %q: names starting with %q are reserved for implicit collections", c.Name, roles.ImplicitCollection(""))
	case len(c.Members) == 0:
		return fmt.Errorf("collection %q: no member orgs", c.Name)
	}
	seen := map[string]bool{}
	for _, m := range c.Members {
		if m == "" {
			return fmt.Errorf("collection %q: empty member MSP ID", c.Name)
		}
		if seen[m] {
			return fmt.Errorf("collection %q: member %q listed twice", c.Name, m)
		}
		seen[m] = true
	}
	return nil
}

// access is a collection as the peer evaluates it on every private data call.
type access struct {
	members         map[string]bool
	memberOnlyRead  bool
	memberOnlyWrite bool
}

func newAccess(c Collection) *access {
	a := &access{
		members:         make(map[string]bool, len(c.Members)),
		memberOnlyRead:  c.MemberOnlyRead,
		memberOnlyWrite: c.MemberOnlyWrite,
	}
	for _, m := range c.Members {
		a.members[m] = true
	}
	return a
}

// implicitAccess mirrors Fabric's GenerateImplicitCollectionForOrg: the org
// is the only member, and neither memberOnlyRead nor memberOnlyWrite is set,
// so any creator may call the chaincode on the org's peers; only the peer's
// org holds the data.
func implicitAccess(mspID string) *access {
	return &access{members: map[string]bool{mspID: true}}
}

// creatorMayRead and creatorMayWrite follow privdata's
// RetrieveReadWritePermission: members may do both; others may do what the
// memberOnly flags do not forbid.
func (a *access) creatorMayRead(creatorMSP string) bool {
	return a.members[creatorMSP] || !a.memberOnlyRead
}

func (a *access) creatorMayWrite(creatorMSP string) bool {
	return a.members[creatorMSP] || !a.memberOnlyWrite
}

// peerHoldsData reports whether a peer of the given org stores the private
// values, rather than only their hashes.
func (a *access) peerHoldsData(peerMSP string) bool { return a.members[peerMSP] }
