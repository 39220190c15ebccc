// Package collections generates the private data collection config of a
// tranchenet consortium (DESIGN.md section 2) from its list of orgs and
// their roles. The same function writes the checked-in config of the test
// network and the config of any real consortium, so the choices below are
// made once, here; README.md says why each value is what it is.
//
// It may import the consortium description (network/consortium) and the
// chaincode's collection names (chaincode/core/roles, which defines them
// once for the contracts, this generator and the gateway); nothing from the
// contracts, the gateway or Fabric.
package collections

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// Collection is one entry of Fabric's collection config JSON
// (peer lifecycle chaincode approveformyorg --collections-config).
type Collection struct {
	Name              string            `json:"name"`
	Policy            string            `json:"policy"`
	RequiredPeerCount int               `json:"requiredPeerCount"`
	MaxPeerCount      int               `json:"maxPeerCount"`
	BlockToLive       uint64            `json:"blockToLive"`
	MemberOnlyRead    bool              `json:"memberOnlyRead"`
	MemberOnlyWrite   bool              `json:"memberOnlyWrite"`
	EndorsementPolicy EndorsementPolicy `json:"endorsementPolicy"`
}

// EndorsementPolicy is a collection-level endorsement policy. It replaces the
// chaincode-level policy for writes to the collection's keys.
type EndorsementPolicy struct {
	SignaturePolicy string `json:"signaturePolicy"`
}

// Generate returns the collections of a consortium in a fixed order:
// loanTape, compliance, then one registry per custodian bank in file order.
func Generate(c *consortium.Consortium) ([]Collection, error) {
	trustee := c.Trustee()
	servicers := c.OrgsWithRole(consortium.OrgRoleServicer)
	if len(servicers) == 0 {
		return nil, fmt.Errorf("collections: no org has role %q, so nobody could write a loan tape", consortium.OrgRoleServicer)
	}

	// Loan tape: the trustee and the servicers. Both sides must endorse a
	// write, so neither can change loan data behind the other's back.
	tapeMembers := unique(append([]string{trustee.MSPID}, mspIDs(servicers)...))
	tapePolicy := fmt.Sprintf("AND('%s.peer', %s)", trustee.MSPID, orOf(mspIDs(servicers), "peer"))
	if len(servicers) == 1 && servicers[0].MSPID == trustee.MSPID {
		tapePolicy = onlyPeer(trustee.MSPID)
	}
	out := []Collection{{
		Name:              roles.LoanTapeCollection,
		Policy:            orOf(tapeMembers, "member"),
		RequiredPeerCount: min(1, peerCount(c, tapeMembers)-1),
		MaxPeerCount:      peerCount(c, tapeMembers) - 1,
		BlockToLive:       0,
		MemberOnlyRead:    true,
		MemberOnlyWrite:   true,
		EndorsementPolicy: EndorsementPolicy{SignaturePolicy: tapePolicy},
	}}

	// Investor claims: every bank needs them to run transfer rules. A new
	// claim needs the trustee and a majority of banks (the governance
	// policy), so no bank, nor any banks without the trustee, can plant
	// one; the chaincode then gives each claim the key-level policy "the
	// investor's bank AND the trustee" (chaincode/ledger/keypolicy).
	all := c.MSPIDs()
	out = append(out, Collection{
		Name:              roles.ComplianceCollection,
		Policy:            orOf(all, "member"),
		RequiredPeerCount: min(1, peerCount(c, all)-1),
		MaxPeerCount:      peerCount(c, all) - 1,
		BlockToLive:       0,
		MemberOnlyRead:    true,
		MemberOnlyWrite:   true,
		EndorsementPolicy: EndorsementPolicy{SignaturePolicy: c.GovernancePolicy("peer")},
	})

	// Registries: the trustee keeps every register of holders (it is the
	// registrar) and shares each with the custodian bank of those holders.
	// Only the trustee's peer can endorse: it alone can read both sides of a
	// cross-bank transfer, and a custodian alone must never mint or move
	// units. Reads and writes are not member-only because a transfer
	// submitted by a client of one bank reads and writes the registry of
	// another; the chaincode decides who may query which registry.
	for _, org := range c.Custodians() {
		members := unique([]string{trustee.MSPID, org.MSPID})
		out = append(out, Collection{
			Name:              roles.RegistryCollection(org.MSPID),
			Policy:            orOf(members, "member"),
			RequiredPeerCount: min(1, peerCount(c, members)-1),
			MaxPeerCount:      peerCount(c, members) - 1,
			BlockToLive:       0,
			MemberOnlyRead:    false,
			MemberOnlyWrite:   false,
			EndorsementPolicy: EndorsementPolicy{SignaturePolicy: onlyPeer(trustee.MSPID)},
		})
	}
	return out, nil
}

// JSON renders collections as indented JSON with a trailing newline.
func JSON(cs []Collection) ([]byte, error) {
	b, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// onlyPeer is the policy "a peer of this org", in the DSL form Fabric parses.
func onlyPeer(msp string) string { return fmt.Sprintf("OR('%s.peer')", msp) }

func list(msps []string, role string) string {
	parts := make([]string, len(msps))
	for i, m := range msps {
		parts[i] = fmt.Sprintf("'%s.%s'", m, role)
	}
	return strings.Join(parts, ", ")
}

func orOf(msps []string, role string) string { return "OR(" + list(msps, role) + ")" }

func mspIDs(orgs []consortium.Org) []string {
	out := make([]string, len(orgs))
	for i, o := range orgs {
		out[i] = o.MSPID
	}
	return out
}

func unique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// peerCount counts the peers of the given orgs.
func peerCount(c *consortium.Consortium, msps []string) int {
	n := 0
	for _, o := range c.Orgs {
		for _, m := range msps {
			if o.MSPID == m {
				n += len(o.Peers)
			}
		}
	}
	return n
}
