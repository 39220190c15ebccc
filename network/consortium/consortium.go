// Package consortium reads network/consortium.yaml, the one description of a
// tranchenet consortium (orgs, their roles, nodes and ports) from which the
// test network renders its Fabric configuration and from which the collection
// config is generated. Nothing else in the code names an org.
//
// It is the network's description, not the chaincode's: it imports only the
// standard library and yaml, never chaincode/... or gateway-app/.... Where
// the chaincode needs something from it (the Admin:Init argument), it
// speaks the chaincode's JSON, and chaincode_config_test.go checks the two
// sides agree.
package consortium

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"

	"gopkg.in/yaml.v3"
)

// Consortium is the parsed consortium.yaml.
type Consortium struct {
	Channel    string     `yaml:"channel"`
	Chaincode  string     `yaml:"chaincode"`
	Domain     string     `yaml:"domain"`
	OrdererOrg OrdererOrg `yaml:"ordererOrg"`
	Orgs       []Org      `yaml:"orgs"`
	// Candidates are banks described in the file but not in the channel
	// at `up`: `network.sh add-org NAME` admits one into the running
	// consortium (Admit). Their ports are reserved like the members'.
	Candidates []Org `yaml:"candidates,omitempty"`
}

// OrdererOrg runs the Raft ordering service.
type OrdererOrg struct {
	Name   string        `yaml:"name"`
	MSPID  string        `yaml:"mspID"`
	Domain string        `yaml:"domain"`
	CA     CA            `yaml:"ca"`
	Nodes  []OrdererNode `yaml:"nodes"`
	// Batch is when the ordering service cuts a block (configtx.yaml's
	// BatchTimeout and BatchSize.MaxMessageCount); omitted, the defaults.
	Batch Batch `yaml:"batch"`
}

// Batch says when the ordering service cuts a block: after Timeout since
// the block's first transaction, or at MaxMessageCount transactions,
// whichever comes first.
type Batch struct {
	Timeout         string `yaml:"timeout"`
	MaxMessageCount int    `yaml:"maxMessageCount"`
}

// The default batch, chosen by measurement with the throughput benchmark
// (README, "Throughput"): the timeout is the latency every transaction
// waits for when the network is not busy (a single client's settlement
// paid the whole 500 ms Fabric's samples use), and the count only caps
// blocks under load, where larger blocks cost the peers less per
// transaction than more blocks.
const (
	DefaultBatchTimeout         = "100ms"
	DefaultBatchMaxMessageCount = 100
)

// BatchTimeout is the block-cutting timeout, or the default.
func (o OrdererOrg) BatchTimeout() string {
	if o.Batch.Timeout == "" {
		return DefaultBatchTimeout
	}
	return o.Batch.Timeout
}

// BatchMaxMessageCount is the most transactions in a block, or the default.
func (o OrdererOrg) BatchMaxMessageCount() int {
	if o.Batch.MaxMessageCount == 0 {
		return DefaultBatchMaxMessageCount
	}
	return o.Batch.MaxMessageCount
}

// CA is an org's Fabric CA server: it issues the org's enrollment (MSP)
// certificates and, through its "tls" signing profile, its TLS certificates,
// so one root certifies both (see test-network/ca.sh for why).
type CA struct {
	Port           int `yaml:"port"`
	OperationsPort int `yaml:"operationsPort"`
}

// CAHost is the TLS host name of an org's CA server.
func CAHost(domain string) string { return "ca." + domain }

// OrdererNode is one Raft consenter.
type OrdererNode struct {
	Name           string `yaml:"name"`
	Port           int    `yaml:"port"`
	AdminPort      int    `yaml:"adminPort"`
	OperationsPort int    `yaml:"operationsPort"`
}

// Org is a bank of the consortium.
type Org struct {
	Name       string   `yaml:"name"`
	MSPID      string   `yaml:"mspID"`
	Domain     string   `yaml:"domain"`
	Roles      []string `yaml:"roles"`
	Custodian  bool     `yaml:"custodian"`
	Users      int      `yaml:"users"`
	CA         CA       `yaml:"ca"`
	Peers      []Peer   `yaml:"peers"`
	GatewayApp struct {
		Port int `yaml:"port"`
	} `yaml:"gatewayApp"`
	// ChaincodeService is the bank's own chaincode-as-a-service process:
	// only its peers call it, through the package only it installed and
	// approved (its connection.json names this port, so its package ID is
	// its own).
	ChaincodeService ChaincodeService `yaml:"chaincodeService"`
}

