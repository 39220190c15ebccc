package schema

import "github.com/tranchenet/tranchenet/chaincode/core/roles"

// ConfigProposal is a change of the consortium configuration waiting for
// the approval of a majority of member organisations' admins.
type ConfigProposal struct {
	Hash   string          `json:"hash"` // hex SHA-256 of the canonical JSON of Config
	Config roles.OrgConfig `json:"config"`
	// Base is the hash of the configuration in force when the proposal was
	// made: once another change is applied the proposal is stale and can no
	// longer be approved, so approvals never count against a membership
	// they were not given for.
	Base       string   `json:"base"`
	ProposedBy string   `json:"proposedBy"` // MSP
	Approvals  []string `json:"approvals"`  // MSPs whose admins approved, in order
	CreatedTx  string   `json:"createdTx"`
}
