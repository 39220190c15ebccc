package gatewayconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// fakeRun writes the part of a test network run folder ForOrg
// reads: each org's peer TLS CA and its users' (and CA registrar's)
// certificates and keystores.
func fakeRun(t *testing.T, c *consortium.Consortium) string {
	t.Helper()
	run := t.TempDir()
	rf := consortium.RunFolder(run)
	for _, org := range c.Orgs {
		base := rf.Org(org.MSPID)
		for _, p := range org.Peers {
			dir := rf.PeerTLS(org, p)
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "ca.crt"), []byte("ca"), 0o644)
		}
		// The org's CA TLS root, which the gateway trusts to reach its CA.
		os.MkdirAll(filepath.Join(base, "msp", "tlscacerts"), 0o755)
		os.WriteFile(filepath.Join(base, "msp", "tlscacerts", "ca.pem"), []byte("ca"), 0o644)
		users := []string{"Admin", "Registrar"}
		for i := 1; i <= org.Users; i++ {
			users = append(users, fmt.Sprintf("User%d", i))
		}
		for _, u := range users {
			msp := rf.UserMSP(org, u)
			os.MkdirAll(filepath.Join(msp, "signcerts"), 0o755)
			os.MkdirAll(filepath.Join(msp, "keystore"), 0o700)
			os.WriteFile(filepath.Join(msp, "signcerts", u+"@"+org.Domain+"-cert.pem"), []byte("cert"), 0o644)
			os.WriteFile(filepath.Join(msp, "keystore", "priv_sk"), []byte("key"), 0o600)
		}
	}
	return run
}

func orgOf(c *consortium.Consortium, msp string) consortium.Org {
	for _, o := range c.Orgs {
		if o.MSPID == msp {
			return o
		}
	}
	panic("no org " + msp)
}

