// Package plaintoken is the yardstick of the throughput benchmark: a
// minimal plain fungible token, deployed as a second chaincode beside
// tranchenet on the same channel with the same endorsement as a tranche
// transfer (the trustee's peers), so that "what does compliance cost?" has
// an answer measured on the same network in the same run. A transfer reads
// two balances, writes two and sets one event; a balance read reads one
// key. Balances are public state: there is nothing private about this token.
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

// Contract is the token: Mint, Transfer, Balance, WhoAmI.
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

func balance(ctx contractapi.TransactionContextInterface, acct string) (int64, error) {
	raw, err := ctx.GetStub().GetState(balanceKey(acct))
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.ParseInt(string(raw), 10, 64)
}
