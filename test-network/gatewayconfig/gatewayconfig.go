// Package gatewayconfig renders each bank's gateway-app configuration for
// the local test network: its peers, its CA-issued identities, one API user
// per role with a fresh token, and the collection endorsers the network's
// policies need. network.sh gateways runs it through `tnctl gateway-config`.
//
// It is a test-network tool: the gateway binary does not contain it. It
// imports the gateway's configuration format (gateway-app/config), the
// consortium description (network/consortium) and the chaincode's role and
// collection names (chaincode/core/roles), never the contracts.
package gatewayconfig

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// IssuedToken is an API user's bearer token in plain text, returned once by
// ForOrg: the configuration keeps only its hash.
type IssuedToken struct {
	User     string   `json:"user"`
	Roles    []string `json:"roles"`
	Identity string   `json:"identity"`
	Token    string   `json:"token"`
}

// ForOrg builds a ready configuration for the gateway app of the
// org mspID in a test network whose run folder is runDir (after
// `network.sh up`: it reads the crypto material there).
//
//   - Peer: the org's first peer on 127.0.0.1, with its TLS CA and host name;
//     FailoverPeers: the org's other peers, in consortium order.
//   - CA: the org's Fabric CA (https://127.0.0.1:<ca.port>, TLS root from the
//     org's MSP) and its Registrar identity; the wallet under dataDir.
//   - Identities: the org's Admin and User1..UserN (N = users in consortium.yaml).
//   - API users: "admin" (role admin, identity Admin), then one user per role
//     the consortium lets this org's identities hold, in the order of
//     roles.All, named after the role; the investor role gets users
//     investor1..investorK filling the remaining User identities (at least
//     one). Each user gets its own identity while identities last; after
//     that identities are shared, in order (see IssuedToken.Identity).
//   - Scheduler: on the trustee bank's gateway only, as its trustee user,
//     every SchedulerInterval, with no deal until one is registered.
//   - Tokens: fresh random ones, returned in plain text once and stored hashed.
//   - Endorsement: loanTape by the trustee and servicer orgs, compliance by a
//     majority of banks starting with this one, each registry<MSP> by the
//     trustee (the registrar) and that custodian; implicit collections
//     default to their own org.
//   - Listen: 127.0.0.1 and the org's gatewayApp.port; data under the
//     org's own folder (orgs/<MSPID>/gateway/data): every path in the
//     configuration is in that folder (consortium.RunFolder).
func ForOrg(c *consortium.Consortium, runDir string, mspID string) (config.Config, []IssuedToken, error) {
	var org consortium.Org
	found := false
	for _, o := range c.Orgs {
		if o.MSPID == mspID {
			org, found = o, true
		}
	}
	if !found {
		return config.Config{}, nil, fmt.Errorf("org %q is not in the consortium (orgs: %s)", mspID, strings.Join(c.MSPIDs(), ", "))
	}
	runDir, err := filepath.Abs(runDir)
	if err != nil {
		return config.Config{}, nil, err
	}
	run := consortium.RunFolder(runDir)
	port := org.GatewayApp.Port
	if port == 0 {
		port = 8080
	}
	cfg := config.Config{
		Listen:      fmt.Sprintf("127.0.0.1:%d", port),
		DataDir:     filepath.Join(run.Gateway(org.MSPID), "data"),
		MSPID:       org.MSPID,
		Channel:     c.Channel,
		Chaincode:   c.Chaincode,
		Endorsement: config.Endorsement{Collections: testNetworkEndorsers(c, org)},
	}
	for i, p := range org.Peers {
		host := org.PeerHost(p)
		peer := config.Peer{
			Endpoint:     fmt.Sprintf("127.0.0.1:%d", p.Port),
			TLSCACert:    filepath.Join(run.PeerTLS(org, p), "ca.crt"),
			HostOverride: host,
		}
		if i == 0 {
			cfg.Peer = peer
		} else {
			cfg.FailoverPeers = append(cfg.FailoverPeers, peer)
		}
	}
	registrar, err := caIdentity(run, org, "Registrar")
	if err != nil {
		return config.Config{}, nil, err
	}
	cfg.CA = &config.CA{
		URL:       fmt.Sprintf("https://127.0.0.1:%d", org.CA.Port),
		Name:      "ca-" + org.Name,
		TLSCACert: run.TLSRoot(org.MSPID, org.MSPID),
		Registrar: registrar,
		Wallet:    config.Wallet{Dir: filepath.Join(cfg.DataDir, "wallet")},
	}

	idNames := []string{config.AdminIdentity}
	for i := 1; i <= org.Users; i++ {
		idNames = append(idNames, fmt.Sprintf("User%d", i))
	}
	for _, name := range idNames {
		id, err := caIdentity(run, org, name)
		if err != nil {
			return config.Config{}, nil, err
		}
		cfg.Identities = append(cfg.Identities, id)
	}

	var tokens []IssuedToken
	addUser := func(name, identity string, rs ...roles.Role) {
		token := config.NewToken()
		names := make([]string, len(rs))
		for i, r := range rs {
			names[i] = string(r)
		}
		cfg.Users = append(cfg.Users, config.User{Name: name, Identity: identity, Roles: names, TokenSHA256: config.HashToken(token)})
		tokens = append(tokens, IssuedToken{User: name, Roles: names, Identity: identity, Token: token})
	}
	addUser("admin", config.AdminIdentity, roles.Admin)
	cast, err := castUsers(c, org)
	if err != nil {
		return config.Config{}, nil, err
	}
	for _, u := range cast {
		addUser(u.name, u.identity, u.role)
	}
	// The event stream is read by the most restricted identity that can read
	// the channel: the auditor's if the org has one.
	cfg.Events.Identity = config.AdminIdentity
	for _, u := range cfg.Users {
		if len(u.Roles) == 1 && u.Roles[0] == string(roles.Auditor) {
			cfg.Events.Identity = u.Identity
		}
	}
	cfg.Scheduler = trusteeScheduler(c, org, cfg.Users)
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return config.Config{}, nil, fmt.Errorf("test network config for %s: %w", mspID, err)
	}
	return cfg, tokens, nil
}

