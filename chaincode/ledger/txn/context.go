// Package txn is the thin shell every tranchenet contract stands on: it
// resolves who is calling (MSP, identity, roles), gives the transaction's
// time, reads and writes canonical JSON in public and private state, and
// collects the transaction's events into one versioned envelope (Fabric
// keeps only one chaincode event per transaction).
//
// A contract embeds Base, takes *txn.Context in its functions, and starts
// each function with ctx.Require(role...), so the caller is checked before
// anything is read:
//
//	func (c *Contract) Pause(ctx *txn.Context, trancheID string) error {
//		if _, err := ctx.Require(roles.Trustee); err != nil {
//			return err
//		}
//		...
//	}
//
// The ledger's books (package ledger/...) decide in pure functions and hand
// their writes back as Write values; Apply lands them, so every book write
// goes through one place.
//
// txn is the bottom of the chaincode's Fabric side: it may import Fabric's
// contract API and chaincode packages and chaincode/core; never schema, the
// ledger's books or the contracts.
package txn

import (
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Context is the transaction context of every tranchenet contract.
type Context struct {
	contractapi.TransactionContext

	caller *Caller // resolved on first use
	config *roles.OrgConfig
	events []Event
}

// Caller is the resolved submitter of the transaction.
type Caller struct {
	roles.Caller
	Grants roles.Grants
}

// Has reports whether the caller holds role r.
func (c *Caller) Has(r roles.Role) bool { return c.Grants.Has(r) }

// Config returns the consortium configuration recorded by Admin:Init.
func (c *Context) Config() (roles.OrgConfig, error) {
	if c.config != nil {
		return *c.config, nil
	}
	var cfg roles.OrgConfig
	found, err := configs.Get(c, ConfigKey, &cfg)
	if err != nil {
		return roles.OrgConfig{}, err
	}
	if !found {
		return roles.OrgConfig{}, errs.New(errs.WrongState, "the consortium is not initialised: an org admin must call Admin:Init first")
	}
	c.config = &cfg
	return cfg, nil
}

// ConfigKey holds the consortium configuration in public state.
const ConfigKey = "config"

// configs caches the decoded configuration (Cached): every transaction
// reads it, governance alone changes it. Org is all values, so copying
// the list copies everything.
var configs = NewCached(func(c roles.OrgConfig) roles.OrgConfig {
	c.Orgs = slices.Clone(c.Orgs)
	return c
})

// Identity returns the submitter's identity without resolving roles (works
// before Admin:Init).
func (c *Context) Identity() (roles.Caller, error) {
	ci := c.GetClientIdentity()
	if ci == nil {
		return roles.Caller{}, errs.New(errs.Unauthenticated, "no client identity in the proposal")
	}
	msp, err := ci.GetMSPID()
	if err != nil {
		return roles.Caller{}, errs.New(errs.Unauthenticated, "creator MSP: %v", err)
	}
	cert, err := ci.GetX509Certificate()
	if err != nil || cert == nil {
		return roles.Caller{}, errs.New(errs.Unauthenticated, "creator is not an X.509 identity")
	}
	attr, _, err := ci.GetAttributeValue(roles.RoleAttribute)
	if err != nil {
		return roles.Caller{}, errs.New(errs.Unauthenticated, "creator attributes: %v", err)
	}
	return roles.NewCaller(msp, cert, attr), nil
}

// Caller resolves the submitter's roles: NodeOU admin, on-chain grants and
// the tranchenet.role certificate attribute, limited to what the caller's
// organisation may hold.
func (c *Context) Caller() (*Caller, error) {
	if c.caller != nil {
		return c.caller, nil
	}
	rc, err := c.Identity()
	if err != nil {
		return nil, err
	}
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	var onChain roles.Set
	if _, err := c.Get(RoleKey(c, rc.Identity), &onChain); err != nil {
		return nil, err
	}
	g, err := roles.Resolve(rc, onChain, cfg)
	if err != nil {
		return nil, err
	}
	c.caller = &Caller{Caller: rc, Grants: g}
	return c.caller, nil
}

// Require resolves the caller and checks it holds at least one of anyOf.
func (c *Context) Require(anyOf ...roles.Role) (*Caller, error) {
	caller, err := c.Caller()
	if err != nil {
		return nil, err
	}
	if err := caller.Grants.Require(anyOf...); err != nil {
		return nil, err
	}
	return caller, nil
}

// RoleKey is where an identity's on-chain role grants live.
func RoleKey(c *Context, id roles.Identity) string {
	return c.MustKey("role", id.MSP, id.ID)
}

// Now is the transaction's timestamp (set by the client and checked by the
// peer), the only clock chaincode may use: every endorser sees the same one.
func (c *Context) Now() (time.Time, error) {
	ts, err := c.GetStub().GetTxTimestamp()
	if err != nil {
		return time.Time{}, errs.New(errs.Internal, "transaction timestamp: %v", err)
	}
	return ts.AsTime().UTC(), nil
}

// TxID is the transaction ID.
func (c *Context) TxID() string { return c.GetStub().GetTxID() }

// Transient returns a required transient field (private inputs never travel
// in the arguments, which every channel member can read).
func (c *Context) Transient(field string) ([]byte, error) {
	tm, err := c.GetStub().GetTransient()
	if err != nil {
		return nil, errs.New(errs.Internal, "transient map: %v", err)
	}
	v, ok := tm[field]
	if !ok || len(v) == 0 {
		return nil, errs.Field(field, "required in the transient map (private inputs never go in the arguments)")
	}
	return v, nil
}

// compile-time check that Context satisfies the contract API's interface.
var _ contractapi.SettableTransactionContextInterface = (*Context)(nil)
