// Package plaintoken holds the benchmarks' yardsticks, deployed as a
// second chaincode beside tranchenet on the same channel, so that "what
// does compliance cost?" has an answer measured on the same network in the
// same run.
//
// The plain token (Mint, Transfer, Balance) is a minimal fungible token
// with the same endorsement as a tranche transfer (the trustee's peers): a
// transfer reads two balances, writes two and sets one event; a balance
// read reads one key. Its balances are public state.
//
// Its private twins (PrivateMint, PrivateTransfer, PrivateSwap,
// PrivateBalance) keep each balance in a private data collection, deployed
// with tranchenet's own collection config, so that the benchmark can tell
// what Fabric's private data costs from what tranchenet's rules cost: a
// tranche position lives in its custodian bank's registry collection, and
// a private transfer between the same two collections reads and writes
// exactly the private keys a compliant transfer's positions take, without
// any rule; a private swap takes the private keys of a DvP settlement
// (both positions, both cash accounts) and writes a public record, as a
// settlement does.
//
// Records (records.go) is the loan data yardstick: a chunk of loans as one
// private key a loan or as one private value.
//
// It is a test-network tool, never part of the product: no product package
// imports it. It may import the Fabric contract API and the standard
// library only.
package plaintoken

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Name is the chaincode name the benchmark deploys it under.
const Name = "plaintoken"

// Contract is the token: Mint, Transfer, Balance, WhoAmI, and the private
// twins PrivateMint, PrivateTransfer, PrivateSwap, PrivateBalance.
type Contract struct {
	contractapi.Contract
}

// New returns the contract, named "Token" (functions are Token:Transfer…).
func New() *Contract {
	c := &Contract{}
	c.Name = "Token"
	return c
}

// Transferred is the event a transfer sets.
type Transferred struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
}

func balanceKey(account string) string { return "balance~" + account }

func cashKey(account string) string { return "cash~" + account }

// account is the caller's account: its MSP and its identity's ID, as any
// token that moves the caller's own balance would key it.
func account(ctx contractapi.TransactionContextInterface) (string, error) {
	id := ctx.GetClientIdentity()
	msp, err := id.GetMSPID()
	if err != nil {
		return "", err
	}
	sub, err := id.GetID()
	if err != nil {
		return "", err
	}
	return msp + "/" + sub, nil
}

// WhoAmI returns the caller's account.
func (c *Contract) WhoAmI(ctx contractapi.TransactionContextInterface) (string, error) {
	return account(ctx)
}

// Mint credits the caller with amount (a benchmark token: anyone may mint
// to themself).
func (c *Contract) Mint(ctx contractapi.TransactionContextInterface, amount int64) error {
	return mint(ctx, publicBook(ctx), amount, balanceKey)
}

// mint credits the caller with amount under each of keys in b.
func mint(ctx contractapi.TransactionContextInterface, b book, amount int64, keys ...func(account string) string) error {
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	me, err := account(ctx)
	if err != nil {
		return err
	}
	for _, key := range keys {
		bal, err := b.amount(key(me))
		if err != nil {
			return err
		}
		if err := b.setAmount(key(me), bal+amount); err != nil {
			return err
		}
	}
	return nil
}

// Transfer moves amount from the caller to another account.
func (c *Contract) Transfer(ctx contractapi.TransactionContextInterface, to string, amount int64) error {
	public := publicBook(ctx)
	return transfer(ctx, public, public, to, amount)
}

// book is where one side's balances live: public state, or a private
// collection. Transfer and its private twin run the same steps on either.
type book struct {
	get func(key string) ([]byte, error)
	put func(key string, value []byte) error
}

func publicBook(ctx contractapi.TransactionContextInterface) book {
	return book{get: ctx.GetStub().GetState, put: ctx.GetStub().PutState}
}

func privateBook(ctx contractapi.TransactionContextInterface, collection string) book {
	stub := ctx.GetStub()
	return book{
		get: func(key string) ([]byte, error) { return stub.GetPrivateData(collection, key) },
		put: func(key string, value []byte) error { return stub.PutPrivateData(collection, key, value) },
	}
}

func (b book) amount(key string) (int64, error) {
	raw, err := b.get(key)
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.ParseInt(string(raw), 10, 64)
}

func (b book) setAmount(key string, amount int64) error {
	return b.put(key, []byte(strconv.FormatInt(amount, 10)))
}

