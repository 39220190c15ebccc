// Package probe is the deployment probe: a contract an org admin uses to
// check that a freshly deployed chaincode can write and read public state and
// each kind of private data collection on a given network, and that
// collection membership is enforced. It touches only keys under its own
// composite-key namespace, so it can stay deployed in production.
package probe

import (
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// objectType namespaces every key the probe writes.
const objectType = "probe"

// TransientValueKey is the transient-map key carrying a private value, so
// private values never appear in the transaction's arguments.
const TransientValueKey = "value"

// Contract is the Probe contract.
type Contract struct {
	contractapi.Contract
}

// New returns the contract under its public name "Probe".
func New() *Contract {
	c := &Contract{}
	c.Name = "Probe"
	c.Info.Description = "deployment probe: public and private writes and reads under the probe namespace, org admins only"
	return c
}

// PutPublic writes value under key in public state.
func (c *Contract) PutPublic(ctx contractapi.TransactionContextInterface, key, value string) error {
	k, err := c.key(ctx, key)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(k, []byte(value))
}

// GetPublic reads key from public state.
func (c *Contract) GetPublic(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	k, err := c.key(ctx, key)
	if err != nil {
		return "", err
	}
	v, err := ctx.GetStub().GetState(k)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("[NOT_FOUND] probe key %q not found", key)
	}
	return string(v), nil
}

// PutPrivate writes the transient "value" under key in a collection.
func (c *Contract) PutPrivate(ctx contractapi.TransactionContextInterface, collection, key string) error {
	k, err := c.key(ctx, key)
	if err != nil {
		return err
	}
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return err
	}
	v, ok := transient[TransientValueKey]
	if !ok {
		return fmt.Errorf("[BAD_INPUT] transient field %q is required (private values never go in arguments)", TransientValueKey)
	}
	return ctx.GetStub().PutPrivateData(collection, k, v)
}

// GetPrivate reads key from a collection. On a peer whose org is not a
// member of the collection, Fabric returns an error, never the value.
func (c *Contract) GetPrivate(ctx contractapi.TransactionContextInterface, collection, key string) (string, error) {
	k, err := c.key(ctx, key)
	if err != nil {
		return "", err
	}
	v, err := ctx.GetStub().GetPrivateData(collection, k)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("[NOT_FOUND] probe key %q not found in %s", key, collection)
	}
	return string(v), nil
}

// GetPrivateHash returns the hex SHA-256 of a private value, which every
// channel member may read.
func (c *Contract) GetPrivateHash(ctx contractapi.TransactionContextInterface, collection, key string) (string, error) {
	k, err := c.key(ctx, key)
	if err != nil {
		return "", err
	}
	h, err := ctx.GetStub().GetPrivateDataHash(collection, k)
	if err != nil {
		return "", err
	}
	if h == nil {
		return "", fmt.Errorf("[NOT_FOUND] probe key %q not found in %s", key, collection)
	}
	return fmt.Sprintf("%x", h), nil
}

// key checks that the caller is an org admin and namespaces the key.
func (c *Contract) key(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	isAdmin, err := cid.HasOUValue(ctx.GetStub(), "admin")
	if err != nil {
		return "", fmt.Errorf("[UNAUTHENTICATED] cannot read caller certificate: %v", err)
	}
	if !isAdmin {
		return "", fmt.Errorf("[FORBIDDEN] Probe is for org admins (NodeOU admin) only")
	}
	if key == "" || len(key) > 128 {
		return "", fmt.Errorf("[BAD_INPUT] key: must be 1 to 128 characters")
	}
	return ctx.GetStub().CreateCompositeKey(objectType, []string{key})
}
