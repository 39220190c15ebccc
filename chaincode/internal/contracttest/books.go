package contracttest

import (
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The checks below read the committed ledger directly, as an auditor with
// every peer's data would, rather than through the contracts: they are
// the independent witness of the guarantees the contracts claim.

// TrancheBooks is a tranche's register as committed.
type TrancheBooks struct {
	Tranche schema.Tranche
	Book    schema.TrancheBook
	// Shards are the holder-count shards by shard name ("00".."3f").
	Shards    map[string]schema.HolderShard
	Positions map[string]schema.Position // by holder key, every registry
}

// Holders is the holder count the ledger keeps: the book's plus every
// shard's.
func (b TrancheBooks) Holders() int {
	n := b.Book.Holders
	for _, s := range b.Shards {
		n += s.Holders
	}
	return n
}

// ReadTranche reads a tranche's terms, book and every position.
func (w *World) ReadTranche(trancheID string) (TrancheBooks, error) {
	out := TrancheBooks{Positions: map[string]schema.Position{}, Shards: map[string]schema.HolderShard{}}
	pub := w.Public()
	if err := decodeAt(pub, &out.Tranche, schema.TypeTranche, trancheID); err != nil {
		return out, err
	}
	if err := decodeAt(pub, &out.Book, schema.TypeTrancheBook, trancheID); err != nil {
		return out, err
	}
	shardPrefix := CompositeKey(schema.TypeHolderShard, trancheID)
	for k, v := range pub {
		if name, ok := strings.CutPrefix(k, shardPrefix); ok {
			var s schema.HolderShard
			if err := canon.Unmarshal(v, &s); err != nil {
				return out, fmt.Errorf("holder shard %q: %v", k, err)
			}
			out.Shards[strings.TrimSuffix(name, "\x00")] = s
		}
	}
	prefix := CompositeKey(schema.TypePosition, trancheID)
	for _, msp := range w.Net.Config.Custodians() {
		for k, v := range w.Private(roles.RegistryCollection(msp)) {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			holder := strings.TrimSuffix(strings.TrimPrefix(k, prefix), "\x00")
			if !strings.HasPrefix(holder, msp+"/") {
				return out, fmt.Errorf("position of %s is in the registry of %s", holder, msp)
			}
			var p schema.Position
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
	return b.Check()
}

// Check is CheckTranche on books already read.
func (b TrancheBooks) Check() error {
	trancheID := b.Tranche.ID
	var sum int64
	holders := 0
	for name, s := range b.Shards {
		if s.Holders < 0 {
			return fmt.Errorf("tranche %s: holder shard %s counts %d", trancheID, name, s.Holders)
		}
	}
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
	case holders != b.Holders():
		return fmt.Errorf("tranche %s: %d positions hold units, the book and its shards count %d holders", trancheID, holders, b.Holders())
	case b.Tranche.Issued > b.Tranche.MaxUnits():
		return fmt.Errorf("tranche %s: %d units issued, the face allows %d", trancheID, b.Tranche.Issued, b.Tranche.MaxUnits())
	}
	return nil
}

// CashBooks is the settlement asset as committed, wherever it is: the
// supply, the float, holders' registry accounts, and the deals' books (the
// Servicing contract's collection, reserve and fee accounts, and each
// tranche's distribution account in its class book).
type CashBooks struct {
	Supply   schema.CashSupply
	Book     schema.CashBook
	Accounts map[string]schema.CashAccount // by holder key
	// DealAccounts are the deals' cash accounts by "<dealID>/<account>"
	// ("AUTO-1/collection", "AUTO-1/reserve:reserve", "AUTO-1/fee:servicing").
	DealAccounts map[string]money.Amount
	// ClassBooks are the tranches' class books by tranche ID; their
	// distribution accounts hold Distributed − Claimed.
	ClassBooks map[string]distribution.ClassBook
}

// ReadCash reads the settlement asset from this World's ledger.
func (w *World) ReadCash() (CashBooks, error) {
	out := CashBooks{Accounts: map[string]schema.CashAccount{}, DealAccounts: map[string]money.Amount{},
		ClassBooks: map[string]distribution.ClassBook{}}
	pub := w.Public()
	if err := decodeOptional(pub, &out.Supply, schema.TypeCashSupply); err != nil {
		return out, err
	}
	if err := decodeOptional(pub, &out.Book, schema.TypeCashBook); err != nil {
		return out, err
	}
	prefix, posPrefix := CompositeKey(schema.TypeCash), CompositeKey(schema.TypePosition)
	tallies := map[string][]distribution.ClaimTally{}
	for _, msp := range w.Net.Config.Custodians() {
		for k, v := range w.Private(roles.RegistryCollection(msp)) {
			if strings.HasPrefix(k, posPrefix) {
				// A holder's claims count in its position's tally.
				var p schema.Position
				if err := canon.Unmarshal(v, &p); err != nil {
					return out, fmt.Errorf("position %q: %v", k, err)
				}
				if tranche, _, _ := strings.Cut(strings.TrimPrefix(k, posPrefix), "\x00"); !p.Distributions.IsZero() {
					tallies[tranche] = append(tallies[tranche], p.Distributions)
				}
				continue
			}
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			var a schema.CashAccount
			if err := canon.Unmarshal(v, &a); err != nil {
				return out, fmt.Errorf("cash account %q: %v", k, err)
			}
			out.Accounts[strings.TrimSuffix(strings.TrimPrefix(k, prefix), "\x00")] = a
		}
	}
	dealPrefix, bookPrefix, tallyPrefix := CompositeKey(schema.TypeDealAccount), CompositeKey(schema.TypeClassBook), CompositeKey(schema.TypeClaimTally)
	floatPrefix := CompositeKey(schema.TypeCashFloat)
	for k, v := range pub {
		switch {
		case strings.HasPrefix(k, floatPrefix):
			// The float is the single record's (a ledger from before the
			// shards) plus every shard's.
			var b schema.CashBook
			if err := canon.Unmarshal(v, &b); err != nil {
				return out, fmt.Errorf("float shard %q: %v", k, err)
			}
			if b.Float < 0 {
				return out, fmt.Errorf("float shard %q is negative: %s", k, b.Float)
			}
			out.Book.Float += b.Float
		case strings.HasPrefix(k, dealPrefix):
			var a schema.DealAccount
			if err := canon.Unmarshal(v, &a); err != nil {
				return out, fmt.Errorf("deal account %q: %v", k, err)
			}
			name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(k, dealPrefix), "\x00"), "\x00", "/")
			out.DealAccounts[name] = a.Balance
		case strings.HasPrefix(k, bookPrefix):
			var b distribution.ClassBook
			if err := canon.Unmarshal(v, &b); err != nil {
				return out, fmt.Errorf("class book %q: %v", k, err)
			}
			out.ClassBooks[strings.TrimSuffix(strings.TrimPrefix(k, bookPrefix), "\x00")] = b
		case strings.HasPrefix(k, tallyPrefix):
			var t distribution.ClaimTally
			if err := canon.Unmarshal(v, &t); err != nil {
				return out, fmt.Errorf("claim tally %q: %v", k, err)
			}
			tranche, _, _ := strings.Cut(strings.TrimPrefix(k, tallyPrefix), "\x00")
			tallies[tranche] = append(tallies[tranche], t)
		}
	}
	// A class's claims are its book's, its shards' and its holders' tallies'.
	for tranche, ts := range tallies {
		b, err := out.ClassBooks[tranche].Totals(ts)
		if err != nil {
			return out, fmt.Errorf("class book %s: %v", tranche, err)
		}
		out.ClassBooks[tranche] = b
	}
	return out, nil
}

