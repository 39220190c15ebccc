package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
)

// gatewayConfigCmd writes the gateway-app configuration of org mspID for
// the network in runDir to out and prints, as JSON, where it went, the
// address the app will listen on and its API users' tokens in plain text
// (the only time they are shown: the file keeps their hashes).
func gatewayConfigCmd(c *consortium.Consortium, runDir, mspID, out string, w io.Writer) error {
	cfg, tokens, err := gatewayconfig.ForOrg(c, runDir, mspID)
	if err != nil {
		return err
	}
	if err := config.WriteFile(out, cfg); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(gatewayConfigResult{Config: out, Listen: cfg.Listen, Tokens: tokens})
}

// identityRolesCmd prints, for each User identity of org mspID, the
// tranchenet.role attribute value its CA registers it with: the roles of
// the API users its gateway config maps to it.
func identityRolesCmd(c *consortium.Consortium, mspID string, w io.Writer) error {
	attrs, err := gatewayconfig.IdentityRoles(c, mspID)
	if err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(attrs)) {
		fmt.Fprintf(w, "%s %s\n", id, attrs[id])
	}
	return nil
}

// gatewayConfigResult is what gateway-config prints; the demo and the
// gateway's end-to-end tests read it from tokens.json.
type gatewayConfigResult struct {
	Config string                      `json:"config"`
	Listen string                      `json:"listen"`
	Tokens []gatewayconfig.IssuedToken `json:"tokens"`
}
