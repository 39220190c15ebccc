package testnetwork

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationTwoBankAttack is issue 11's attack, run by the test: two
// non-trustee banks (Org2 and Org3, a majority of three) install altered
// chaincode that writes whatever it is given (built with the "rogue" tag,
// served by its own chaincode-as-a-service process), re-approve the
// committed definition with it, and submit writes endorsed by both of
// their peers: a configuration letting Org2 hold the trustee role, a
// trustee grant, new tranche terms, an investor's claims, an inflated
// cash supply, a new deal and a holder's position. Every one must end
// invalid (ENDORSEMENT_POLICY_FAILURE) and every balance, claim, term,
// role and the configuration must be unchanged.
func TestIntegrationTwoBankAttack(t *testing.T) {
	cs := startDealNetwork(t)
	tranche, _ := tradingDeal(t, cs, "POOL-ATK-1", "DEAL-ATK-1", 40, []string{"alice", "bob"}, []string{"carol"}, money.FromMajor(10))
	trustee, alice, bob, carol := cs.get("trustee"), cs.get("alice"), cs.get("bob"), cs.get("carol")

	// What must not change, read on the trustee's honest peer.
	snapshot := func() map[string]string {
		out := map[string]string{}
		read := func(name string, a *actor, fn string, args ...string) {
			b, err := cs.tryEvaluateOn(a, []string{"Org1MSP"}, fn, args)
			if err != nil {
				t.Fatalf("%s: %s", fn, tnet.ErrorText(err))
			}
			out[name] = string(b)
		}
		read("config", trustee, "Admin:Config")
		read("alice's roles", trustee, "Admin:Roles", alice.key)
		read("tranche terms", trustee, "Deal:GetTranche", tranche)
		read("carol's claims", trustee, "Identity:GetClaims", carol.key)
		read("cash supply", trustee, "Cash:Supply")
		read("alice's units", trustee, "Token:Position", tranche, alice.key)
		read("bob's units", trustee, "Token:Position", tranche, bob.key)
		read("carol's cash", trustee, "Cash:Balance", carol.key)
		_, err := cs.tryEvaluateOn(trustee, []string{"Org1MSP"}, "Deal:Get", []string{"DEAL-FAKE"})
		out["fake deal"] = fmt.Sprint(err != nil)
		return out
	}
	before := snapshot()

	attackers := []string{"Org2MSP", "Org3MSP"}
	installRogue(t, cs, attackers)

	cfg := cs.cfg
	cfg.Orgs = append([]roles.Org{}, cfg.Orgs...)
	cfg.Orgs[1].Roles = cfg.Orgs[1].Roles.With(roles.Trustee)
	aliceID := strings.SplitN(alice.key, "/", 2)
	attrs := func(a ...string) string { b, _ := json.Marshal(a); return string(b) }
	var terms map[string]any
	if err := json.Unmarshal([]byte(before["tranche terms"]), &terms); err != nil {
		t.Fatal(err)
	}
	if r, ok := terms["rules"].(map[string]any); ok {
		r["blockedJurisdictions"] = []string{}
		r["allowedJurisdictions"] = []string{"US", "KP"}
	}
	terms["coupon"] = map[string]any{"fixed": "0.25", "dayCount": "30/360"}
	newTerms, _ := json.Marshal(terms)
	attacks := []struct {
		name, fn string
		args     []string
	}{
		{"let Org2 hold the trustee role", "Rogue:PutPlain", []string{"config", canonJSON(t, cfg)}},
		{"grant alice the trustee role", "Rogue:Put", []string{"role", attrs(aliceID[0], aliceID[1]), `["trustee"]`}},
		{"change the tranche's coupon and jurisdictions", "Rogue:Put", []string{"tranche", attrs(tranche), string(newTerms)}},
		{"rewrite carol's claims", "Rogue:PutPrivate", []string{"compliance", "claims", attrs(carol.key),
			`{"investorType":"qib","jurisdiction":"KP","kycExpiry":"2099-01-01T00:00:00Z","attestedBy":"Org3MSP"}`}},
		{"inflate the cash supply and reserves", "Rogue:Put", []string{"cashsupply", "[]",
			`{"minted":"99999999.00","burned":"0.00","reserves":"99999999.00"}`}},
		{"create a deal", "Rogue:Put", []string{"deal", attrs("DEAL-FAKE"), `{"id":"DEAL-FAKE","name":"fake"}`}},
		{"take bob's units", "Rogue:PutPrivate", []string{"registryOrg3MSP", "pos", attrs(tranche, bob.key), `{"units":0,"frozenUnits":0}`}},
	}
	for _, a := range attacks {
		_, _, err := alice.c.Submit(context.Background(), tnet.Tx{Fn: a.fn, Args: a.args, Endorsers: attackers})
		if err == nil {
			t.Errorf("%s: committed VALID with only %v endorsing", a.name, attackers)
			continue
		}
		if text := tnet.ErrorText(err); !strings.Contains(text, "ENDORSEMENT_POLICY_FAILURE") {
			t.Errorf("%s: want ENDORSEMENT_POLICY_FAILURE at commit, got %s", a.name, text)
		}
	}
	after := snapshot()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}
}