// Holders is Σ of the holders' registry balances.
func (c CashBooks) Holders() money.Amount {
	var sum money.Amount
	for _, a := range c.Accounts {
		sum += a.Balance
	}
	return sum
}

// Deals is Σ of the deals' cash accounts and the tranches' distribution
// accounts.
func (c CashBooks) Deals() money.Amount {
	var sum money.Amount
	for _, b := range c.DealAccounts {
		sum += b
	}
	for _, b := range c.ClassBooks {
		sum += b.Balance()
	}
	return sum
}

// Check verifies the conservation of the settlement asset to the cent,
//
//	Σ registry accounts + float + Σ deal accounts + Σ distribution accounts = minted − burned
//
// and that no balance, float, supply figure or deal account is negative,
// no account holds more for settlements than its balance, and no class
// book paid out more than was distributed to it.
func (c CashBooks) Check() error {
	for k, a := range c.Accounts {
		if a.Balance < 0 || a.Held < 0 || a.Held > a.Balance {
			return fmt.Errorf("cash account of %s is impossible: %+v", k, a)
		}
	}
	for k, b := range c.DealAccounts {
		if b < 0 {
			return fmt.Errorf("deal account %s is negative: %s", k, b)
		}
	}
	for k, b := range c.ClassBooks {
		if b.Claimed < 0 || b.Claimed > b.Distributed {
			return fmt.Errorf("class book of %s paid out %s of %s distributed", k, b.Claimed, b.Distributed)
		}
	}
	if c.Book.Float < 0 || c.Supply.Minted < 0 || c.Supply.Burned < 0 {
		return fmt.Errorf("negative supply or float: %+v %+v", c.Supply, c.Book)
	}
	if c.Holders()+c.Book.Float+c.Deals() != c.Supply.Minted-c.Supply.Burned {
		return fmt.Errorf("Σ accounts %s + float %s + Σ deal and distribution accounts %s != minted %s − burned %s",
			c.Holders(), c.Book.Float, c.Deals(), c.Supply.Minted, c.Supply.Burned)
	}
	return nil
}

