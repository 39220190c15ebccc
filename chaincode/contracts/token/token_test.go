package token_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// placed is the Standard fixture with 5,000 units of tranche A placed
// with each of alice, anna (servicer bank), bob (investor bank).
func placed(t testing.TB) (*contracttest.World, contracttest.Fixture) {
	w := contracttest.New(t)
	f := w.Standard()
	w.IssueAndPlace(f.A, f.Investors[:3], []int64{5000, 5000, 5000})
	return w, f
}

func position(t *testing.T, w *contracttest.World, tranche string, holder *stubtest.Identity) schema.PositionView {
	t.Helper()
	return contracttest.Decode[schema.PositionView](t, w.Must(w.Trustee, "Token:Position", tranche, w.Key(holder)))
}

func supply(t *testing.T, w *contracttest.World, tranche string) schema.TrancheSupply {
	t.Helper()
	return contracttest.Decode[schema.TrancheSupply](t, w.Must(w.NoRole, "Token:Supply", tranche))
}

func TestTransferAcrossBanks(t *testing.T) {
	w, f := placed(t)
	alice, bob, bella := f.Investors[0], f.Investors[2], f.Investors[3]
	r := w.Call(alice, "Token:Transfer", f.A, w.Key(bella), "1234")
	if !r.OK() {
		t.Fatal(r.Message)
	}
	if len(r.Peers) != 1 || r.Peers[0] != w.Net.Trustee {
		t.Errorf("a cross-bank transfer is endorsed by the trustee alone, ran on %v", r.Peers)
	}
	if got := position(t, w, f.A, alice).Units; got != 5000-1234 {
		t.Errorf("alice holds %d", got)
	}
	if got := position(t, w, f.A, bella).Units; got != 1234 {
		t.Errorf("bella holds %d", got)
	}
	if s := supply(t, w, f.A); s.Holders != 4 || s.Placed != 15000 || s.Outstanding != 15000 {
		t.Errorf("supply %+v", s)
	}
	// The event names the tranche and both keys, never the units.
	env := r.Envelope()
	if env.Schema != "tranchenet.events/v1" || len(env.Events) != 1 || env.Events[0].Type != "TokenTransferred" {
		t.Fatalf("envelope %+v", env)
	}
	data := string(env.Events[0].Data)
	if strings.Contains(data, "1234") || !strings.Contains(data, w.Key(alice)) || !strings.Contains(data, w.Key(bella)) {
		t.Errorf("event data %s", data)
	}
	// Whole position out: the holder count falls.
	w.Must(bob, "Token:Transfer", f.A, w.Key(alice), "5000")
	if s := supply(t, w, f.A); s.Holders != 3 {
		t.Errorf("holders %d after bob sold out", s.Holders)
	}
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}

// A peer that does not hold the receiver's registry cannot execute a
// cross-bank transfer: that is why the trustee endorses transfers.
func TestTransferNeedsThePeerHoldingBothRegistries(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	tx := w.Endorse(alice, "Token:Transfer", []string{f.A, w.Key(bob), "10"}, stubtest.OnPeer(w.Net.Servicer))
	r := tx.Endorsement()
	if code, _, _, _ := errs.Parse(r.Message); r.Status < 400 || code != errs.Forbidden {
		t.Fatalf("on the servicer bank's peer: status %d %q, want FORBIDDEN", r.Status, r.Message)
	}
}

func TestTransferRefusals(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	tests := []struct {
		name string
		args []string
		code errs.Code
	}{
		{"to oneself", []string{f.A, w.Key(alice), "10"}, errs.BadInput},
		{"zero units", []string{f.A, w.Key(bob), "0"}, errs.BadInput},
		{"negative units", []string{f.A, w.Key(bob), "-5"}, errs.BadInput},
		{"units overflow", []string{f.A, w.Key(bob), "9223372036854775808"}, errs.BadInput},
		{"leading zero", []string{f.A, w.Key(bob), "010"}, errs.BadInput},
		{"bad key", []string{f.A, "bob", "10"}, errs.BadInput},
		{"bad tranche", []string{"A\x00", w.Key(bob), "10"}, errs.BadInput},
		{"unknown tranche", []string{"NOPE", w.Key(bob), "10"}, errs.NotFound},
		{"more than held", []string{f.A, w.Key(bob), "5001"}, errs.RuleInsufficientUnits},
		{"receiver outside the consortium", []string{f.A, w.Key(w.Foreign), "10"}, errs.RuleNotConsortium},
		{"receiver not attested", []string{f.A, w.Key(w.Investor(w.Net.Investors, "nobody")), "10"}, errs.RuleNotAttested},
	}
	for _, tt := range tests {
		r := w.Refused(tt.code, alice, "Token:Transfer", tt.args...)
		if tt.code == errs.BadInput && !strings.Contains(r.Message, ": ") {
			t.Errorf("%s: a BAD_INPUT error names the argument: %s", tt.name, r.Message)
		}
	}
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}

