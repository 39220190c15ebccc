package servicing_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing/accrual"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// movingContract moves units between two positions the way the Token
// contract must once it calls the accrual hook: both sides settled first,
// in one transaction, through one Settler and one Wallet.
type movingContract struct{ txn.Base }

func (c *movingContract) Move(ctx *txn.Context, trancheID, fromKey, toKey, units string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	from, err := roles.ParseKey(fromKey)
	if err != nil {
		return err
	}
	to, err := roles.ParseKey(toKey)
	if err != nil {
		return err
	}
	n, err := model.ParseUnits("units", units)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	wallet, err := accrual.NewRegistryWallet(ctx)
	if err != nil {
		return err
	}
	settler := accrual.New(ctx, wallet)
	var pos [2]model.Position
	var keys [2]string
	for i, id := range []roles.Identity{from, to} {
		keys[i] = ctx.MustKey(model.TypePosition, trancheID, id.Key())
		registry, _ := cfg.RegistryFor(id.MSP)
		if _, err := ctx.GetPrivate(registry, keys[i], &pos[i]); err != nil {
			return err
		}
		if _, err := settler.Settle(trancheID, id, &pos[i]); err != nil {
			return err
		}
	}
	pos[0].Units -= n
	pos[1].Units += n
	for i, id := range []roles.Identity{from, to} {
		registry, _ := cfg.RegistryFor(id.MSP)
		if err := ctx.PutPrivate(registry, keys[i], pos[i]); err != nil {
			return err
		}
	}
	return nil
}

// TestSettlingBeforeAUnitMoveKeepsAccrualsWithTheirEarner: alice sells
// units to bob after a distribution and before the next; with both sides
// settled in the moving transaction, alice is paid period 1 on the units
// she held then and bob period 2 on the units he holds then, to the
// floored cent, and the class book balances against every holder.
func TestSettlingBeforeAUnitMoveKeepsAccrualsWithTheirEarner(t *testing.T) {
	mover := &movingContract{Base: txn.NewBase("Mover", "test: moves units with the accrual hook")}
	w := newWorld(t, mover)
	w.endorsement["Mover:Move"] = model.ByTrustee
	d := newDeal(t, w, 60, 25)
	a := d.tranche["A"]
	_, c1 := d.runPeriod(t)
	aliceUnits, bobUnits := d.holders[a][d.alice], d.holders[a][d.bob]
	const sold = 12_345
	w.must(w.trustee, "Mover:Move", a, w.key(d.alice), w.key(d.bob), fmt.Sprint(sold))
	if err := w.checkBook(a); err != nil {
		t.Fatal(err)
	}
	_, c2 := d.runPeriod(t)
	delta := func(c model.Certification) distribution.Increment { return c.Distributions[0].Increment }
	floor := func(units int64, inc distribution.Increment) money.Amount {
		cl, err := distribution.ClaimFor(units, inc.Delta, decimal.Zero)
		if err != nil {
			t.Fatal(err)
		}
		return cl.Amount
	}
	before, err := w.cash()
	if err != nil {
		t.Fatal(err)
	}
	aliceGot := before.byHolder[w.key(d.alice)] // paid by the move
	bobGot := before.byHolder[w.key(d.bob)]
	if aliceGot != floor(aliceUnits, delta(c1)) || bobGot != floor(bobUnits, delta(c1)) {
		t.Fatalf("the move paid alice %s and bob %s for period 1, want %s and %s",
			aliceGot, bobGot, floor(aliceUnits, delta(c1)), floor(bobUnits, delta(c1)))
	}
	alice := decode[servicing.ClaimResult](t, w.must(d.alice, "Servicing:Claim", a)).Amount
	bob := decode[servicing.ClaimResult](t, w.must(d.bob, "Servicing:Claim", a)).Amount
	if alice != floor(aliceUnits-sold, delta(c2)) || bob != floor(bobUnits+sold, delta(c2)) {
		t.Fatalf("period 2: alice %s bob %s, want %s and %s", alice, bob, floor(aliceUnits-sold, delta(c2)), floor(bobUnits+sold, delta(c2)))
	}
	if err := w.checkBook(a); err != nil {
		t.Fatal(err)
	}
	if err := w.checkCash(); err != nil {
		t.Fatal(err)
	}
}
