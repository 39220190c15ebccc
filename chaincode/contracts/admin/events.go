package admin

import "github.com/tranchenet/tranchenet/chaincode/core/roles"

// Event payloads: configuration and role grants are public state.

type configEvent struct {
	Hash string   `json:"hash"` // SHA-256 of the configuration's canonical JSON
	By   string   `json:"by"`   // MSP of the admin who initialised or proposed it
	Orgs []string `json:"orgs"`
}

type approvalEvent struct {
	Hash      string `json:"hash"`
	By        string `json:"by"`
	Approvals int    `json:"approvals"`
	Needed    int    `json:"needed"`
}

type roleEvent struct {
	Identity string     `json:"identity"`
	Role     roles.Role `json:"role"`
	By       string     `json:"by"` // the admin's identity key
}
