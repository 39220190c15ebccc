package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/network/consortium"
)

func renderCmd(c *consortium.Consortium, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, render := range map[string]func() ([]byte, error){
		"configtx.yaml": c.ConfigTx,
	} {
		b, err := render()
		if err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// nodesCmd prints one whitespace-separated line per node, in start order
// (every org's CA first: it issues the other nodes' certificates):
//
//	ca      ca   MSPID DOMAIN PORT -             OPSPORT ORGNAME KIND USERS
//	orderer NAME MSPID DOMAIN PORT ADMINPORT     OPSPORT
//	peer    NAME MSPID DOMAIN PORT CHAINCODEPORT OPSPORT ORGNAME
//
// KIND is orderer or peer (the org's crypto folder); USERS is how many
// client identities User1..USERS the CA issues at up.
func nodesCmd(c *consortium.Consortium, w io.Writer) error {
	o := c.OrdererOrg
	fmt.Fprintf(w, "ca ca %s %s %d - %d %s orderer 0\n", o.MSPID, o.Domain, o.CA.Port, o.CA.OperationsPort, o.Name)
	for _, org := range c.Orgs {
		fmt.Fprintf(w, "ca ca %s %s %d - %d %s peer %d\n", org.MSPID, org.Domain, org.CA.Port, org.CA.OperationsPort, org.Name, org.Users)
	}
	for _, n := range o.Nodes {
		fmt.Fprintf(w, "orderer %s %s %s %d %d %d\n", n.Name, o.MSPID, o.Domain, n.Port, n.AdminPort, n.OperationsPort)
	}
	for _, org := range c.Orgs {
		for _, p := range org.Peers {
			fmt.Fprintf(w, "peer %s %s %s %d %d %d %s\n", p.Name, org.MSPID, org.Domain, p.Port, p.ChaincodePort, p.OperationsPort, org.Name)
		}
	}
	return nil
}

func getCmd(c *consortium.Consortium, key string, w io.Writer) error {
	switch key {
	case "channel":
		fmt.Fprintln(w, c.Channel)
	case "chaincode":
		fmt.Fprintln(w, c.Chaincode)
	case "profile":
		fmt.Fprintln(w, consortium.ChannelProfile)
	case "orgs":
		fmt.Fprintln(w, strings.Join(c.MSPIDs(), " "))
	case "trustee":
		fmt.Fprintln(w, c.Trustee().MSPID)
	case "candidates":
		var names []string
		for _, o := range c.Candidates {
			names = append(names, o.Name)
		}
		fmt.Fprintln(w, strings.Join(names, " "))
	case "orderer-msp":
		fmt.Fprintln(w, c.OrdererOrg.MSPID)
	case "collections":
		// The collection config every bank approves (collections.Generate).
		b, err := collectionsJSON(c)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "chaincode-config":
		// The argument of Admin:Init, as one line of canonical JSON.
		b, err := canon.Marshal(c.ChaincodeConfig())
		if err != nil {
			return err
		}
		fmt.Fprintln(w, string(b))
	default:
		// quorum[:MSP,...] is GovernanceQuorum preferring those MSPs.
		if prefer, ok := strings.CutPrefix(key, "quorum"); ok && (prefer == "" || prefer[0] == ':') {
			fmt.Fprintln(w, strings.Join(c.GovernanceQuorum(strings.Split(strings.TrimPrefix(prefer, ":"), ",")...), " "))
			return nil
		}
		// msp:<Name> is the MSP ID of a member or candidate bank.
		if name, ok := strings.CutPrefix(key, "msp:"); ok {
			for _, o := range append(slices.Clone(c.Orgs), c.Candidates...) {
				if o.Name == name || o.MSPID == name {
					fmt.Fprintln(w, o.MSPID)
					return nil
				}
			}
			return fmt.Errorf("no org %q", name)
		}
		// KEY:<MSP> is a port of that org's: gateway-port (its gateway
		// app) or ccport (its chaincode service).
		field, msp, ok := strings.Cut(key, ":")
		if !ok {
			return fmt.Errorf("unknown key %q", key)
		}
		org, found := c.OrgByMSP(msp)
		if !found {
			return fmt.Errorf("no org %q", msp)
		}
		switch field {
		case "gateway-port":
			fmt.Fprintln(w, org.GatewayApp.Port)
		case "ccport":
			fmt.Fprintln(w, org.ChaincodeService.Port)
		default:
			return fmt.Errorf("unknown key %q", key)
		}
	}
	return nil
}

// Profile is a minimal connection profile: what a client of one org needs to
// reach its own peers, every org's peers (for endorsement) and the orderers.
type Profile struct {
	Name      string            `json:"name"`
	Channel   string            `json:"channel"`
	Chaincode string            `json:"chaincode"`
	MSPID     string            `json:"mspID"`
	Peers     []ProfileEndpoint `json:"peers"`
	Orderers  []ProfileEndpoint `json:"orderers"`
	// Users maps user names to their MSP folders (signcerts, keystore).
	Users map[string]string `json:"users"`
}

// ProfileEndpoint is a TLS gRPC endpoint.
type ProfileEndpoint struct {
	MSPID      string `json:"mspID"`
	Address    string `json:"address"`
	HostName   string `json:"hostName"`
	TLSCACert  string `json:"tlsCACert"`
	Operations string `json:"operations,omitempty"`
}

// profilesCmd writes each bank's connection profile into its own folder
// (orgs/<MSPID>/profile.json): every path in it is in that folder (its own
// users, and the TLS roots of the other orgs as it holds them).
func profilesCmd(c *consortium.Consortium, runDir string) error {
	runDir, err := filepath.Abs(runDir)
	if err != nil {
		return err
	}
	run := consortium.RunFolder(runDir)
	o := c.OrdererOrg
	for _, org := range c.Orgs {
		var peers, orderers []ProfileEndpoint
		for _, other := range c.Orgs {
			for _, p := range other.Peers {
				peers = append(peers, ProfileEndpoint{
					MSPID: other.MSPID, Address: fmt.Sprintf("127.0.0.1:%d", p.Port), HostName: other.PeerHost(p),
					TLSCACert:  run.TLSRoot(org.MSPID, other.MSPID),
					Operations: fmt.Sprintf("127.0.0.1:%d", p.OperationsPort),
				})
			}
		}
		for _, n := range o.Nodes {
			orderers = append(orderers, ProfileEndpoint{
				MSPID: o.MSPID, Address: fmt.Sprintf("127.0.0.1:%d", n.Port), HostName: o.OrdererHost(n),
				TLSCACert:  run.TLSRoot(org.MSPID, o.MSPID),
				Operations: fmt.Sprintf("127.0.0.1:%d", n.OperationsPort),
			})
		}
		users := map[string]string{}
		usersDir := filepath.Join(run.Org(org.MSPID), "users")
		entries, err := os.ReadDir(usersDir)
		if err != nil {
			return fmt.Errorf("profiles: %w (the org's CA issues its users at up)", err)
		}
		for _, e := range entries {
			name := strings.SplitN(e.Name(), "@", 2)[0]
			users[name] = run.UserMSP(org, name)
		}
		p := Profile{Name: org.Name, Channel: c.Channel, Chaincode: c.Chaincode, MSPID: org.MSPID,
			Peers: peers, Orderers: orderers, Users: users}
		b, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(run.Org(org.MSPID), "profile.json"), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
