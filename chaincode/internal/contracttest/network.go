package contracttest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/collections"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// Network is the test network's consortium as the chaincode sees it: the
// configuration Admin:Init records and the private data collections the
// chaincode definition carries, read from the same files the real test
// network is deployed from (network/consortium.yaml and
// collections/test-network.json), so unit tests and the network agree.
type Network struct {
	Config      roles.OrgConfig
	Collections []stubtest.Collection
	Trustee     string // MSP of the trustee organisation
	Servicer    string // MSP of the (first) servicer organisation
	Investors   string // MSP of an investor-only bank (neither trustee nor servicer)
}

// repoRoot finds the repository from this file's location.
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("contracttest: cannot locate the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

var memberPattern = regexp.MustCompile(`'([^']+)\.member'`)

// TestNetwork loads the test network's consortium and collections.
func TestNetwork() (*Network, error) {
	root := repoRoot()
	c, err := consortium.Load(filepath.Join(root, "network", "consortium.yaml"))
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(root, "collections", "test-network.json"))
	if err != nil {
		return nil, err
	}
	var defs []collections.Collection
	if err := json.Unmarshal(raw, &defs); err != nil {
		return nil, fmt.Errorf("collections/test-network.json: %w", err)
	}
	cfg, err := roles.ParseOrgConfig(c.ChaincodeConfigJSON())
	if err != nil {
		return nil, err
	}
	n := &Network{Config: cfg, Trustee: c.Trustee().MSPID}
	for _, d := range defs {
		col := stubtest.Collection{Name: d.Name, MemberOnlyRead: d.MemberOnlyRead, MemberOnlyWrite: d.MemberOnlyWrite}
		for _, m := range memberPattern.FindAllStringSubmatch(d.Policy, -1) {
			col.Members = append(col.Members, m[1])
		}
		if len(col.Members) == 0 {
			return nil, fmt.Errorf("collection %s: no members in policy %q", d.Name, d.Policy)
		}
		n.Collections = append(n.Collections, col)
	}
	servicers := n.Config.MSPsWithRole(roles.Servicer)
	if len(servicers) == 0 {
		return nil, fmt.Errorf("the test network has no servicer organisation")
	}
	n.Servicer = servicers[0]
	for _, m := range n.Config.Custodians() {
		if m != n.Trustee && m != n.Servicer {
			n.Investors = m
			break
		}
	}
	if n.Investors == "" {
		return nil, fmt.Errorf("the test network needs a bank that is neither trustee nor servicer")
	}
	return n, nil
}