// SchedulerInterval is how often the trustee's scheduler looks at its
// deals on the test network: short, so a demo or test that moves its
// clock sees the step within seconds.
const SchedulerInterval = 5 * time.Second

// trusteeScheduler is the payment-date scheduler of the trustee bank's
// gateway: as its trustee API user's identity, with no deal of its own —
// it runs only the deals registered with PUT /v1/scheduler/deals/{deal},
// so it never certifies a deal nobody registered. Other banks get none.
func trusteeScheduler(c *consortium.Consortium, org consortium.Org, users []config.User) *config.Scheduler {
	if c.Trustee().MSPID != org.MSPID {
		return nil
	}
	for _, u := range users {
		if slices.Equal(u.Roles, []string{string(roles.Trustee)}) {
			return &config.Scheduler{Identity: u.Identity, Interval: config.Duration(SchedulerInterval), Deals: []config.ScheduledDeal{}}
		}
	}
	return nil
}

type roleUser struct {
	name     string
	role     roles.Role
	identity string // User1..UserN
}

// castUsers gives each API user of the org (one per role its identities
// may hold, investors filling the rest) one of its User1..UserN
// identities, in order, sharing identities once they run out.
func castUsers(c *consortium.Consortium, org consortium.Org) ([]roleUser, error) {
	onChain, err := roles.ParseOrgConfig(c.ChaincodeConfigJSON())
	if err != nil {
		return nil, fmt.Errorf("consortium roles: %w", err)
	}
	held, _ := onChain.Org(org.MSPID)
	out := roleUsers(held.Roles, org.Users)
	for i := range out {
		out[i].identity = fmt.Sprintf("User%d", i%org.Users+1)
	}
	return out, nil
}

// IdentityRoles is the value of the tranchenet.role certificate attribute
// the org's CA gives each of its User1..UserN identities at `network.sh
// up`: the roles of the API users ForOrg maps to that identity, comma
// separated (as roles.ParseRoleList reads them). The chaincode counts the
// attribute as held roles, within what the org may hold.
func IdentityRoles(c *consortium.Consortium, mspID string) (map[string]string, error) {
	org, ok := c.OrgByMSP(mspID)
	if !ok {
		return nil, fmt.Errorf("org %q is not in the consortium (orgs: %s)", mspID, strings.Join(c.MSPIDs(), ", "))
	}
	cast, err := castUsers(c, org)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, u := range cast {
		if prev := out[u.identity]; prev != "" {
			out[u.identity] = prev + "," + string(u.role)
		} else {
			out[u.identity] = string(u.role)
		}
	}
	return out, nil
}

// roleUsers lists one API user per role the org's identities may hold, with
// the investor role expanded to fill the identities left over.
func roleUsers(held roles.Set, identities int) []roleUser {
	others := 0
	for _, r := range held.Roles() {
		if r != roles.Investor && r != roles.Admin && r != roles.Rates {
			others++
		}
	}
	investors := max(1, identities-others)
	var out []roleUser
	for _, r := range held.Roles() {
		switch r {
		case roles.Admin:
		case roles.Rates:
			// No rates desk user: each API user has an identity of its own,
			// and every identity is taken. A bank adds one (an identity
			// granted the rates role) when a deal names it a fixing source.
		case roles.Investor:
			for i := 1; i <= investors; i++ {
				out = append(out, roleUser{name: fmt.Sprintf("investor%d", i), role: r})
			}
		default:
			out = append(out, roleUser{name: string(r), role: r})
		}
	}
	return out
}

// testNetworkEndorsers derives who endorses writes to each collection of
// the test network from the consortium's org roles (see the collections
// README for the policies these satisfy).
func testNetworkEndorsers(c *consortium.Consortium, self consortium.Org) map[string][]string {
	trustee := c.Trustee().MSPID
	out := map[string][]string{}
	loanTape := []string{trustee}
	for _, o := range c.OrgsWithRole(consortium.OrgRoleServicer) {
		loanTape = appendNew(loanTape, o.MSPID)
	}
	out[roles.LoanTapeCollection] = loanTape

	majority := len(c.Orgs)/2 + 1
	compliance := []string{self.MSPID}
	for _, o := range c.Orgs {
		if len(compliance) == majority {
			break
		}
		compliance = appendNew(compliance, o.MSPID)
	}
	out[roles.ComplianceCollection] = compliance

	for _, o := range c.Custodians() {
		out[roles.RegistryCollection(o.MSPID)] = appendNew([]string{trustee}, o.MSPID)
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// caIdentity locates the certificate and keystore the org's CA issued to
// user@domain at `network.sh up` (test-network/ca.sh).
func caIdentity(run consortium.RunFolder, org consortium.Org, user string) (config.Identity, error) {
	msp := run.UserMSP(org, user)
	certs, _ := filepath.Glob(filepath.Join(msp, "signcerts", "*.pem"))
	if len(certs) != 1 {
		return config.Identity{}, fmt.Errorf("identity %s: want one certificate in %s/signcerts, found %d (is the network up in this run folder?)", user, msp, len(certs))
	}
	return config.Identity{Name: user, Cert: certs[0], Keystore: filepath.Join(msp, "keystore")}, nil
}
