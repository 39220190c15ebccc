package testnetwork

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationNetworkLifecycle brings a fresh network up in a temporary run folder,
// deploys the chaincode, proves public and private reads and writes and the
// collection and endorsement policies through the peer CLI from several
// orgs, and brings it down leaving no process or port behind.
func TestIntegrationNetworkLifecycle(t *testing.T) {
	n := tnet.UpForTest(t)
	ctx := context.Background()
	run := n.Run

	trustee := n.Consortium.Trustee().MSPID
	servicer := n.Consortium.OrgsWithRole("servicer")[0].MSPID
	investorBank := n.Consortium.OrgsWithRole("investor")[0].MSPID

	t.Run("up and deploy again are harmless", func(t *testing.T) {
		out, err := tnet.Script(ctx, run, "up")
		if err != nil || !strings.Contains(out, "network up") {
			t.Fatalf("second up: %v\n%s", err, out)
		}
		out, err = tnet.Script(ctx, run, "deploy")
		if err != nil || !strings.Contains(out, "nothing to do") {
			t.Fatalf("second deploy should be a no-op: %v\n%s", err, out)
		}
	})

	folder := consortium.RunFolder(run)
	t.Run("each bank runs its own chaincode service, package and approval", func(t *testing.T) {
		seen := map[string]string{}
		for _, org := range n.Consortium.Orgs {
			raw, err := os.ReadFile(filepath.Join(folder.Org(org.MSPID), "chaincode", "package-id"))
			if err != nil {
				t.Fatal(err)
			}
			id := strings.TrimSpace(string(raw))
			if other, dup := seen[id]; dup {
				t.Errorf("%s and %s run the same package %s", org.MSPID, other, id)
			}
			seen[id] = org.MSPID
			approved, err := n.AdminCLI(ctx, org.MSPID, "lifecycle", "chaincode", "queryapproved", "-C", n.Consortium.Channel, "-n", n.Consortium.Chaincode)
			if err != nil || !strings.Contains(approved, id) {
				t.Errorf("%s approved %q, want its own package %s (%v)", org.MSPID, approved, id, err)
			}
			if _, err := os.Stat(filepath.Join(run, "pids", "chaincode-"+org.MSPID+".pid")); err != nil {
				t.Errorf("%s's chaincode service has no PID file: %v", org.MSPID, err)
			}
			if !tnet.PortBusy(org.ChaincodeService.Port) {
				t.Errorf("%s's chaincode service does not listen on %d", org.MSPID, org.ChaincodeService.Port)
			}
		}
		// Each bank's peers hold only its own package.
		for _, org := range n.Consortium.Orgs {
			installed, err := n.AdminCLI(ctx, org.MSPID, "lifecycle", "chaincode", "queryinstalled")
			if err != nil {
				t.Fatal(err)
			}
			for id, owner := range seen {
				if strings.Contains(installed, id) != (owner == org.MSPID) {
					t.Errorf("%s's peer: package %s of %s installed = %v\n%s", org.MSPID, id, owner, strings.Contains(installed, id), installed)
				}
			}
		}
	})

	t.Run("no process's configuration names another org's folder", func(t *testing.T) {
		// The gateway apps' configurations too, where network.sh gateways writes them.
		for _, org := range n.Consortium.Orgs {
			cfg, _, err := gatewayconfig.ForOrg(n.Consortium, run, org.MSPID)
			if err != nil {
				t.Fatal(err)
			}
			if err := config.WriteFile(filepath.Join(folder.Gateway(org.MSPID), "config.yaml"), cfg); err != nil {
				t.Fatal(err)
			}
		}
		foreign, err := tnet.ForeignPaths(run)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range foreign {
			t.Error(f)
		}
		// What the script keeps for itself is all there is outside the orgs' folders.
		entries, _ := os.ReadDir(run)
		for _, e := range entries {
			switch e.Name() {
			case "orgs", "bin", "logs", "pids":
			default:
				t.Errorf("%s/%s is outside every org's folder", run, e.Name())
			}
		}
		// Every org, the orderer org too, has the channel block and the others' public MSPs.
		all := append([]string{n.Consortium.OrdererOrg.MSPID}, n.Consortium.MSPIDs()...)
		for _, viewer := range all {
			if _, err := os.Stat(filepath.Join(folder.Org(viewer), "channel", n.Consortium.Channel+".block")); err != nil {
				t.Errorf("%s has no channel block: %v", viewer, err)
			}
			for _, owner := range all {
				if _, err := os.Stat(folder.TLSRoot(viewer, owner)); err != nil {
					t.Errorf("%s does not hold %s's TLS root: %v", viewer, owner, err)
				}
			}
		}
	})

	t.Run("public write by a majority, read by every org", func(t *testing.T) {
		_, err := n.Invoke(ctx, tnet.Call{Org: servicer, Args: []string{"Probe:PutPublic", "greeting", "hello"}, Endorsers: []string{trustee, servicer}})
		if err != nil {
			t.Fatal(err)
		}
		for _, org := range n.Consortium.MSPIDs() {
			res, err := n.Query(ctx, tnet.Call{Org: org, Args: []string{"Probe:GetPublic", "greeting"}})
			if err != nil || res.Payload != "hello" {
				t.Errorf("%s reads %q, %v; want hello", org, res.Payload, err)
			}
		}
	})

	t.Run("public write endorsed by one org alone is invalid", func(t *testing.T) {
		_, err := n.Invoke(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:PutPublic", "greeting", "forged"}, Endorsers: []string{investorBank}})
		if err == nil || !strings.Contains(err.Error(), "ENDORSEMENT_POLICY_FAILURE") {
			t.Fatalf("want ENDORSEMENT_POLICY_FAILURE, got %v", err)
		}
		res, _ := n.Query(ctx, tnet.Call{Org: trustee, Args: []string{"Probe:GetPublic", "greeting"}})
		if res.Payload != "hello" {
			t.Fatalf("value changed to %q by an invalid transaction", res.Payload)
		}
	})

	t.Run("registry is private to the trustee and the custodian", func(t *testing.T) {
		registry := roles.RegistryCollection(servicer)
		secret := "positions of " + servicer + " clients"
		_, err := n.Invoke(ctx, tnet.Call{Org: servicer, Args: []string{"Probe:PutPrivate", registry, "book"},
			Transient: map[string][]byte{"value": []byte(secret)}, Endorsers: []string{trustee}})
		if err != nil {
			t.Fatal(err)
		}
		for _, org := range []string{trustee, servicer} {
			res, err := eventually(func() (tnet.Result, error) {
				return n.Query(ctx, tnet.Call{Org: org, Args: []string{"Probe:GetPrivate", registry, "book"}})
			})
			if err != nil || res.Payload != secret {
				t.Errorf("%s reads %q, %v; want the value", org, res.Payload, err)
			}
		}
		res, err := n.Query(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:GetPrivate", registry, "book"}})
		if err == nil {
			t.Fatalf("%s read another bank's registry: %q", investorBank, res.Payload)
		}
		if strings.Contains(res.Output, secret) {
			t.Fatalf("the refusal leaked the value: %s", res.Output)
		}
		if !strings.Contains(err.Error(), "private data matching public hash version is not available") {
			t.Fatalf("unexpected refusal: %v", err)
		}
		hash, err := n.Query(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:GetPrivateHash", registry, "book"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%x", sha256.Sum256([]byte(secret))); hash.Payload != want {
			t.Fatalf("hash = %s, want %s", hash.Payload, want)
		}
	})

	t.Run("registry write without the trustee is invalid", func(t *testing.T) {
		_, err := n.Invoke(ctx, tnet.Call{Org: servicer, Args: []string{"Probe:PutPrivate", roles.RegistryCollection(servicer), "minted"},
			Transient: map[string][]byte{"value": []byte("1000000 units")}, Endorsers: []string{servicer}})
		if err == nil || !strings.Contains(err.Error(), "ENDORSEMENT_POLICY_FAILURE") {
			t.Fatalf("want ENDORSEMENT_POLICY_FAILURE, got %v", err)
		}
	})

	t.Run("loan tape is shared by trustee and servicer only", func(t *testing.T) {
		_, err := n.Invoke(ctx, tnet.Call{Org: servicer, Args: []string{"Probe:PutPrivate", roles.LoanTapeCollection, "loan-1"},
			Transient: map[string][]byte{"value": []byte("balance 12000.00")}, Endorsers: []string{trustee, servicer}})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := n.Query(ctx, tnet.Call{Org: trustee, Args: []string{"Probe:GetPrivate", roles.LoanTapeCollection, "loan-1"}}); err != nil || res.Payload != "balance 12000.00" {
			t.Fatalf("trustee reads %q, %v", res.Payload, err)
		}
		if res, err := n.Query(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:GetPrivate", roles.LoanTapeCollection, "loan-1"}}); err == nil {
			t.Fatalf("%s read the loan tape: %q", investorBank, res.Payload)
		}
	})

	t.Run("compliance claims are shared by every bank", func(t *testing.T) {
		_, err := n.Invoke(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:PutPrivate", roles.ComplianceCollection, "claims"},
			Transient: map[string][]byte{"value": []byte("kyc ok")}, Endorsers: []string{investorBank, trustee}})
		if err != nil {
			t.Fatal(err)
		}
		for _, org := range n.Consortium.MSPIDs() {
			res, err := eventually(func() (tnet.Result, error) {
				return n.Query(ctx, tnet.Call{Org: org, Args: []string{"Probe:GetPrivate", roles.ComplianceCollection, "claims"}})
			})
			if err != nil || res.Payload != "kyc ok" {
				t.Errorf("%s reads %q, %v", org, res.Payload, err)
			}
		}
	})

	t.Run("implicit collection belongs to one org", func(t *testing.T) {
		implicit := "_implicit_org_" + investorBank
		_, err := n.Invoke(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:PutPrivate", implicit, "terms"},
			Transient: map[string][]byte{"value": []byte("price 99.5")}, Endorsers: []string{investorBank}})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := n.Query(ctx, tnet.Call{Org: investorBank, Args: []string{"Probe:GetPrivate", implicit, "terms"}}); err != nil || res.Payload != "price 99.5" {
			t.Fatalf("owner reads %q, %v", res.Payload, err)
		}
		if res, err := n.Query(ctx, tnet.Call{Org: trustee, Args: []string{"Probe:GetPrivate", implicit, "terms"}}); err == nil {
			t.Fatalf("%s read %s's implicit collection: %q", trustee, investorBank, res.Payload)
		}
	})

	t.Run("probe refuses non-admins", func(t *testing.T) {
		_, err := n.Query(ctx, tnet.Call{Org: servicer, User: "User1", Args: []string{"Probe:GetPublic", "greeting"}})
		if err == nil || !strings.Contains(err.Error(), "[FORBIDDEN]") {
			t.Fatalf("want FORBIDDEN, got %v", err)
		}
	})

	t.Run("down stops every process and frees every port", func(t *testing.T) {
		pids, _ := filepath.Glob(filepath.Join(run, "pids", "*.pid"))
		var procs []string
		for _, f := range pids {
			b, _ := os.ReadFile(f)
			procs = append(procs, strings.TrimSpace(string(b)))
		}
		// Orderers, each bank's peers, every org's CA, each bank's chaincode service.
		want := len(n.Consortium.OrdererOrg.Nodes) + 1
		for _, org := range n.Consortium.Orgs {
			want += len(org.Peers) + 2
		}
		if len(procs) < want {
			t.Fatalf("expected a pid file per node, CA and chaincode service (%d), found %v", want, pids)
		}
		if err := n.Down(ctx); err != nil {
			t.Fatal(err)
		}
		for _, pid := range procs {
			if _, err := os.Stat("/proc/" + pid); err == nil {
				t.Errorf("process %s still running after down", pid)
			}
		}
		for _, port := range tnet.Ports(n.Consortium) {
			if tnet.PortBusy(port) {
				t.Errorf("port %d still bound after down", port)
			}
		}
	})
}

// eventually retries a read for a few seconds: private data reaches the
// other member peers by gossip shortly after commit.
func eventually(read func() (tnet.Result, error)) (tnet.Result, error) {
	var res tnet.Result
	var err error
	for i := 0; i < 20; i++ {
		if res, err = read(); err == nil {
			return res, nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return res, err
}
