package tnet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// AdminCLI runs a peer CLI command as msp's admin against its first peer
// (lifecycle commands of tests that change what a bank's peers run).
func (n *Network) AdminCLI(ctx context.Context, msp string, args ...string) (string, error) {
	return n.peerCLI(ctx, Call{Org: msp}, args...)
}

// PeerAdminCLI runs a peer CLI command as msp's admin against its peer
// named peer (installing a package on every peer).
func (n *Network) PeerAdminCLI(ctx context.Context, msp, peer string, args ...string) (string, error) {
	return n.peerCLI(ctx, Call{Org: msp, Peer: peer}, args...)
}

// OrdererFlags are the peer CLI flags with which msp's admin reaches the
// first orderer (trusting the orderer org's TLS root from msp's folder).
func (n *Network) OrdererFlags(msp string) []string { return n.ordererFlags(msp) }

// Definition is the committed chaincode definition, as querycommitted
// reports it.
type Definition struct {
	Sequence int64  `json:"sequence"`
	Version  string `json:"version"`
}

// Committed reads the committed definition of the network's chaincode.
func (n *Network) Committed(ctx context.Context, msp string) (Definition, error) {
	out, err := n.AdminCLI(ctx, msp, "lifecycle", "chaincode", "querycommitted",
		"-C", n.Consortium.Channel, "-n", n.Consortium.Chaincode, "-O", "json")
	if err != nil {
		return Definition{}, err
	}
	var d Definition
	start := strings.Index(out, "{")
	if start < 0 {
		return Definition{}, fmt.Errorf("querycommitted printed no JSON: %s", out)
	}
	if err := json.Unmarshal([]byte(out[start:]), &d); err != nil {
		return Definition{}, fmt.Errorf("querycommitted: %w: %s", err, out)
	}
	return d, nil
}