func TestCanTransferAnswersWithoutWriting(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	before := w.Snapshot()
	ok := contracttest.Decode[rules.Verdict](t, w.Must(alice, "Token:CanTransfer", f.A, w.Key(alice), w.Key(bob), "100"))
	if !ok.Allowed || ok.Code != "" {
		t.Errorf("verdict %+v", ok)
	}
	no := contracttest.Decode[rules.Verdict](t, w.Must(alice, "Token:CanTransfer", f.A, w.Key(alice), w.Key(bob), "6000"))
	if no.Allowed || no.Code != errs.RuleInsufficientUnits || no.Rule != 10 || !strings.Contains(no.Message, "5000") {
		t.Errorf("verdict %+v", no)
	}
	if diff := w.Diff(before); len(diff) > 0 {
		t.Fatalf("CanTransfer wrote: %v", diff)
	}
	// A malformed question is an error, not a verdict.
	w.Refused(errs.BadInput, alice, "Token:CanTransfer", f.A, w.Key(alice), w.Key(alice), "1")
}

// A refusal keeps its code and rule for everyone but shows a party's
// private details (its holding, its claims) only to those who may see
// that party.
func TestRefusalDetailsAreRedacted(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	// Tranche A admits US and GB investors: re-attest bob in FR.
	w.Attest(bob, contracttest.Claims("FR"))
	asAlice := contracttest.Decode[rules.Verdict](t, w.Must(alice, "Token:CanTransfer", f.A, w.Key(alice), w.Key(bob), "100"))
	asTrustee := contracttest.Decode[rules.Verdict](t, w.Must(w.Trustee, "Token:CanTransfer", f.A, w.Key(alice), w.Key(bob), "100"))
	for _, v := range []rules.Verdict{asAlice, asTrustee} {
		if v.Allowed || v.Code != errs.RuleJurisdictionBlocked || v.Rule != 4 {
			t.Fatalf("verdict %+v", v)
		}
	}
	if strings.Contains(asAlice.Message, "FR") || !strings.Contains(asAlice.Message, "withheld") {
		t.Errorf("alice learns bob's jurisdiction: %q", asAlice.Message)
	}
	if !strings.Contains(asTrustee.Message, "FR") {
		t.Errorf("the trustee sees the details: %q", asTrustee.Message)
	}
	// The same for the transfer itself.
	r := w.Refused(errs.RuleJurisdictionBlocked, alice, "Token:Transfer", f.A, w.Key(bob), "100")
	if strings.Contains(r.Message, "FR") || r.Rule() != 4 {
		t.Errorf("transfer refusal %q", r.Message)
	}
	// A third investor asking about alice's holding learns the rule, not the number.
	v := contracttest.Decode[rules.Verdict](t, w.Must(f.Investors[3], "Token:CanTransfer", f.A, w.Key(alice), w.Key(f.Investors[1]), "9999"))
	if v.Code != errs.RuleInsufficientUnits || strings.Contains(v.Message, "5000") {
		t.Errorf("verdict for a stranger %+v", v)
	}
}

