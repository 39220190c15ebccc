package testnetwork

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationAddOrg lets the candidate bank of the consortium file
// (Org4) join a running three-bank network with `network.sh add-org`: a
// channel update signed by fewer admins than the channel's Admins policy
// needs is refused (the trustee alone; a majority without the trustee);
// the real one joins Org4, moves the chaincode definition by exactly one
// sequence with a registry for Org4 and teaches the chaincode's
// consortium config the bank. Then Org4's investor, attested by Org4's
// compliance officer, buys tranche units from an Org3 investor by DvP,
// and the registries stay private: Org2 and Org3 cannot read Org4's, Org4
// cannot read the others'.
func TestIntegrationAddOrg(t *testing.T) {
	cs := startDealNetwork(t)
	ctx := context.Background()
	run := cs.n.Run
	candidate, ok := cs.n.Consortium.Candidate("Org4")
	if !ok {
		t.Fatal("the consortium file has no candidate bank Org4")
	}
	newMSP := candidate.MSPID
	trustee := cs.n.Consortium.Trustee().MSPID
	before, err := cs.n.Committed(ctx, trustee)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("an update signed by fewer admins than the Admins policy needs is refused", func(t *testing.T) {
		var others []string
		for _, m := range cs.n.Consortium.MSPIDs() {
			if m != trustee {
				others = append(others, m)
			}
		}
		for _, signers := range [][]string{{trustee}, others} {
			out, err := tnet.Script(ctx, run, "add-org", "Org4", "--sign-as", strings.Join(signers, " "))
			if err == nil {
				t.Fatalf("an update signed by %v was accepted:\n%s", signers, out)
			}
			// The orderer names the first element whose mod_policy fails:
			// the Application group (the new org) or its Admins policy.
			if !strings.Contains(out, "error authorizing update") || !strings.Contains(out, "/Channel/Application") ||
				!strings.Contains(out, "not satisfied: signature set did not satisfy policy") {
				t.Fatalf("signed by %v: want the orderer's policy refusal, got:\n%s", signers, out)
			}
		}
	})

	start := time.Now()
	out, err := tnet.Script(ctx, run, "add-org", "Org4")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("add-org Org4 took %s", time.Since(start).Round(time.Second))
	// The refused attempts changed nothing: this run built and submitted the update.
	quorum := cs.n.Consortium.GovernanceQuorum()
	if !strings.Contains(out, "the admin of "+quorum[len(quorum)-1]+" signs and submits the channel update") ||
		!strings.Contains(out, "joined channel") {
		t.Fatalf("add-org did not submit the update signed by %v:\n%s", quorum, out)
	}

	// The network as it runs now: four banks, the chaincode's view too.
	n, err := tnet.Attach(run)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(n.Consortium.MSPIDs(), newMSP) {
		t.Fatalf("the run folder's consortium lists %v", n.Consortium.MSPIDs())
	}
	cs.n = n
	var onChain roles.OrgConfig
	cs.evaluate(cs.get("trustee"), "Admin:Config", nil, &onChain)
	if !onChain.IsMember(newMSP) {
		t.Fatalf("the chaincode's consortium config does not list %s: %+v", newMSP, onChain)
	}
	cs.cfg = onChain

	t.Run("no process of any org, Org4's included, names another org's files", func(t *testing.T) {
		foreign, err := tnet.ForeignPaths(run)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range foreign {
			t.Error(f)
		}
	})

	t.Run("the chaincode definition moved by exactly one sequence", func(t *testing.T) {
		for _, msp := range []string{trustee, newMSP} {
			after, err := n.Committed(ctx, msp)
			if err != nil {
				t.Fatal(err)
			}
			if after.Sequence != before.Sequence+1 || after.Version != before.Version {
				t.Errorf("%s's peer: definition %+v after add-org, %+v before", msp, after, before)
			}
		}
		again, err := tnet.Script(ctx, run, "add-org", "Org4")
		if err != nil || !strings.Contains(again, "already has Org4") {
			t.Errorf("add-org again must find everything done: %v\n%s", err, again)
		}
		if after, _ := n.Committed(ctx, trustee); after.Sequence != before.Sequence+1 {
			t.Errorf("add-org again moved the sequence to %d", after.Sequence)
		}
	})

	// Org4's people hold their roles by the tranchenet.role attribute its
	// CA issued, counted now that the consortium config lists Org4.
	cs.admins[newMSP] = cs.connect("admin-"+newMSP, newMSP, "Admin")
	for _, m := range []castMember{
		{"org4-compliance", newMSP, "User1", roles.Compliance},
		{"erin", newMSP, "User2", roles.Investor},
	} {
		a := cs.connect(m.name, m.msp, m.user)
		cs.by[m.name] = a
		var who schema.RolesView
		cs.evaluate(a, "Admin:WhoAmI", nil, &who)
		if !who.Roles.Has(m.role) {
			t.Fatalf("%s (%s of %s) holds %v (attribute %q), want %s", m.name, m.user, m.msp, who.Roles.Roles(), who.RoleAttribute, m.role)
		}
	}

	t.Run("Org4's investor buys tranche units from an Org3 investor by DvP", func(t *testing.T) {
		bob, erin := cs.get("bob"), cs.get("erin")
		tranche, held := tradingDeal(t, cs, "POOL-ADDORG-1", "DEAL-ADDORG-1", 120, []string{"bob"}, []string{"erin"},
			money.FromMajor(10_000_000))
		nonce := make([]byte, 16)
		if _, err := rand.Read(nonce); err != nil {
			t.Fatal(err)
		}
		units, price := int64(5_000), money.FromMajor(4_975)
		terms := core.Terms{TradeRef: "T-ADDORG-1", Kind: core.KindTrade, Tranche: tranche, Seller: bob.key, Buyer: erin.key,
			Units: units, Cash: price, SettlementDate: time.Now().UTC().Format("2006-01-02"),
			Expiry: time.Now().UTC().Add(time.Hour).Truncate(time.Second), Payment: core.PaymentLedger, Nonce: hex.EncodeToString(nonce)}
		transient := map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))}
		bobCash, erinCash := cs.cash(bob), cs.cash(erin)
		// With holds on both sides, each in two steps: the instruction
		// creates or matches the public record without reading a registry
		// (with four banks its endorsers are the instructing bank, the
		// trustee and a third bank, which is not a member of the holder's
		// registry), then Settlement:Hold reserves the units or cash on
		// the trustee's peer alone.
		for _, step := range []struct {
			who      *actor
			instruct string
			side     core.Side
		}{{bob, "Settlement:InstructDeliver", core.Deliver}, {erin, "Settlement:InstructReceive", core.Receive}} {
			if peers := cs.endorsers(step.who, step.instruct, ""); len(peers) != 3 {
				t.Fatalf("%s at %s is endorsed by %v: want its bank, the trustee and a third bank (a majority of four)", step.instruct, step.who.msp, peers)
			}
			cs.submit(step.who, step.instruct, []string{"false"}, transient, "")
			cs.submit(step.who, "Settlement:Hold", []string{terms.TradeRef, string(step.side)}, transient, "")
		}
		var rec core.Record
		cs.evaluate(erin, "Settlement:Get", []string{terms.TradeRef}, &rec)
		if rec.Status != core.Matched || !rec.Deliver.Held || !rec.Receive.Held {
			t.Fatalf("record after both instructions and holds: %+v", rec)
		}
		var acct schema.CashBalance
		cs.evaluate(cs.get("trustee"), "Cash:Balance", []string{erin.key}, &acct)
		var pos schema.PositionView
		cs.evaluate(cs.get("trustee"), "Token:Position", []string{tranche, bob.key}, &pos)
		if acct.Held != price || pos.HeldUnits != units {
			t.Errorf("held: erin's cash %s (want %s), bob's units %d (want %d)", acct.Held, price, pos.HeldUnits, units)
		}
		cs.submit(erin, "Settlement:Settle", []string{terms.TradeRef}, transient, "")
		if got := cs.units(erin, tranche); got != units {
			t.Errorf("erin holds %d units, want %d", got, units)
		}
		if got := cs.units(bob, tranche); got != held-units {
			t.Errorf("bob holds %d units, want %d", got, held-units)
		}
		if got := cs.cash(erin); got != erinCash-price {
			t.Errorf("erin's cash %s, want %s", got, erinCash-price)
		}
		if got := cs.cash(bob); got != bobCash+price {
			t.Errorf("bob's cash %s, want %s", got, bobCash+price)
		}
		// Custodians see their own clients only.
		if out, err := cs.tryEvaluate(cs.get("org3-compliance"), "Token:Position", []string{tranche, erin.key}); err == nil {
			t.Errorf("Org3 read Org4's client's position: %s", out)
		}
		if out, err := cs.tryEvaluate(cs.get("org4-compliance"), "Token:Position", []string{tranche, bob.key}); err == nil {
			t.Errorf("Org4 read Org3's client's position: %s", out)
		}
	})

	t.Run("registry"+newMSP+" is private to the trustee and Org4", func(t *testing.T) {
		own := roles.RegistryCollection(newMSP)
		secret := "positions of " + newMSP + " clients"
		if _, err := n.Invoke(ctx, tnet.Call{Org: newMSP, Args: []string{"Probe:PutPrivate", own, "book"},
			Transient: map[string][]byte{"value": []byte(secret)}, Endorsers: []string{trustee}}); err != nil {
			t.Fatal(err)
		}
		for _, msp := range []string{trustee, newMSP} {
			res, err := eventually(func() (tnet.Result, error) {
				return n.Query(ctx, tnet.Call{Org: msp, Args: []string{"Probe:GetPrivate", own, "book"}})
			})
			if err != nil || res.Payload != secret {
				t.Errorf("%s reads %q, %v; want the value", msp, res.Payload, err)
			}
		}
		for _, msp := range n.Consortium.MSPIDs() {
			if msp == trustee || msp == newMSP {
				continue
			}
			res, err := n.Query(ctx, tnet.Call{Org: msp, Args: []string{"Probe:GetPrivate", own, "book"}})
			if err == nil || strings.Contains(res.Output, secret) {
				t.Errorf("%s read %s: %q, %v", msp, own, res.Payload, err)
			}
			// And Org4 cannot read theirs.
			theirs := roles.RegistryCollection(msp)
			if _, err := n.Invoke(ctx, tnet.Call{Org: msp, Args: []string{"Probe:PutPrivate", theirs, "book"},
				Transient: map[string][]byte{"value": []byte("positions of " + msp)}, Endorsers: []string{trustee}}); err != nil {
				t.Fatal(err)
			}
			if res, err := n.Query(ctx, tnet.Call{Org: newMSP, Args: []string{"Probe:GetPrivate", theirs, "book"}}); err == nil ||
				strings.Contains(res.Output, "positions of "+msp) {
				t.Errorf("%s read %s: %q, %v", newMSP, theirs, res.Payload, err)
			}
		}
	})
}