// transfer moves amount from the caller's balance in from to toAccount's
// in to: two reads, two writes, one event.
func transfer(ctx contractapi.TransactionContextInterface, from, to book, toAccount string, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	me, err := account(ctx)
	if err != nil {
		return err
	}
	if toAccount == "" || toAccount == me {
		return fmt.Errorf("to: want another account, got %q", toAccount)
	}
	fromBal, err := from.amount(balanceKey(me))
	if err != nil {
		return err
	}
	if fromBal < amount {
		return fmt.Errorf("amount: %d exceeds the balance %d", amount, fromBal)
	}
	toBal, err := to.amount(balanceKey(toAccount))
	if err != nil {
		return err
	}
	if err := from.setAmount(balanceKey(me), fromBal-amount); err != nil {
		return err
	}
	if err := to.setAmount(balanceKey(toAccount), toBal+amount); err != nil {
		return err
	}
	ev, err := json.Marshal(Transferred{From: me, To: toAccount, Amount: amount})
	if err != nil {
		return err
	}
	return ctx.GetStub().SetEvent("Transferred", ev)
}

// Balance is an account's balance (0 if it never held any).
func (c *Contract) Balance(ctx contractapi.TransactionContextInterface, acct string) (int64, error) {
	return publicBook(ctx).amount(balanceKey(acct))
}

// PrivateMint credits the caller with amount, and as much cash, in
// collection.
func (c *Contract) PrivateMint(ctx contractapi.TransactionContextInterface, collection string, amount int64) error {
	return mint(ctx, privateBook(ctx, collection), amount, balanceKey, cashKey)
}

// PrivateTransfer moves amount from the caller's balance in collection
// from to another account's balance in collection to: Transfer's steps on
// private data.
func (c *Contract) PrivateTransfer(ctx contractapi.TransactionContextInterface, from, to, toAccount string, amount int64) error {
	return transfer(ctx, privateBook(ctx, from), privateBook(ctx, to), toAccount, amount)
}

// Swapped is the event a private swap sets.
type Swapped struct {
	Seller string `json:"seller"`
	Buyer  string `json:"buyer"`
	Amount int64  `json:"amount"`
	Price  int64  `json:"price"`
}

// PrivateSwap is the private twin of a DvP settlement: amount moves from
// the caller's balance in from to the buyer's in to, and price moves from
// the buyer's cash in to to the caller's cash in from (each account's
// balance and cash in its own bank's collection, as a holder's position
// and cash account are), with a public record of the swap under the
// transaction's ID: four private reads, four private writes, one public
// write and the event.
func (c *Contract) PrivateSwap(ctx contractapi.TransactionContextInterface, from, to, buyer string, amount, price int64) error {
	if amount <= 0 || price <= 0 {
		return fmt.Errorf("amount, price: want positive numbers, got %d and %d", amount, price)
	}
	seller, err := account(ctx)
	if err != nil {
		return err
	}
	if buyer == "" || buyer == seller {
		return fmt.Errorf("buyer: want another account, got %q", buyer)
	}
	sellerBook, buyerBook := privateBook(ctx, from), privateBook(ctx, to)
	moves := []struct {
		b     book
		key   string
		delta int64
	}{
		{sellerBook, balanceKey(seller), -amount}, {buyerBook, balanceKey(buyer), amount},
		{buyerBook, cashKey(buyer), -price}, {sellerBook, cashKey(seller), price},
	}
	for _, m := range moves {
		bal, err := m.b.amount(m.key)
		if err != nil {
			return err
		}
		if bal+m.delta < 0 {
			return fmt.Errorf("%s: %d exceeds the balance %d", m.key, -m.delta, bal)
		}
		if err := m.b.setAmount(m.key, bal+m.delta); err != nil {
			return err
		}
	}
	stub := ctx.GetStub()
	ev, err := json.Marshal(Swapped{Seller: seller, Buyer: buyer, Amount: amount, Price: price})
	if err != nil {
		return err
	}
	if err := stub.PutState("swap~"+stub.GetTxID(), ev); err != nil {
		return err
	}
	return stub.SetEvent("Swapped", ev)
}

// PrivateBalance is an account's balance in collection (0 if none).
func (c *Contract) PrivateBalance(ctx contractapi.TransactionContextInterface, collection, acct string) (int64, error) {
	return privateBook(ctx, collection).amount(balanceKey(acct))
}
