//go:build rogue

// Package rogue is altered chaincode, built only with the build tag
// "rogue" for the two-bank attack test (issue 11): a contract that writes
// whatever it is given, into public state or a collection, with no check
// at all. Banks running it endorse anything; the ledger's policies must
// refuse every such write at commit. It never ships: the regular build
// does not compile it.
//
// It may import only the contract API.
package rogue

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Contract is the rogue contract, served as "Rogue".
type Contract struct {
	contractapi.Contract
}

// New returns the contract.
func New() *Contract {
	c := &Contract{}
	c.Name = "Rogue"
	return c
}

// Put writes value at the composite key of objectType and the attributes
// (a JSON array of strings).
func (c *Contract) Put(ctx contractapi.TransactionContextInterface, objectType, attrsJSON, value string) error {
	key, err := compositeKey(ctx, objectType, attrsJSON)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte(value))
}

// PutPlain writes value at a plain key (e.g. "config").
func (c *Contract) PutPlain(ctx contractapi.TransactionContextInterface, key, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

// PutPrivate writes value into a collection at a composite key.
func (c *Contract) PutPrivate(ctx contractapi.TransactionContextInterface, collection, objectType, attrsJSON, value string) error {
	key, err := compositeKey(ctx, objectType, attrsJSON)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutPrivateData(collection, key, []byte(value))
}

func compositeKey(ctx contractapi.TransactionContextInterface, objectType, attrsJSON string) (string, error) {
	var attrs []string
	if err := json.Unmarshal([]byte(attrsJSON), &attrs); err != nil {
		return "", fmt.Errorf("attrsJSON: %w", err)
	}
	return ctx.GetStub().CreateCompositeKey(objectType, attrs)
}
