package txn

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// Base is embedded by every tranchenet contract: it installs Context as the
// transaction context and sends the collected events after a successful
// transaction.
type Base struct {
	contractapi.Contract
}

// NewBase names a contract and wires the context and event flushing.
func NewBase(name, description string) Base {
	b := Base{}
	b.Name = name
	b.Info.Title = name
	b.Info.Description = description
	b.TransactionContextHandler = new(Context)
	b.AfterTransaction = afterTransaction
	return b
}

// afterTransaction runs only when the transaction function succeeded.
func afterTransaction(ctx *Context) error { return ctx.flush() }