// CheckCash reads the settlement asset and runs CashBooks.Check.
func (w *World) CheckCash() error {
	c, err := w.ReadCash()
	if err != nil {
		return err
	}
	return c.Check()
}

// Position is a holder's committed position in a tranche (zero if it has
// none), read from its bank's registry.
func (w *World) Position(trancheID string, holder *stubtest.Identity) schema.Position {
	w.TB.Helper()
	var p schema.Position
	w.readPrivate(roles.RegistryCollection(holder.MSPID()), &p, schema.TypePosition, trancheID, w.Key(holder))
	return p
}

// CashAccount is a holder's committed cash account (zero if it has none),
// read from its bank's registry.
func (w *World) CashAccount(holder *stubtest.Identity) schema.CashAccount {
	w.TB.Helper()
	var a schema.CashAccount
	w.readPrivate(roles.RegistryCollection(holder.MSPID()), &a, schema.TypeCash, w.Key(holder))
	return a
}

// readPrivate decodes a committed private value into v, leaving v as it
// is if there is none.
func (w *World) readPrivate(collection string, v any, objectType string, attrs ...string) {
	w.TB.Helper()
	if b, ok := w.Private(collection)[CompositeKey(objectType, attrs...)]; ok {
		if err := canon.Unmarshal(b, v); err != nil {
			w.TB.Fatalf("%s %v in %s: %v", objectType, attrs, collection, err)
		}
	}
}

// CompositeKey is the state key the chaincode writes objectType under.
func CompositeKey(objectType string, attrs ...string) string {
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		panic(err)
	}
	return k
}

func decodeAt(state map[string][]byte, v any, objectType string, attrs ...string) error {
	k := CompositeKey(objectType, attrs...)
	b, ok := state[k]
	if !ok {
		return fmt.Errorf("no %s %v in the ledger", objectType, attrs)
	}
	return canon.Unmarshal(b, v)
}

func decodeOptional(state map[string][]byte, v any, objectType string) error {
	if b, ok := state[CompositeKey(objectType)]; ok {
		return canon.Unmarshal(b, v)
	}
	return nil
}
