package testnetwork

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// actor is one identity of the test network acting through its own bank's
// peer with the Fabric Gateway client, as a bank application would.
type actor struct {
	name string
	msp  string
	key  string // roles.Identity.Key, learnt from Admin:WhoAmI
	c    *tnet.Client
	user string // the Fabric identity (User3), when known
}

// cast is every actor of a deal's life on the test network, with the roles
// their certificates carry: each org's CA writes the tranchenet.role
// attribute into its User identities at up (gatewayconfig.IdentityRoles),
// so no admin grants them on chain. The user numbers follow the gateway
// app's test-network configuration (one identity per API role).
type cast struct {
	t      *testing.T
	n      *tnet.Network
	cfg    roles.OrgConfig
	admins map[string]*actor // by MSP
	by     map[string]*actor // by name
}

type castMember struct {
	name, msp, user string
	role            roles.Role
}

var castMembers = []castMember{
	{"arranger", "Org1MSP", "User1", roles.Arranger},
	{"trustee", "Org1MSP", "User2", roles.Trustee},
	{"org1-compliance", "Org1MSP", "User3", roles.Compliance},
	{"settlement", "Org1MSP", "User7", roles.Settlement},
	{"servicer", "Org2MSP", "User1", roles.Servicer},
	{"org2-compliance", "Org2MSP", "User2", roles.Compliance},
	{"alice", "Org2MSP", "User3", roles.Investor},
	{"anna", "Org2MSP", "User4", roles.Investor},
	{"org3-compliance", "Org3MSP", "User1", roles.Compliance},
	{"bob", "Org3MSP", "User2", roles.Investor},
	{"carol", "Org3MSP", "User3", roles.Investor},
	{"dave", "Org3MSP", "User4", roles.Investor},
	{"org3-auditor", "Org3MSP", "User8", roles.Auditor},
}

// startDealNetwork brings up a network with the chaincode deployed and the
// consortium initialised, and connects every actor, each holding its role
// by its certificate's tranchenet.role attribute (none is granted).
func startDealNetwork(t *testing.T) *cast {
	t.Helper()
	n := tnet.UpForTest(t)
	onChain, err := roles.ParseOrgConfig(n.Consortium.ChaincodeConfigJSON())
	if err != nil {
		t.Fatal(err)
	}
	cs := &cast{t: t, n: n, cfg: onChain, admins: map[string]*actor{}, by: map[string]*actor{}}
	t.Cleanup(func() {
		for _, a := range cs.by {
			a.c.Close()
		}
		for _, a := range cs.admins {
			a.c.Close()
		}
	})
	for _, msp := range n.Consortium.MSPIDs() {
		cs.admins[msp] = cs.connect("admin-"+msp, msp, "Admin")
	}
	for _, m := range castMembers {
		m.user = castIdentity(t, n, m)
		a := cs.connect(m.name, m.msp, m.user)
		cs.by[m.name] = a
		var who schema.RolesView
		cs.evaluate(a, "Admin:WhoAmI", nil, &who)
		if !who.Roles.Has(m.role) || !strings.Contains(who.RoleAttribute, string(m.role)) {
			t.Fatalf("%s (%s of %s) holds %v with certificate attribute %s=%q: want %s from the attribute its CA issued",
				m.name, m.user, m.msp, who.Roles.Roles(), roles.RoleAttribute, who.RoleAttribute, m.role)
		}
	}
	return cs
}

// castIdentity is the identity a cast member acts as: for a role with one
// API user per bank (not investor), the UserN its CA gave that role, so the
// cast follows the consortium file when a benchmark raises a bank's users
// (the last roles move to the last identities); investors keep theirs.
func castIdentity(t *testing.T, n *tnet.Network, m castMember) string {
	t.Helper()
	if m.role == roles.Investor {
		return m.user
	}
	byUser, err := gatewayconfig.IdentityRoles(n.Consortium, m.msp)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= len(byUser); i++ {
		user := fmt.Sprintf("User%d", i)
		held, err := roles.ParseRoleList(byUser[user])
		if err == nil && held.Has(m.role) {
			return user
		}
	}
	return m.user
}