// tryEvaluateOn evaluates fn on the named orgs' peers.
func (cs *cast) tryEvaluateOn(a *actor, orgs []string, fn string, args []string) ([]byte, error) {
	return a.c.EvaluateOn(context.Background(), orgs, fn, args...)
}

// installRogue builds the rogue chaincode, serves it on a free loopback
// port, installs its package on the attackers' peers and has their admins
// approve the committed definition with it, then waits until their peers
// run it.
func installRogue(t *testing.T, cs *cast, attackers []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	bin := filepath.Join(dir, "tranchenet-cc-rogue")
	build := exec.Command("go", "build", "-tags", "rogue", "-o", bin, "./chaincode/cmd/tranchenet-cc")
	build.Dir = cs.n.Root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the rogue chaincode: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	l.Close()
	label := "tranchenet_rogue"
	pkg, err := throughput.CCaaSPackage(label, address)
	if err != nil {
		t.Fatal(err)
	}
	pkgPath := filepath.Join(dir, label+".tar.gz")
	if err := os.WriteFile(pkgPath, pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pkg)
	packageID := label + ":" + hex.EncodeToString(sum[:])

	log, err := os.Create(filepath.Join(cs.n.Run, "logs", "chaincode-rogue.log"))
	if err != nil {
		t.Fatal(err)
	}
	service := exec.Command(bin)
	service.Env = []string{"PATH=" + os.Getenv("PATH"), "CHAINCODE_SERVER_ADDRESS=" + address, "CORE_CHAINCODE_ID_NAME=" + packageID}
	service.Stdout, service.Stderr = log, log
	if err := service.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = service.Process.Kill()
		_, _ = service.Process.Wait()
		log.Close()
	})

	def, err := cs.n.Committed(ctx, "Org1MSP")
	if err != nil {
		t.Fatal(err)
	}
	for _, msp := range attackers {
		if out, err := cs.n.AdminCLI(ctx, msp, "lifecycle", "chaincode", "install", pkgPath); err != nil && !strings.Contains(out, "already successfully installed") {
			t.Fatalf("install on %s: %v", msp, err)
		}
		args := append([]string{"lifecycle", "chaincode", "approveformyorg"}, cs.n.OrdererFlags(msp)...)
		args = append(args, "-C", cs.n.Consortium.Channel, "-n", cs.n.Consortium.Chaincode, "-v", def.Version,
			"--sequence", fmt.Sprint(def.Sequence), "--collections-config", filepath.Join(cs.n.Root, "collections", "test-network.json"),
			"--channel-config-policy", "/Channel/Application/Endorsement", "--package-id", packageID)
		if _, err := cs.n.AdminCLI(ctx, msp, args...); err != nil {
			t.Fatalf("%s approves the rogue package at sequence %d: %v", msp, def.Sequence, err)
		}
	}
	// Each attacker's peer now runs the rogue package: a rogue query answers.
	for _, msp := range attackers {
		a := cs.admins[msp]
		deadline := time.Now().Add(60 * time.Second)
		for {
			_, err := a.c.EvaluateOn(ctx, []string{msp}, "org.hyperledger.fabric:GetMetadata")
			if err == nil {
				b, _ := a.c.EvaluateOn(ctx, []string{msp}, "org.hyperledger.fabric:GetMetadata")
				if strings.Contains(string(b), `"Rogue"`) {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's peer does not run the rogue chaincode: %v", msp, err)
			}
			time.Sleep(time.Second)
		}
	}
}