func TestFreezePartialAndFull(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	w.Must(w.Trustee, "Token:Freeze", f.A, w.Key(alice), "4000")
	if p := position(t, w, f.A, alice); p.FrozenUnits != 4000 || p.Free != 1000 {
		t.Fatalf("position %+v", p)
	}
	w.Refused(errs.RuleFrozen, alice, "Token:Transfer", f.A, w.Key(bob), "1001")
	w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "1000")
	r := w.Call(w.Trustee, "Token:Freeze", f.A, w.Key(bob), "all")
	if !r.OK() || !strings.Contains(string(r.Envelope().Events[0].Data), `"all":true`) {
		t.Fatalf("%s %s", r.Message, r.Envelope().Events)
	}
	if p := position(t, w, f.A, bob); p.FrozenUnits != math.MaxInt64 || p.Free != 0 {
		t.Fatalf("position %+v", p)
	}
	w.Refused(errs.RuleFrozen, bob, "Token:Transfer", f.A, w.Key(alice), "1")
	w.Must(w.Trustee, "Token:Unfreeze", f.A, w.Key(bob))
	w.Refused(errs.WrongState, w.Trustee, "Token:Unfreeze", f.A, w.Key(bob))
	w.Must(bob, "Token:Transfer", f.A, w.Key(alice), "1")
	for _, bad := range []string{"", "0", "some", "-1", "1e3"} {
		w.Refused(errs.BadInput, w.Trustee, "Token:Freeze", f.A, w.Key(bob), bad)
	}
	w.Refused(errs.Forbidden, w.Trustee, "Token:Freeze", f.A, w.Key(w.Foreign), "5")
}

func TestForcedTransferOverridesTheSendersSide(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	w.Must(w.Trustee, "Identity:Freeze", w.Key(alice), "lost keys")
	w.Must(w.Trustee, "Token:Freeze", f.A, w.Key(alice), "all")
	w.Must(w.Trustee, "Token:Pause", f.A)
	w.Refused(errs.BadInput, w.Trustee, "Token:ForcedTransfer", f.A, w.Key(alice), w.Key(bob), "100", "  ")
	r := w.Call(w.Trustee, "Token:ForcedTransfer", f.A, w.Key(alice), w.Key(bob), "5000", "court order 2026-17")
	if !r.OK() {
		t.Fatal(r.Message)
	}
	if data := string(r.Envelope().Events[0].Data); !strings.Contains(data, "court order 2026-17") || strings.Contains(data, "5000") {
		t.Errorf("event %s", data)
	}
	if p := position(t, w, f.A, bob); p.Units != 10000 {
		t.Errorf("bob %+v", p)
	}
	// The receiver's side still applies.
	w.Refused(errs.RuleNotAttested, w.Trustee, "Token:ForcedTransfer", f.A, w.Key(bob), w.Key(w.Investor(w.Net.Investors, "nobody")), "1", "order")
	w.Refused(errs.RuleInsufficientUnits, w.Trustee, "Token:ForcedTransfer", f.A, w.Key(bob), w.Key(f.Investors[1]), "10001", "order")
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}

func TestPauseAndResume(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	r := w.Call(w.Trustee, "Token:Pause", f.A)
	if !r.OK() || len(r.Peers) < 2 {
		t.Fatalf("pause: %s, peers %v (public terms need a majority)", r.Message, r.Peers)
	}
	if !supply(t, w, f.A).Paused {
		t.Error("supply does not show the pause")
	}
	w.Refused(errs.RulePaused, alice, "Token:Transfer", f.A, w.Key(bob), "1")
	w.Refused(errs.RulePaused, w.Trustee, "Token:Redeem", f.A, w.Key(bob), "1")
	w.Refused(errs.WrongState, w.Trustee, "Token:Pause", f.A)
	w.Must(w.Trustee, "Token:Resume", f.A)
	w.Refused(errs.WrongState, w.Trustee, "Token:Resume", f.A)
	w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "1")
}

func TestRedeem(t *testing.T) {
	w, f := placed(t)
	bob := f.Investors[2]
	w.Must(w.Trustee, "Token:Redeem", f.A, w.Key(bob), "2000")
	s := supply(t, w, f.A)
	if s.Redeemed != 2000 || s.Outstanding != 13000 || s.Issued != 15000 || s.Holders != 3 {
		t.Errorf("supply %+v", s)
	}
	w.Must(w.Trustee, "Token:Redeem", f.A, w.Key(bob), "3000")
	if s := supply(t, w, f.A); s.Holders != 2 || s.Redeemed != 5000 {
		t.Errorf("supply %+v", s)
	}
	w.Refused(errs.RuleInsufficientUnits, w.Trustee, "Token:Redeem", f.A, w.Key(bob), "1")
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}

