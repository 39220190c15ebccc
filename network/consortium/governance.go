package consortium

import (
	"fmt"
	"slices"
	"strings"
)

// GovernancePolicy is the channel's rule for who may change what the
// whole consortium shares (the application Admins, LifecycleEndorsement
// and default Endorsement policies): a principal of the trustee org AND
// of enough other banks that, with the trustee, they are a majority of
// the banks. role is the NodeOU principal ("admin" for config updates,
// "peer" for endorsements). Fabric counts each signature once, so the
// trustee is not among "the others".
//
// For three banks with Org1 the trustee it renders
// AND('Org1MSP.peer', OutOf(1, 'Org2MSP.peer', 'Org3MSP.peer')): any two
// banks without the trustee never meet it.
func (c *Consortium) GovernancePolicy(role string) string {
	trustee := c.Trustee().MSPID
	var others []string
	for _, m := range c.MSPIDs() {
		if m != trustee {
			others = append(others, fmt.Sprintf("'%s.%s'", m, role))
		}
	}
	extra := len(c.Orgs) / 2 // a majority is len/2+1 banks, the trustee among them
	if extra == 0 || len(others) == 0 {
		return fmt.Sprintf("OR('%s.%s')", trustee, role)
	}
	return fmt.Sprintf("AND('%s.%s', OutOf(%d, %s))", trustee, role, extra, strings.Join(others, ", "))
}

// GovernanceQuorum lists the fewest banks whose principals meet
// GovernancePolicy: the trustee first, then the banks named in prefer (if
// members), then the others in file order, until they are a majority.
// add-org collects exactly these admins' signatures on the channel update
// and these banks' approvals of the next chaincode definition.
func (c *Consortium) GovernanceQuorum(prefer ...string) []string {
	trustee := c.Trustee().MSPID
	members := c.MSPIDs()
	order := []string{trustee}
	for _, m := range prefer {
		if m != trustee && slices.Contains(members, m) && !slices.Contains(order, m) {
			order = append(order, m)
		}
	}
	for _, m := range members {
		if !slices.Contains(order, m) {
			order = append(order, m)
		}
	}
	return order[:len(c.Orgs)/2+1]
}
