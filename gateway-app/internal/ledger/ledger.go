// Package ledger is the gateway app's thin wrapper over the Fabric Gateway
// client: one gRPC connection to the bank's peer, one client.Gateway per
// Fabric identity of the bank, evaluate and submit by identity name, and
// every failure turned into an *Error that says what the REST layer needs:
// the chaincode's refusal code, whether a retry may succeed, and the
// transaction ID.
//
// Handlers depend on the Ledger interface, so they are tested with a fake.
package ledger

import (
	"context"
	"crypto/x509"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Ledger evaluates and submits chaincode transactions as one of the bank's
// identities, named as in the configuration.
type Ledger interface {
	// Evaluate runs a query on the bank's peer (nothing is ordered).
	Evaluate(ctx context.Context, identity string, tx Tx) (Result, error)
	// Submit endorses, orders and waits for the commit. It returns once the
	// transaction is committed valid; an invalid transaction is an *Error.
	Submit(ctx context.Context, identity string, tx Tx) (Result, error)
}

// Tx is one chaincode transaction.
type Tx struct {
	// Fn is "Contract:Function", e.g. "Probe:PutPublic".
	Fn   string
	Args []string
	// Transient carries private inputs: they reach the endorsing peers but
	// never the ledger.
	Transient map[string][]byte
	// Endorsers are the MSP IDs whose peers must endorse (Submit) or answer
	// (Evaluate); empty lets the Fabric Gateway choose.
	Endorsers []string
	// OnTxID, when set, is told each transaction ID Submit proposes, before
	// the proposal leaves the app (re-proposals and failovers get new
	// IDs): whoever must find out later whether the write reached the
	// ledger (the idempotency layer, after a crash) records it.
	OnTxID func(txID string)
}

// Result is a transaction's outcome.
type Result struct {
	Payload []byte // the chaincode's return value
	TxID    string
	Block   uint64 // block that committed the transaction (Submit only)
	// Reproposals says, once per re-proposal, why the endorsers'
	// results differed (a peer behind another's block; Submit proposes
	// again, bounded): logged with the call.
	Reproposals []string
}

// IdentityInfo describes one of the bank's identities, computed locally
// from its certificate.
type IdentityInfo struct {
	Name        string // configuration name ("Admin", "User1")
	Certificate *x509.Certificate
	// ID is the identity as the chaincode knows it: MSP ID and the hash of
	// the certificate's subject and issuer.
	ID roles.Identity
	// Admin is true when the certificate carries the admin NodeOU.
	Admin bool
}
