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
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	me, err := account(ctx)
	if err != nil {
		return err
	}
	bal, err := balance(ctx, me)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(balanceKey(me), []byte(strconv.FormatInt(bal+amount, 10)))
}

// Transfer moves amount from the caller to another account.
func (c *Contract) Transfer(ctx contractapi.TransactionContextInterface, to string, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	from, err := account(ctx)
	if err != nil {
		return err
	}
	if to == "" || to == from {
		return fmt.Errorf("to: want another account, got %q", to)
	}
	fromBal, err := balance(ctx, from)
	if err != nil {
		return err
	}
	if fromBal < amount {
		return fmt.Errorf("amount: %d exceeds the balance %d", amount, fromBal)
	}
	toBal, err := balance(ctx, to)
	if err != nil {
		return err
	}
	stub := ctx.GetStub()
	if err := stub.PutState(balanceKey(from), []byte(strconv.FormatInt(fromBal-amount, 10))); err != nil {
		return err
	}
	if err := stub.PutState(balanceKey(to), []byte(strconv.FormatInt(toBal+amount, 10))); err != nil {
		return err
	}
	ev, err := json.Marshal(Transferred{From: from, To: to, Amount: amount})
	if err != nil {
		return err
	}
	return stub.SetEvent("Transferred", ev)
}

// Balance is an account's balance (0 if it never held any).
func (c *Contract) Balance(ctx contractapi.TransactionContextInterface, acct string) (int64, error) {
	return balance(ctx, acct)
}

// PrivateMint credits the caller with amount, and as much cash, in
// collection.
func (c *Contract) PrivateMint(ctx contractapi.TransactionContextInterface, collection string, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	me, err := account(ctx)
	if err != nil {
		return err
	}
	for _, key := range []string{balanceKey(me), cashKey(me)} {
		bal, err := privateAmount(ctx, collection, key)
		if err != nil {
			return err
		}
		if err := ctx.GetStub().PutPrivateData(collection, key, []byte(strconv.FormatInt(bal+amount, 10))); err != nil {
			return err
		}
	}
	return nil
}

// PrivateTransfer moves amount from the caller's balance in from to
// another account's balance in to: two private reads, two private writes
// and the same event as Transfer.
func (c *Contract) PrivateTransfer(ctx contractapi.TransactionContextInterface, from, to, toAccount string, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("amount: want a positive number, got %d", amount)
	}
	me, err := account(ctx)
	if err != nil {
		return err
	}
	if toAccount == "" || toAccount == me {
		return fmt.Errorf("toAccount: want another account, got %q", toAccount)
	}
	fromBal, err := privateBalance(ctx, from, me)
	if err != nil {
		return err
	}
	if fromBal < amount {
		return fmt.Errorf("amount: %d exceeds the balance %d", amount, fromBal)
	}
	toBal, err := privateBalance(ctx, to, toAccount)
	if err != nil {
		return err
	}
	stub := ctx.GetStub()
	if err := stub.PutPrivateData(from, balanceKey(me), []byte(strconv.FormatInt(fromBal-amount, 10))); err != nil {
		return err
	}
	if err := stub.PutPrivateData(to, balanceKey(toAccount), []byte(strconv.FormatInt(toBal+amount, 10))); err != nil {
		return err
	}
	ev, err := json.Marshal(Transferred{From: me, To: toAccount, Amount: amount})
	if err != nil {
		return err
	}
	return stub.SetEvent("Transferred", ev)
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
	moves := []struct {
		collection, key string
		delta           int64
	}{
		{from, balanceKey(seller), -amount}, {to, balanceKey(buyer), amount},
		{to, cashKey(buyer), -price}, {from, cashKey(seller), price},
	}
	stub := ctx.GetStub()
	for _, m := range moves {
		bal, err := privateAmount(ctx, m.collection, m.key)
		if err != nil {
			return err
		}
		if bal+m.delta < 0 {
			return fmt.Errorf("%s: %d exceeds the balance %d", m.key, -m.delta, bal)
		}
		if err := stub.PutPrivateData(m.collection, m.key, []byte(strconv.FormatInt(bal+m.delta, 10))); err != nil {
			return err
		}
	}
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
	return privateBalance(ctx, collection, acct)
}

func privateBalance(ctx contractapi.TransactionContextInterface, collection, acct string) (int64, error) {
	return privateAmount(ctx, collection, balanceKey(acct))
}

func privateAmount(ctx contractapi.TransactionContextInterface, collection, key string) (int64, error) {
	raw, err := ctx.GetStub().GetPrivateData(collection, key)
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.ParseInt(string(raw), 10, 64)
}

func balance(ctx contractapi.TransactionContextInterface, acct string) (int64, error) {
	raw, err := ctx.GetStub().GetState(balanceKey(acct))
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.ParseInt(string(raw), 10, 64)
}
