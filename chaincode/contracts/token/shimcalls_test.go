package token_test

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// The peer round trips and the keys written by one compliant transfer and
// one DvP settlement between two holders who already hold units, as the
// throughput benchmark runs them (issue 17). Each read is a round trip
// from chaincode to peer; each key written costs every peer at
// validation and commit, a private key also dissemination and the
// collection's checks. A change of these counts is a change of the cost
// of every transfer: update them only on purpose.

func TestTransferShimCalls(t *testing.T) {
	calls := new(contracttest.ShimCalls)
	w := contracttest.NewObserved(t, calls.Wrap)
	f := w.Standard()
	w.IssueAndPlace(f.A, f.Investors[:3], []int64{5000, 5000, 5000})
	alice, bob := f.Investors[0], f.Investors[2]
	got := calls.During(func() { w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "100") })
	// GetState: the consortium configuration, the tranche, its class book
	// (accrued distributions); not the caller's role record (its
	// certificate names the investor role) nor the tranche book (neither
	// holder arrives or leaves). GetPrivateData: both positions and both
	// holders' compliance claims. Written: the two positions only.
	want := "GetPrivateData 4, GetState 3, PutPrivateData 2, SetEvent 1; keys written: 0 public, 2 private"
	if got.String() != want {
		t.Errorf("one Token:Transfer asks the peer\n%s\nwant\n%s\nreads: %q", got, want, got.Reads)
	}
}

func TestSettleShimCalls(t *testing.T) {
	calls := new(contracttest.ShimCalls)
	w := contracttest.NewObserved(t, calls.Wrap)
	f := w.Standard()
	alice, bob := f.Investors[0], f.Investors[2]
	w.IssueAndPlace(f.A, f.Investors[:3], []int64{5000, 5000, 5000})
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "statement 2026-01")
	w.Must(w.Settlement, "Cash:Mint", "300000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(alice), "100000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(bob), "100000.00")
	terms := w.TradeTerms("T-1", f.A, alice, bob, 100, money.FromMajor(100))
	w.Matched(alice, bob, terms, false, false)
	got := calls.During(func() { w.MustSettle(bob, terms) })
	// GetState: the configuration, the buyer's role record, the
	// settlement record, the tranche and its class book (not the tranche
	// book). GetPrivateDataHash: both sides' instructions. GetPrivateData:
	// both positions, both parties' claims, both cash accounts. Written:
	// the two positions, the two cash accounts and the settlement record.
	want := "GetPrivateData 6, GetPrivateDataHash 2, GetState 5, PutPrivateData 4, PutState 1, SetEvent 1; keys written: 1 public, 4 private"
	if got.String() != want {
		t.Errorf("one Settlement:Settle asks the peer\n%s\nwant\n%s\nreads: %q", got, want, got.Reads)
	}
}

// An investor whose role was granted on chain, not by its certificate,
// still transfers: RequireCertified falls back to reading the grants,
// one GetState more than the certified investor's transfer.
func TestTransferByAnInvestorGrantedOnChainReadsItsGrants(t *testing.T) {
	calls := new(contracttest.ShimCalls)
	w := contracttest.NewObserved(t, calls.Wrap)
	f := w.Standard()
	onChain := w.Identity(w.Net.Investors, "granted-on-chain")
	w.Must(w.Admins[w.Net.Investors], "Admin:GrantRole", w.Key(onChain), string(roles.Investor))
	w.Attest(onChain, contracttest.Claims("US"))
	bob := f.Investors[2]
	w.IssueAndPlace(f.A, []*stubtest.Identity{onChain, bob}, []int64{5000, 5000})
	got := calls.During(func() { w.Must(onChain, "Token:Transfer", f.A, w.Key(bob), "100") })
	if got.Calls["GetState"] != 4 {
		t.Errorf("GetState %d, want 4 (the role record read); reads %q", got.Calls["GetState"], got.Reads)
	}
	if pos := w.Position(f.A, bob); pos.Units != 5100 {
		t.Errorf("bob holds %d, want 5100", pos.Units)
	}
	// Without any investor role the transfer is refused as before.
	w.Refused(errs.Forbidden, w.NoRole, "Token:Transfer", f.A, w.Key(bob), "1")
}