func (cs *cast) connect(name, msp, user string) *actor {
	cs.t.Helper()
	c, err := cs.n.Client(msp, user)
	if err != nil {
		cs.t.Fatal(err)
	}
	a := &actor{name: name, msp: msp, c: c}
	var who struct {
		Key string `json:"key"`
	}
	cs.evaluate(a, "Admin:WhoAmI", nil, &who)
	a.key = who.Key
	return a
}

func (cs *cast) get(name string) *actor {
	a, ok := cs.by[name]
	if !ok {
		cs.t.Fatalf("no actor %q", name)
	}
	return a
}

// endorsers resolves the endorsement table for a call by a.
func (cs *cast) endorsers(a *actor, fn, party string) []string {
	kind, ok := schema.Endorsement[fn]
	if !ok {
		cs.t.Fatalf("%s is not in the endorsement table", fn)
	}
	orgs, err := kind.Resolve(cs.cfg, a.msp, party)
	if err != nil {
		cs.t.Fatalf("%s: %v", fn, err)
	}
	return orgs
}

// trySubmit submits fn as a, endorsed as the table says; party names the
// other org some endorsement kinds need (the pool's servicer, a custodian).
func (cs *cast) trySubmit(a *actor, fn string, args []string, transient map[string][]byte, party string) (string, error) {
	cs.t.Helper()
	_, txID, err := a.c.Submit(context.Background(), tnet.Tx{Fn: fn, Args: args, Transient: transient, Endorsers: cs.endorsers(a, fn, party)})
	return txID, err
}

func (cs *cast) submit(a *actor, fn string, args []string, transient map[string][]byte, party string) string {
	cs.t.Helper()
	txID, err := cs.trySubmit(a, fn, args, transient, party)
	if err != nil {
		cs.t.Fatalf("%s as %s: %s", fn, a.name, tnet.ErrorText(err))
	}
	return txID
}

// refused submits fn and requires the chaincode to refuse it with code.
func (cs *cast) refused(a *actor, fn string, args []string, transient map[string][]byte, party string, code errs.Code) string {
	cs.t.Helper()
	_, err := cs.trySubmit(a, fn, args, transient, party)
	text := tnet.ErrorText(err)
	if err == nil || !strings.Contains(text, "["+string(code)+"]") {
		cs.t.Fatalf("%s as %s: want [%s], got %v\n%s", fn, a.name, code, err, text)
	}
	return text
}

// evaluate runs a query where the table says (own peer, or the trustee's)
// and decodes the JSON result into out (if not nil).
func (cs *cast) evaluate(a *actor, fn string, args []string, out any) {
	cs.t.Helper()
	b, err := cs.tryEvaluate(a, fn, args)
	if err != nil {
		cs.t.Fatalf("%s as %s: %s", fn, a.name, tnet.ErrorText(err))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			cs.t.Fatalf("%s: decode %s: %v", fn, b, err)
		}
	}
}

func (cs *cast) tryEvaluate(a *actor, fn string, args []string) ([]byte, error) {
	var orgs []string
	if kind := schema.Endorsement[fn]; kind == schema.QueryOnTrustee {
		orgs = cs.endorsers(a, fn, "")
	}
	return a.c.EvaluateOn(context.Background(), orgs, fn, args...)
}

// canonJSON is the canonical JSON argument of a contract function.
func canonJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tnetSubmit is the raw transaction for fn as a, endorsed as the table says.
func tnetSubmit(cs *cast, a *actor, fn string, args ...string) tnet.Tx {
	return tnet.Tx{Fn: fn, Args: args, Endorsers: cs.endorsers(a, fn, "")}
}
