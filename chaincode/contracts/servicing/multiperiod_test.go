package servicing_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestFourPeriodsReportedCertifiedAndClaimed runs a deal over a sealed
// loansim pool of 400 loans for four monthly periods: each report in four
// chunks, remitted in cash, certified, replayed; holders at two banks
// claim at different times, the fee payees claim their fees. After every
// step the cash conserves to the cent wherever it is, and every class's
// distribution identity holds against its holders; at the end, with
// every holder paid, each class's claims plus its residue line equal its
// payments exactly.
func TestFourPeriodsReportedCertifiedAndClaimed(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 400, 100)
	claimed := map[string]money.Amount{} // by tranche
	paid := map[string]money.Amount{}    // by tranche
	claimedBy := map[*stubtest.Identity]money.Amount{}
	claim := func(h *stubtest.Identity, class string) {
		t.Helper()
		res := contracttest.Decode[schema.ClaimResult](t, w.Must(h, "Servicing:Claim", d.tranche[class]))
		claimed[d.tranche[class]] += res.Amount
		claimedBy[h] += res.Amount
	}
	check := func(when string) {
		t.Helper()
		if err := w.CheckCash(); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		for _, c := range d.classes {
			if err := w.checkBook(d.tranche[c]); err != nil {
				t.Fatalf("%s: class %s: %v", when, c, err)
			}
		}
	}
	check("after closing")
	var fees money.Amount
	var servicingFees money.Amount
	for period := 1; period <= 4; period++ {
		m, cert := d.runPeriod(t)
		if cert.Period != period || len(m.chunks) != 4 {
			t.Fatalf("period %d: certified %d from %d chunks", period, cert.Period, len(m.chunks))
		}
		var res waterfall.Result
		if err := json.Unmarshal(cert.Result, &res); err != nil {
			t.Fatal(err)
		}
		for _, cd := range cert.Distributions {
			paid[cd.Tranche] += cd.Payment
		}
		for _, f := range cert.Cash.Fees {
			fees += f.Paid
			if f.Fee == "servicing" {
				servicingFees += f.Paid
			}
		}
		// The report's public totals are the rows' sums and its Merkle root
		// commits to the rows.
		rep := contracttest.Decode[schema.Report](t, w.Must(w.Auditor, "Servicing:GetReport", d.deal, fmt.Sprint(period)))
		if rep.Status != schema.ReportComplete || !rep.FromRows.Equal(m.agg) || rep.MerkleRoot == "" {
			t.Fatalf("period %d: report %s, rows reconcile %v", period, rep.Status, rep.FromRows.Equal(m.agg))
		}
		// Anyone can replay the period from public inputs, byte for byte.
		v := contracttest.Decode[distribution.Verdict](t, w.Must(w.Auditor, "Servicing:Replay", d.deal, fmt.Sprint(period)))
		if !v.Match || v.StoredHash != cert.ResultHash || v.InputsHash != cert.InputsHash {
			t.Fatalf("period %d: replay %+v", period, v)
		}
		// The proof of reserve is the certified pool against the notes left.
		por := contracttest.Decode[schema.ReserveProof](t, w.Must(w.Auditor, "Servicing:ProofOfReserve", d.deal, fmt.Sprint(period)))
		var notes money.Amount
		for _, c := range res.Classes {
			notes += c.EndingBalance
		}
		if por.PoolBalance != m.agg.EndingBalance || por.NotesOutstanding != notes || !por.Covered || por.MerkleRoot != rep.MerkleRoot {
			t.Fatalf("period %d: proof of reserve %+v, pool %s notes %s", period, por, m.agg.EndingBalance, notes)
		}
		check(fmt.Sprintf("period %d certified", period))
		switch period {
		case 1: // holders at both banks claim the senior class at once
			claim(d.alice, "A")
			claim(d.bob, "A")
		case 2: // nobody claims: accruals pile up on the index
		case 3:
			claim(d.bella, "C")
			claim(d.anna, "Certificates")
			w.Must(w.Servicer, "Servicing:ClaimFee", d.deal, "servicing")
		}
		check(fmt.Sprintf("period %d claims", period))
	}
	// Everyone claims everything.
	for _, c := range d.classes {
		for h := range d.holders[d.tranche[c]] {
			claim(h, c)
		}
	}
	w.Must(w.Servicer, "Servicing:ClaimFee", d.deal, "servicing")
	w.Must(w.Trustee, "Servicing:ClaimFee", d.deal, "trustee")
	check("all claimed")
	for _, c := range d.classes {
		if vp := string(w.ValidationParameter(contracttest.CompositeKey(schema.TypeClassBook, d.tranche[c]))); !strings.Contains(vp, w.Net.Trustee) || strings.Contains(vp, w.Net.Servicer) {
			t.Fatalf("class book %s policy %q: the trustee keeps it", c, vp)
		}
	}

	for _, c := range d.classes {
		id := d.tranche[c]
		b, err := w.classBook(id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Distributed != paid[id] || b.Claimed != claimed[id] {
			t.Fatalf("class %s: book distributed %s claimed %s, the certifications paid %s and holders took %s",
				c, b.Distributed, b.Claimed, paid[id], claimed[id])
		}
		// Σ claims + residue line = Σ payments, exactly; what is left in the
		// distribution account is the residue line, in whole cents.
		if !claimed[id].Decimal().Add(b.ResidueLine()).Equal(paid[id].Decimal()) || !b.ResidueLine().Equal(b.Balance().Decimal()) {
			t.Fatalf("class %s: claims %s + residue %s != payments %s (balance %s)", c, claimed[id], b.ResidueLine(), paid[id], b.Balance())
		}
		if b.Balance() > money.Cents(int64(len(d.holders[id])*4)) {
			t.Fatalf("class %s: %s left behind after every holder claimed: more than a cent per holder and claim", c, b.Balance())
		}
	}
	// The deal's own accounts hold only the reserve now: collections were
	// fully paid out and every fee claimed.
	acc := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	status := contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	if acc.Collection != 0 || acc.Fees[0].Balance != 0 || acc.Fees[1].Balance != 0 || acc.Reserves[0].Balance != status.State.Reserves[0].Balance {
		t.Fatalf("accounts %+v, reserve state %s", acc, status.State.Reserves[0].Balance)
	}
	// Cash went where the waterfall said: each holder's cash is what it
	// claimed, the servicer's is what it had less what it remitted plus its
	// fees.
	cash, err := w.ReadCash()
	if err != nil {
		t.Fatal(err)
	}
	for h, amount := range claimedBy {
		if got := cash.Accounts[w.Key(h)].Balance; got != amount {
			t.Fatalf("%s holds %s, claimed %s", h, got, amount)
		}
	}
	if status.Period != 4 || fees <= servicingFees || servicingFees <= 0 {
		t.Fatalf("status %d, fees %s, servicing fees %s", status.Period, fees, servicingFees)
	}
}
