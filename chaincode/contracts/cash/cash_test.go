package cash_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func supply(t testing.TB, w *contracttest.World) schema.CashSupplyView {
	t.Helper()
	return contracttest.Decode[schema.CashSupplyView](t, w.Must(w.NoRole, "Cash:Supply"))
}

func balance(t testing.TB, w *contracttest.World, id *stubtest.Identity) schema.CashBalance {
	t.Helper()
	return contracttest.Decode[schema.CashBalance](t, w.Must(w.Trustee, "Cash:Balance", w.Key(id)))
}

func amount(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestMintPayTransferReturnBurn(t *testing.T) {
	w := contracttest.New(t)
	alice := w.Investor(w.Net.Servicer, "alice")
	bob := w.Investor(w.Net.Investors, "bob")
	w.Refused(errs.LimitExceeded, w.Settlement, "Cash:Mint", "0.01") // no reserves attested yet
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "sha256:7d1a…statement-2026-01")
	r := w.Refused(errs.LimitExceeded, w.Settlement, "Cash:Mint", "1000000.01")
	if !strings.Contains(r.Message, "1000000.01") || !strings.Contains(r.Message, "1000000.00") {
		t.Errorf("the refusal names both amounts: %q", r.Message)
	}
	mint := w.Call(w.Settlement, "Cash:Mint", "600000.00")
	if !mint.OK() || mint.Peers[0] != w.Net.Trustee || len(mint.Peers) < 2 {
		t.Fatalf("mint %s on %v", mint.Message, mint.Peers)
	}
	for i := 0; i < schema.CashFloatShards; i++ {
		k, _ := shim.CreateCompositeKey(schema.TypeCashFloat, []string{fmt.Sprintf("%02x", i)})
		if w.ValidationParameter(k) == nil {
			t.Fatalf("float shard %02x is not kept by the trustee", i)
		}
	}
	pay := w.Call(w.Settlement, "Cash:Pay", w.Key(alice), "2500.50")
	if !pay.OK() || len(pay.Peers) != 1 || pay.Peers[0] != w.Net.Trustee {
		t.Fatalf("pay %s on %v", pay.Message, pay.Peers)
	}
	tr := w.Call(alice, "Cash:Transfer", w.Key(bob), "1000.25")
	if !tr.OK() {
		t.Fatal(tr.Message)
	}
	if data := string(tr.Envelope().Events[0].Data); strings.Contains(data, "1000.25") || !strings.Contains(data, w.Key(bob)) {
		t.Errorf("event %s", data)
	}
	w.Must(bob, "Cash:Return", "200.00")
	w.Must(w.Settlement, "Cash:Burn", "100200.00")
	if a, b := balance(t, w, alice), balance(t, w, bob); a.Balance != amount("1500.25") || b.Balance != amount("800.25") {
		t.Fatalf("balances %+v %+v", a, b)
	}
	s := supply(t, w)
	want := schema.CashSupplyView{Minted: amount("600000.00"), Burned: amount("100200.00"), Outstanding: amount("499800.00"),
		Float: amount("497499.50"), Reserves: amount("1000000.00"), Covered: true}
	if s.Minted != want.Minted || s.Burned != want.Burned || s.Outstanding != want.Outstanding || s.Float != want.Float || s.Reserves != want.Reserves || !s.Covered {
		t.Fatalf("supply %+v, want %+v", s, want)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
	// Refusals.
	w.Refused(errs.InsufficientBalance, alice, "Cash:Transfer", w.Key(bob), "1500.26")
	w.Refused(errs.InsufficientBalance, bob, "Cash:Return", "800.26")
	w.Refused(errs.InsufficientBalance, w.Settlement, "Cash:Burn", "497499.51")
	w.Refused(errs.InsufficientBalance, w.Settlement, "Cash:Pay", w.Key(bob), "497499.51")
	w.Refused(errs.BadInput, alice, "Cash:Transfer", w.Key(alice), "1.00")
	w.Refused(errs.BadInput, alice, "Cash:Transfer", w.Key(bob), "0.001")
	w.Refused(errs.BadInput, alice, "Cash:Transfer", w.Key(bob), "-1")
	w.Refused(errs.BadInput, alice, "Cash:Transfer", w.Key(bob), "0")
	w.Refused(errs.BadInput, w.Settlement, "Cash:Mint", "1e30")
	w.Refused(errs.Forbidden, w.Settlement, "Cash:Pay", w.Key(w.Foreign), "1.00")
	w.Refused(errs.BadInput, w.Settlement, "Cash:AttestReserves", "10.00", "")
	w.Refused(errs.Forbidden, alice, "Cash:Mint", "1.00")
}

// Reserves below the tokens outstanding are recorded truthfully; the
// public supply shows the shortfall and minting stops.
func TestUndercoveredReserves(t *testing.T) {
	w := contracttest.New(t)
	w.Must(w.Settlement, "Cash:AttestReserves", "1000.00", "statement 1")
	w.Must(w.Settlement, "Cash:Mint", "1000.00")
	r := w.Call(w.Settlement, "Cash:AttestReserves", "900.00", "statement 2")
	if !r.OK() || !strings.Contains(string(r.Envelope().Events[0].Data), "900.00") {
		t.Fatalf("%s", r.Message)
	}
	if s := supply(t, w); s.Covered || s.Reserves != amount("900.00") || s.ReservesEvidence != "statement 2" || s.ReservesAttestedAt == "" {
		t.Fatalf("supply %+v", s)
	}
	w.Refused(errs.LimitExceeded, w.Settlement, "Cash:Mint", "0.01")
	w.Must(w.Settlement, "Cash:Burn", "100.00")
	if s := supply(t, w); !s.Covered {
		t.Fatalf("supply %+v", s)
	}
}

func TestBalanceVisibilityAndHolds(t *testing.T) {
	w := contracttest.New(t)
	alice := w.Investor(w.Net.Servicer, "alice")
	bob := w.Investor(w.Net.Investors, "bob")
	w.Must(w.Settlement, "Cash:AttestReserves", "100.00", "s")
	w.Must(w.Settlement, "Cash:Mint", "100.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(bob), "60.00")
	w.Must(bob, "Cash:Balance", w.Key(bob))
	w.Must(w.Compliance[w.Net.Investors], "Cash:Balance", w.Key(bob))
	w.Refused(errs.Forbidden, alice, "Cash:Balance", w.Key(bob))
	w.Refused(errs.Forbidden, w.Settlement, "Cash:Balance", w.Key(bob))
	w.Refused(errs.Forbidden, w.Compliance[w.Net.Servicer], "Cash:Balance", w.Key(bob))
	// Cash held for a pending settlement stays the holder's but cannot
	// move; the Settlement contract sets holds through cashbook.Ledger.
	k, err := shim.CreateCompositeKey(schema.TypeCash, []string{w.Key(bob)})
	if err != nil {
		t.Fatal(err)
	}
	held, _ := canon.Marshal(schema.CashAccount{Balance: amount("60.00"), Held: amount("50.00")})
	w.SeedPrivate("registry"+bob.MSPID(), k, held)
	if b := balance(t, w, bob); b.Available != amount("10.00") {
		t.Fatalf("balance %+v", b)
	}
	r := w.Refused(errs.InsufficientBalance, bob, "Cash:Transfer", w.Key(alice), "10.01")
	if !strings.Contains(r.Message, "held") {
		t.Errorf("message %q", r.Message)
	}
	w.Must(bob, "Cash:Transfer", w.Key(alice), "10.00")
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
