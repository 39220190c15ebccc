package contracttest

import (
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// The checks below read the committed ledger directly, as an auditor with
// every peer's data would, rather than through the contracts: they are
// the independent witness of the guarantees the contracts claim.

// TrancheBooks is a tranche's register as committed.
type TrancheBooks struct {
	Tranche   model.Tranche
	Book      model.TrancheBook
	Positions map[string]model.Position // by holder key, every registry
}

// ReadTranche reads a tranche's terms, book and every position.
func (w *World) ReadTranche(trancheID string) (TrancheBooks, error) {
	out := TrancheBooks{Positions: map[string]model.Position{}}
	pub := w.Public()
	if err := decodeAt(pub, &out.Tranche, model.TypeTranche, trancheID); err != nil {
		return out, err
	}
	if err := decodeAt(pub, &out.Book, model.TypeTrancheBook, trancheID); err != nil {
		return out, err
	}
	prefix := compositeKey(model.TypePosition, trancheID)
	for _, msp := range w.Net.Config.Custodians() {
		for k, v := range w.Private(roles.RegistryCollection(msp)) {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			holder := strings.TrimSuffix(strings.TrimPrefix(k, prefix), "\x00")
			if !strings.HasPrefix(holder, msp+"/") {
				return out, fmt.Errorf("position of %s is in the registry of %s", holder, msp)
			}
			var p model.Position
			if err := canon.Unmarshal(v, &p); err != nil {
				return out, fmt.Errorf("position %q: %v", k, err)
			}
			out.Positions[holder] = p
		}
	}
	return out, nil
}

// CheckTranche verifies a tranche's conservation and bookkeeping:
// Σ positions + issuance account = issued − redeemed, no negative or
// over-held position, the holder count equal to the positions with
// units, and no more units than the original face allows.
func (w *World) CheckTranche(trancheID string) error {
	b, err := w.ReadTranche(trancheID)
	if err != nil {
		return err
	}
	var sum int64
	holders := 0
	for k, p := range b.Positions {
		if p.Units < 0 || p.FrozenUnits < 0 || p.HeldUnits < 0 || p.HeldUnits > p.Units {
			return fmt.Errorf("tranche %s: position of %s is impossible: %+v", trancheID, k, p)
		}
		sum += p.Units
		if p.Units > 0 {
			holders++
		}
	}
	switch {
	case b.Book.IssuerUnits < 0 || b.Book.Redeemed < 0:
		return fmt.Errorf("tranche %s: negative book %+v", trancheID, b.Book)
	case sum+b.Book.IssuerUnits != b.Tranche.Issued-b.Book.Redeemed:
		return fmt.Errorf("tranche %s: Σ positions %d + issuer units %d != issued %d − redeemed %d",
			trancheID, sum, b.Book.IssuerUnits, b.Tranche.Issued, b.Book.Redeemed)
	case holders != b.Book.Holders:
		return fmt.Errorf("tranche %s: %d positions hold units, the book counts %d holders", trancheID, holders, b.Book.Holders)
	case b.Tranche.Issued > b.Tranche.MaxUnits():
		return fmt.Errorf("tranche %s: %d units issued, the face allows %d", trancheID, b.Tranche.Issued, b.Tranche.MaxUnits())
	}
	return nil
}

// CashBooks is the settlement asset as committed.
type CashBooks struct {
	Supply   model.CashSupply
	Book     model.CashBook
	Accounts map[string]model.CashAccount // by holder key
}

// ReadCash reads the supply, the float and every account.
func (w *World) ReadCash() (CashBooks, error) {
	out := CashBooks{Accounts: map[string]model.CashAccount{}}
	pub := w.Public()
	if err := decodeOptional(pub, &out.Supply, model.TypeCashSupply); err != nil {
		return out, err
	}
	if err := decodeOptional(pub, &out.Book, model.TypeCashBook); err != nil {
		return out, err
	}
	prefix := compositeKey(model.TypeCash)
	for _, msp := range w.Net.Config.Custodians() {
		for k, v := range w.Private(roles.RegistryCollection(msp)) {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			var a model.CashAccount
			if err := canon.Unmarshal(v, &a); err != nil {
				return out, fmt.Errorf("cash account %q: %v", k, err)
			}
			out.Accounts[strings.TrimSuffix(strings.TrimPrefix(k, prefix), "\x00")] = a
		}
	}
	return out, nil
}

// CheckCash verifies Σ accounts + float = minted − burned, that no
// balance, float or supply figure is negative, and that no account holds
// more for settlements than its balance.
func (w *World) CheckCash() error {
	c, err := w.ReadCash()
	if err != nil {
		return err
	}
	var sum money.Amount
	for k, a := range c.Accounts {
		if a.Balance < 0 || a.Held < 0 || a.Held > a.Balance {
			return fmt.Errorf("cash account of %s is impossible: %+v", k, a)
		}
		sum += a.Balance
	}
	if c.Book.Float < 0 || c.Supply.Minted < 0 || c.Supply.Burned < 0 {
		return fmt.Errorf("negative supply or float: %+v %+v", c.Supply, c.Book)
	}
	if sum+c.Book.Float != c.Supply.Minted-c.Supply.Burned {
		return fmt.Errorf("Σ accounts %s + float %s != minted %s − burned %s", sum, c.Book.Float, c.Supply.Minted, c.Supply.Burned)
	}
	return nil
}

func compositeKey(objectType string, attrs ...string) string {
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		panic(err)
	}
	return k
}

func decodeAt(state map[string][]byte, v any, objectType string, attrs ...string) error {
	k := compositeKey(objectType, attrs...)
	b, ok := state[k]
	if !ok {
		return fmt.Errorf("no %s %v in the ledger", objectType, attrs)
	}
	return canon.Unmarshal(b, v)
}

func decodeOptional(state map[string][]byte, v any, objectType string) error {
	if b, ok := state[compositeKey(objectType)]; ok {
		return canon.Unmarshal(b, v)
	}
	return nil
}