func TestHoldersAndPositionVisibility(t *testing.T) {
	w, f := placed(t)
	alice, anna, bob := f.Investors[0], f.Investors[1], f.Investors[2]
	list := contracttest.Decode[schema.HolderList](t, w.Must(w.Trustee, "Token:Holders", f.A))
	if len(list.Holders) != 3 || list.Units != 15000 {
		t.Fatalf("holders %+v", list)
	}
	keys := map[string]bool{}
	for _, h := range list.Holders {
		keys[h.Holder] = h.Units == 5000
	}
	for _, inv := range []*stubtest.Identity{alice, anna, bob} {
		if !keys[w.Key(inv)] {
			t.Errorf("%s missing or wrong in %+v", inv, list)
		}
	}
	// bob sees his own position; alice and the other bank's compliance do not.
	w.Must(bob, "Token:Position", f.A, w.Key(bob))
	w.Must(w.Compliance[w.Net.Investors], "Token:Position", f.A, w.Key(bob))
	w.Refused(errs.Forbidden, alice, "Token:Position", f.A, w.Key(bob))
	w.Refused(errs.Forbidden, w.Compliance[w.Net.Servicer], "Token:Position", f.A, w.Key(bob))
	w.Refused(errs.Forbidden, w.Auditor, "Token:Holders", f.A)
	// A peer holds only its own bank's registry: the investor bank's peer
	// cannot answer for a holder at the servicer bank, even to the trustee.
	r := w.Endorse(w.Trustee, "Token:Position", []string{f.A, w.Key(alice)}, stubtest.OnPeer(w.Net.Investors)).Endorsement()
	if code, _, _, _ := errs.Parse(r.Message); code != errs.Forbidden {
		t.Errorf("position of a servicer-bank holder on the investor bank's peer: %d %q", r.Status, r.Message)
	}
}

func TestHeldUnitsCannotMove(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	// Holds are the Settlement contract's to set; seed one into alice's
	// registry entry as that contract will write it.
	b, err := w.ReadTranche(f.A)
	if err != nil {
		t.Fatal(err)
	}
	p := b.Positions[w.Key(alice)]
	p.HeldUnits = 4500
	w.SeedPrivate("registry"+alice.MSPID(), positionKey(t, f.A, w.Key(alice)), mustJSON(t, p))
	r := w.Refused(errs.InsufficientBalance, alice, "Token:Transfer", f.A, w.Key(bob), "600")
	if !strings.Contains(r.Message, "held by pending settlement") {
		t.Errorf("message %q", r.Message)
	}
	w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "500")
	v := contracttest.Decode[schema.PositionView](t, w.Must(alice, "Token:Position", f.A, w.Key(alice)))
	if v.Free != 0 || v.Units != 4500 || v.HeldUnits != 4500 {
		t.Errorf("position %+v", v)
	}
}

func TestTokenQueriesOnUnknownTranche(t *testing.T) {
	w, f := placed(t)
	for _, fn := range []string{"Token:Supply", "Token:Holders", "Token:Pause"} {
		w.Refused(errs.NotFound, w.Trustee, fn, "NOPE")
	}
	w.Refused(errs.NotFound, w.Trustee, "Token:Position", "NOPE", w.Key(f.Investors[0]))
	w.Refused(errs.BadInput, w.Trustee, "Token:Supply", strings.Repeat("x", 65))
}

// Two transfers endorsed against the same state spend the same units:
// the first to commit wins, the second fails validation with an MVCC
// conflict and changes nothing, so units cannot be spent twice.
func TestConcurrentTransfersCannotDoubleSpend(t *testing.T) {
	w, f := placed(t)
	alice, anna, bob := f.Investors[0], f.Investors[1], f.Investors[2]
	on := stubtest.OnPeer(w.Net.Trustee)
	first := w.Endorse(alice, "Token:Transfer", []string{f.A, w.Key(bob), "5000"}, on)
	second := w.Endorse(alice, "Token:Transfer", []string{f.A, w.Key(anna), "5000"}, on)
	if r := w.Commit(first); !r.OK() {
		t.Fatal(r.Err())
	}
	before := w.Snapshot()
	r := w.Commit(second)
	if r.OK() || r.Code.String() != "MVCC_READ_CONFLICT" {
		t.Fatalf("second spend: %v", r.Err())
	}
	if diff := w.Diff(before); len(diff) > 0 {
		t.Fatalf("the conflicting transaction changed %v", diff)
	}
	if p := position(t, w, f.A, anna); p.Units != 5000 {
		t.Errorf("anna %+v", p)
	}
	if err := w.CheckTranche(f.A); err != nil {
		t.Fatal(err)
	}
}