// ChaincodeService is where a bank's chaincode service listens.
type ChaincodeService struct {
	Port int `yaml:"port"`
}

// Peer is one peer node of an org.
type Peer struct {
	Name           string `yaml:"name"`
	Port           int    `yaml:"port"`
	ChaincodePort  int    `yaml:"chaincodePort"`
	OperationsPort int    `yaml:"operationsPort"`
}

// Org roles: what a bank is in a deal's life. They decide collection
// membership; the identity roles of people (trustee officer, investor, ...)
// are granted on chain.
const (
	OrgRoleTrustee    = "trustee"
	OrgRoleArranger   = "arranger"
	OrgRoleSettlement = "settlement"
	OrgRoleOriginator = "originator"
	OrgRoleServicer   = "servicer"
	OrgRoleInvestor   = "investor"
	OrgRoleAuditor    = "auditor"
)

var knownOrgRoles = []string{OrgRoleTrustee, OrgRoleArranger, OrgRoleSettlement, OrgRoleOriginator, OrgRoleServicer, OrgRoleInvestor, OrgRoleAuditor}

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,30}$`)
	domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

// Load reads and validates a consortium file.
func Load(path string) (*Consortium, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes consortium YAML strictly (unknown keys are errors) and validates it.
func Parse(raw []byte) (*Consortium, error) {
	var c Consortium
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks names, uniqueness of MSP IDs and ports, and that the
// consortium has exactly one trustee org (the registrar of every registry).
func (c *Consortium) Validate() error {
	if !namePattern.MatchString(c.Channel) || c.Channel != lower(c.Channel) {
		return fmt.Errorf("channel %q: must be lower-case letters, digits and dashes", c.Channel)
	}
	if !namePattern.MatchString(c.Chaincode) {
		return fmt.Errorf("chaincode %q: invalid name", c.Chaincode)
	}
	ports := map[int]string{}
	usePort := func(p int, who string) error {
		if p <= 0 || p > 65535 {
			return fmt.Errorf("%s: port %d out of range", who, p)
		}
		if prev, ok := ports[p]; ok {
			return fmt.Errorf("%s: port %d already used by %s", who, p, prev)
		}
		ports[p] = who
		return nil
	}
	o := c.OrdererOrg
	if !namePattern.MatchString(o.Name) || !namePattern.MatchString(o.MSPID) || !domainPattern.MatchString(o.Domain) {
		return fmt.Errorf("ordererOrg: name, mspID and domain are required and well-formed")
	}
	useCA := func(ca CA, who string) error {
		if ca.Port == 0 || ca.OperationsPort == 0 {
			return fmt.Errorf("%s.ca: port and operationsPort are required (the org's Fabric CA)", who)
		}
		for _, p := range []int{ca.Port, ca.OperationsPort} {
			if err := usePort(p, who+".ca"); err != nil {
				return err
			}
		}
		return nil
	}
	if err := useCA(o.CA, "ordererOrg"); err != nil {
		return err
	}
	if d, err := time.ParseDuration(o.BatchTimeout()); err != nil || d < 10*time.Millisecond || d > 10*time.Second {
		return fmt.Errorf("ordererOrg.batch.timeout %q: want a duration from 10ms to 10s", o.Batch.Timeout)
	}
	if n := o.BatchMaxMessageCount(); n < 1 || n > 10000 {
		return fmt.Errorf("ordererOrg.batch.maxMessageCount %d: want 1 to 10000", n)
	}
	if len(o.Nodes) == 0 {
		return fmt.Errorf("ordererOrg.nodes: at least one orderer is required")
	}
	for i, n := range o.Nodes {
		who := fmt.Sprintf("ordererOrg.nodes[%d] (%s)", i, n.Name)
		if !namePattern.MatchString(n.Name) {
			return fmt.Errorf("%s: invalid name", who)
		}
		for _, p := range []int{n.Port, n.AdminPort, n.OperationsPort} {
			if err := usePort(p, who); err != nil {
				return err
			}
		}
	}
	msps := map[string]bool{o.MSPID: true}
	names := map[string]bool{}
	trustees := 0
	checkOrg := func(org Org, who string) error {
		if names[org.Name] {
			return fmt.Errorf("%s: org name %s used twice", who, org.Name)
		}
		names[org.Name] = true
		if !namePattern.MatchString(org.Name) || !namePattern.MatchString(org.MSPID) {
			return fmt.Errorf("%s: name and mspID must be letters, digits and dashes", who)
		}
		if !domainPattern.MatchString(org.Domain) {
			return fmt.Errorf("%s: domain %q is not a DNS name", who, org.Domain)
		}
		if msps[org.MSPID] {
			return fmt.Errorf("%s: mspID %s used twice", who, org.MSPID)
		}
		msps[org.MSPID] = true
		for _, r := range org.Roles {
			if !slices.Contains(knownOrgRoles, r) {
				return fmt.Errorf("%s: unknown org role %q (known: %v)", who, r, knownOrgRoles)
			}
		}
		if org.HasRole(OrgRoleTrustee) {
			trustees++
		}
		if err := useCA(org.CA, who); err != nil {
			return err
		}
		if len(org.Peers) == 0 {
			return fmt.Errorf("%s: at least one peer is required", who)
		}
		if org.Users < 1 {
			return fmt.Errorf("%s: users must be at least 1", who)
		}
		for j, p := range org.Peers {
			pw := fmt.Sprintf("%s.peers[%d]", who, j)
			for _, port := range []int{p.Port, p.ChaincodePort, p.OperationsPort} {
				if err := usePort(port, pw); err != nil {
					return err
				}
			}
		}
		if org.ChaincodeService.Port == 0 {
			return fmt.Errorf("%s.chaincodeService: port is required (the bank's own chaincode service)", who)
		}
		if err := usePort(org.ChaincodeService.Port, who+".chaincodeService"); err != nil {
			return err
		}
		if org.GatewayApp.Port != 0 {
			if err := usePort(org.GatewayApp.Port, who+".gatewayApp"); err != nil {
				return err
			}
		}
		return nil
	}
	for i, org := range c.Orgs {
		if err := checkOrg(org, fmt.Sprintf("orgs[%d] (%s)", i, org.Name)); err != nil {
			return err
		}
	}
	for i, org := range c.Candidates {
		who := fmt.Sprintf("candidates[%d] (%s)", i, org.Name)
		// A bank joining a running consortium cannot take the trustee's
		// place: that moves the channel's governance, not just its members.
		if org.HasRole(OrgRoleTrustee) {
			return fmt.Errorf("%s: a candidate cannot have role %q (the trustee is in the channel from the start)", who, OrgRoleTrustee)
		}
		if err := checkOrg(org, who); err != nil {
			return err
		}
	}
	if len(c.Orgs) < 2 {
		return fmt.Errorf("orgs: a consortium needs at least two orgs")
	}
	if trustees != 1 {
		return fmt.Errorf("orgs: exactly one org must have role %q (found %d)", OrgRoleTrustee, trustees)
	}
	return nil
}

// HasRole reports whether the org plays the given org role.
func (o Org) HasRole(role string) bool { return slices.Contains(o.Roles, role) }

// Trustee returns the trustee org (Validate guarantees there is one).
func (c *Consortium) Trustee() Org {
	for _, o := range c.Orgs {
		if o.HasRole(OrgRoleTrustee) {
			return o
		}
	}
	panic("consortium: no trustee org; call Validate first")
}

// OrgByMSP returns the bank org with the given MSP ID.
func (c *Consortium) OrgByMSP(mspID string) (Org, bool) {
	for _, o := range c.Orgs {
		if o.MSPID == mspID {
			return o, true
		}
	}
	return Org{}, false
}

// OrgsWithRole lists the orgs playing a role, in file order.
func (c *Consortium) OrgsWithRole(role string) []Org {
	var out []Org
	for _, o := range c.Orgs {
		if o.HasRole(role) {
			out = append(out, o)
		}
	}
	return out
}

// Custodians lists the orgs that keep a registry of their clients' holdings.
func (c *Consortium) Custodians() []Org {
	var out []Org
	for _, o := range c.Orgs {
		if o.Custodian {
			out = append(out, o)
		}
	}
	return out
}

// MSPIDs lists every bank org's MSP ID, in file order.
func (c *Consortium) MSPIDs() []string {
	out := make([]string, len(c.Orgs))
	for i, o := range c.Orgs {
		out[i] = o.MSPID
	}
	return out
}

// PeerHost is the TLS host name of a peer (the name in its certificate).
func (o Org) PeerHost(p Peer) string { return p.Name + "." + o.Domain }

// OrdererHost is the TLS host name of an orderer node.
func (o OrdererOrg) OrdererHost(n OrdererNode) string { return n.Name + "." + o.Domain }

func lower(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			b[i] = ch + 32
		}
	}
	return string(b)
}