func loadConsortium(t *testing.T) *consortium.Consortium {
	t.Helper()
	c, err := consortium.Load(filepath.Join("..", "..", "network", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestForOrg(t *testing.T) {
	c := loadConsortium(t)
	run := fakeRun(t, c)
	tests := []struct {
		msp      string
		listen   string
		users    string // name:identity:role
		events   string
		loanTape []string
		registry map[string][]string
	}{
		{"Org1MSP", "127.0.0.1:8081",
			"admin:Admin:admin arranger:User1:arranger trustee:User2:trustee compliance:User3:compliance investor1:User4:investor investor2:User5:investor investor3:User6:investor settlement:User7:settlement auditor:User8:auditor",
			"User8", []string{"Org1MSP", "Org2MSP"}, map[string][]string{"registryOrg1MSP": {"Org1MSP"}, "registryOrg3MSP": {"Org1MSP", "Org3MSP"}}},
		{"Org2MSP", "127.0.0.1:8082",
			"admin:Admin:admin servicer:User1:servicer compliance:User2:compliance investor1:User3:investor investor2:User4:investor investor3:User5:investor investor4:User6:investor investor5:User7:investor auditor:User8:auditor",
			"User8", []string{"Org1MSP", "Org2MSP"}, nil},
		{"Org3MSP", "127.0.0.1:8083",
			"admin:Admin:admin compliance:User1:compliance investor1:User2:investor investor2:User3:investor investor3:User4:investor investor4:User5:investor investor5:User6:investor investor6:User7:investor auditor:User8:auditor",
			"User8", []string{"Org1MSP", "Org2MSP"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.msp, func(t *testing.T) {
			cfg, tokens, err := ForOrg(c, run, tt.msp)
			if err != nil {
				t.Fatal(err)
			}
			var users []string
			for i, u := range cfg.Users {
				users = append(users, u.Name+":"+u.Identity+":"+strings.Join(u.Roles, ","))
				tok := tokens[i]
				if tok.User != u.Name || tok.Identity != u.Identity || config.HashToken(tok.Token) != u.TokenSHA256 || !strings.HasPrefix(tok.Token, config.TokenPrefix) {
					t.Errorf("token %d %+v does not match user %+v", i, tok, u)
				}
			}
			if got := strings.Join(users, " "); got != tt.users {
				t.Errorf("users\n%s\nwant\n%s", got, tt.users)
			}
			if cfg.Listen != tt.listen || cfg.MSPID != tt.msp || cfg.Events.Identity != tt.events || cfg.Channel != "tranchenet" {
				t.Errorf("listen %s msp %s events %s", cfg.Listen, cfg.MSPID, cfg.Events.Identity)
			}
			if !reflect.DeepEqual(cfg.Endorsement.Collections["loanTape"], tt.loanTape) {
				t.Errorf("loanTape endorsers %v", cfg.Endorsement.Collections["loanTape"])
			}
			if comp := cfg.Endorsement.Collections["compliance"]; len(comp) != 2 || comp[0] != tt.msp {
				t.Errorf("compliance endorsers %v: a majority starting with the own org", comp)
			}
			for coll, want := range tt.registry {
				if got := cfg.Endorsement.Collections[coll]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s endorsers %v, want %v", coll, got, want)
				}
			}
			// Only the trustee bank's gateway runs a scheduler, as its
			// trustee, with no deal until one is registered.
			if tt.msp == c.Trustee().MSPID {
				if sc := cfg.Scheduler; sc == nil || sc.Identity != "User2" || sc.Interval.D() != SchedulerInterval || len(sc.Deals) != 0 {
					t.Errorf("trustee bank's scheduler %+v: want User2 (its trustee), every %s, no deals", sc, SchedulerInterval)
				}
			} else if cfg.Scheduler != nil {
				t.Errorf("%s is not the trustee bank, yet runs a scheduler %+v", tt.msp, cfg.Scheduler)
			}
			// Every path is in the org's own folder of the run folder.
			own := consortium.RunFolder(run).Org(tt.msp) + string(filepath.Separator)
			if !strings.HasPrefix(cfg.Peer.TLSCACert, own) || cfg.Peer.HostOverride == "" || !strings.HasPrefix(cfg.DataDir, own) ||
				!strings.HasPrefix(cfg.CA.Wallet.Dir, own) {
				t.Errorf("peer %+v data %s wallet %s: want every path under %s", cfg.Peer, cfg.DataDir, cfg.CA.Wallet.Dir, own)
			}
			for _, id := range append(cfg.Identities, cfg.CA.Registrar) {
				if !strings.HasPrefix(id.Cert, own) || !strings.HasPrefix(id.Keystore, own) {
					t.Errorf("identity %+v is not under %s", id, own)
				}
			}
			org := orgOf(c, tt.msp)
			if len(cfg.FailoverPeers) != len(org.Peers)-1 {
				t.Errorf("failover peers %+v: want the org's other %d peer(s)", cfg.FailoverPeers, len(org.Peers)-1)
			}
			if cfg.CA == nil || cfg.CA.URL != fmt.Sprintf("https://127.0.0.1:%d", org.CA.Port) ||
				!strings.HasSuffix(cfg.CA.Registrar.Cert, filepath.Join("Registrar@"+org.Domain, "msp", "signcerts", "Registrar@"+org.Domain+"-cert.pem")) ||
				!strings.HasPrefix(cfg.CA.TLSCACert, own) {
				t.Errorf("CA %+v", cfg.CA)
			}

			// Written and loaded back, it is the same configuration.
			path := filepath.Join(t.TempDir(), "gw.yaml")
			if err := config.WriteFile(path, cfg); err != nil {
				t.Fatal(err)
			}
			back, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, cfg) {
				t.Errorf("round trip changed the configuration:\n%+v\n%+v", back, cfg)
			}
			raw, _ := os.ReadFile(path)
			for _, tok := range tokens {
				if strings.Contains(string(raw), tok.Token) {
					t.Fatal("a plain token was written to the configuration")
				}
			}
		})
	}
	// Fresh tokens every time.
	_, t1, _ := ForOrg(c, run, "Org1MSP")
	_, t2, _ := ForOrg(c, run, "Org1MSP")
	if t1[0].Token == t2[0].Token {
		t.Error("tokens repeat across calls")
	}
}

func TestForOrgErrors(t *testing.T) {
	c := loadConsortium(t)
	if _, _, err := ForOrg(c, t.TempDir(), "Org9MSP"); err == nil || !strings.Contains(err.Error(), "Org1MSP, Org2MSP, Org3MSP") {
		t.Fatalf("unknown org: %v", err)
	}
	if _, _, err := ForOrg(c, t.TempDir(), "Org1MSP"); err == nil || !strings.Contains(err.Error(), "is the network up in this run folder?") {
		t.Fatalf("empty run folder: %v", err)
	}
}

// The CA's tranchenet.role attribute of each User identity is exactly the
// roles of the API users the gateway config maps to it, shared identities
// getting every role of theirs.
func TestIdentityRolesAreTheRolesOfTheUsersMappedToEachIdentity(t *testing.T) {
	c := loadConsortium(t)
	run := fakeRun(t, c)
	for _, org := range c.Orgs {
		cfg, _, err := ForOrg(c, run, org.MSPID)
		if err != nil {
			t.Fatal(err)
		}
		attrs, err := IdentityRoles(c, org.MSPID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, u := range cfg.Users {
			if u.Identity == config.AdminIdentity {
				continue
			}
			if want[u.Identity] != "" {
				want[u.Identity] += ","
			}
			want[u.Identity] += strings.Join(u.Roles, ",")
		}
		if !reflect.DeepEqual(attrs, want) {
			t.Errorf("%s: attributes %v, want %v", org.MSPID, attrs, want)
		}
	}
	org1 := c.Orgs[0]
	if got, _ := IdentityRoles(c, org1.MSPID); got["User1"] != "arranger" || got["User2"] != "trustee" {
		t.Errorf("Org1's first identities: %v", got)
	}
	// Two identities for six roles: each holds three.
	c.Orgs[0].Users = 2
	got, err := IdentityRoles(c, org1.MSPID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || strings.Count(got["User1"], ",") != 2 || strings.Count(got["User2"], ",") != 2 {
		t.Errorf("shared identities: %v", got)
	}
	if _, err := IdentityRoles(c, "Org9MSP"); err == nil {
		t.Error("an unknown org has no identities")
	}
}

// SetListener changes only the window and stream: "0s" turns the window
// off, nil brings back the default, "" the default stream, and the rest
// of the configuration loads as before.
func TestSetListener(t *testing.T) {
	c := loadConsortium(t)
	cfg, _, err := ForOrg(c, fakeRun(t, c), "Org2MSP")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := config.WriteFile(path, cfg); err != nil {
		t.Fatal(err)
	}
	off := time.Duration(0)
	for _, tc := range []struct {
		w                *time.Duration
		want             time.Duration
		stream, wantFlow string
	}{{&off, 0, config.StreamChaincodeEvents, config.StreamChaincodeEvents}, {nil, config.DefaultBatchWindow, "", config.StreamBlocks}} {
		if err := SetListener(path, tc.w, tc.stream); err != nil {
			t.Fatal(err)
		}
		got, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Events.Window() != tc.want || got.Events.Stream != tc.wantFlow || got.MSPID != cfg.MSPID || len(got.Users) != len(cfg.Users) {
			t.Errorf("after SetListener(%v, %q): window %s (want %s), stream %q (want %q), msp %s, %d users (want %d)",
				tc.w, tc.stream, got.Events.Window(), tc.want, got.Events.Stream, tc.wantFlow, got.MSPID, len(got.Users), len(cfg.Users))
		}
	}
}
