package servicing_test

import (
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// The checks below read the committed ledger directly, as an auditor
// holding every peer's data would: they witness the contract's
// guarantees without going through it.

func compositeKey(objectType string, attrs ...string) string {
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		panic(err)
	}
	return k
}

// prefixed decodes every value under a composite-key prefix.
func prefixed[T any](state map[string][]byte, objectType string, attrs ...string) (map[string]T, error) {
	prefix := compositeKey(objectType, attrs...)
	out := map[string]T{}
	for k, v := range state {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		var t T
		if err := canon.Unmarshal(v, &t); err != nil {
			return nil, fmt.Errorf("%q: %v", k, err)
		}
		out[k] = t
	}
	return out, nil
}

// cashTotals is the settlement asset wherever it is (registry accounts,
// the float, the deals' accounts, the class books' distribution
// accounts), read by contracttest's independent witness, with each
// holder's balance at hand.
type cashTotals struct {
	contracttest.CashBooks
	byHolder map[string]money.Amount
}

func (w *world) cash() (cashTotals, error) {
	c, err := contracttest.ReadCashOf(w.World, w.net.Config)
	if err != nil {
		return cashTotals{}, err
	}
	t := cashTotals{CashBooks: c, byHolder: map[string]money.Amount{}}
	for k, a := range c.Accounts {
		t.byHolder[k] = a.Balance
	}
	return t, nil
}

// checkCash verifies Σ accounts + float + Σ deal accounts + Σ class book
// balances = minted − burned, to the cent, and that nothing is negative.
func (w *world) checkCash() error {
	t, err := w.cash()
	if err != nil {
		return err
	}
	return t.Check()
}

// holdings returns a tranche's positions as distribution.Holdings, by
// holder key.
func (w *world) holdings(tranche string) (map[string]distribution.Holding, error) {
	out := map[string]distribution.Holding{}
	for _, msp := range w.net.Config.Custodians() {
		pos, err := prefixed[model.Position](w.Private(roles.RegistryCollection(msp)), model.TypePosition, tranche)
		if err != nil {
			return nil, err
		}
		for k, p := range pos {
			paid, err := distribution.ParseIndex("indexPaid", p.IndexPaid)
			if err != nil {
				return nil, err
			}
			out[k] = distribution.Holding{Units: p.Units, IndexPaid: paid}
		}
	}
	return out, nil
}

// classBook reads a tranche's committed class book.
func (w *world) classBook(tranche string) (distribution.ClassBook, error) {
	var b distribution.ClassBook
	raw, ok := w.Public()[compositeKey(model.TypeClassBook, tranche)]
	if !ok {
		return b, nil
	}
	return b, canon.Unmarshal(raw, &b)
}

// checkBook verifies a tranche's distribution identity against every
// holder: distributed = claimed + residue line + unclaimed entitlements.
func (w *world) checkBook(tranche string) error {
	b, err := w.classBook(tranche)
	if err != nil {
		return err
	}
	hs, err := w.holdings(tranche)
	if err != nil {
		return err
	}
	list := make([]distribution.Holding, 0, len(hs))
	for _, h := range hs {
		list = append(list, h)
	}
	return b.Check(list)
}
