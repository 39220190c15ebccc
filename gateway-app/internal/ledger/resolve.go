package ledger

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Bounds of resolving a lost commit status from the ledger: the
// transaction was handed to the orderers, so it commits within a few batch
// timeouts if it commits at all; past resolveTimeout the outcome stays
// unknown and is reported so.
var (
	resolvePoll    = 250 * time.Millisecond
	resolveTimeout = 20 * time.Second
)

// committed is what the ledger says about a transaction it holds.
type committed struct {
	code  peer.TxValidationCode
	block uint64
}

// errTxNotFound: the ledger has no transaction with that ID (yet).
var errTxNotFound = errors.New("transaction not on the ledger")

// resolveCommit finds out from the ledger what became of a submitted
// transaction whose commit status was lost (the status stream broke with
// the peer, or timed out while the orderers were slow), instead of
// answering "unknown": it asks the bank's peers (failing over as every
// call does) for the transaction by ID until it appears or resolveTimeout
// passes. It runs on a context of its own: the answer matters even when
// the client's request has given up, because the idempotency record keeps
// it. It returns errTxNotFound when the transaction is still not on the
// ledger, or the last error.
func (g *Gateway) resolveCommit(ctx context.Context, identity, txID string) (committed, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveTimeout)
	defer cancel()
	for {
		c, err := g.lookupTx(ctx, identity, txID)
		if err == nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return committed{}, err
		case <-time.After(resolvePoll):
		}
	}
}

// lookupTx asks qscc for the transaction's validation code
// (GetTransactionByID) and block (GetBlockByTxID).
func (g *Gateway) lookupTx(ctx context.Context, identity, txID string) (committed, error) {
	var rawTx, rawBlock []byte
	err := g.onPeers(identity, func(s *session) error {
		qscc := s.network.GetContract("qscc")
		var err error
		if rawTx, err = qscc.EvaluateWithContext(ctx, "GetTransactionByID", client.WithArguments(g.channel, txID)); err != nil {
			return err
		}
		rawBlock, err = qscc.EvaluateWithContext(ctx, "GetBlockByTxID", client.WithArguments(g.channel, txID))
		return err
	}, alwaysAgain)
	if err != nil {
		if txUnknown(err) {
			return committed{}, errTxNotFound
		}
		return committed{}, err
	}
	var tx peer.ProcessedTransaction
	if err := proto.Unmarshal(rawTx, &tx); err != nil {
		return committed{}, err
	}
	var block common.Block
	if err := proto.Unmarshal(rawBlock, &block); err != nil {
		return committed{}, err
	}
	return committed{code: peer.TxValidationCode(tx.GetValidationCode()), block: block.GetHeader().GetNumber()}, nil
}

// txUnknown recognises qscc's answer for a transaction ID its ledger does
// not hold ("no such transaction ID [...] in index").
func txUnknown(err error) bool {
	text := err.Error() + "\n" + detailsText(err)
	return strings.Contains(text, "no such transaction ID")
}

// TxOutcome is what the ledger says about a transaction ID.
type TxOutcome struct {
	Found bool // the ledger holds the transaction
	Valid bool
	// Code is the validation code's name (VALID, MVCC_READ_CONFLICT, ...).
	Code  string
	Block uint64
}

// TxStatus asks the bank's peers what became of a transaction (qscc), for
// a caller that recorded the ID before a crash.
func (g *Gateway) TxStatus(ctx context.Context, identity, txID string) (TxOutcome, error) {
	c, err := g.lookupTx(ctx, identity, txID)
	if errors.Is(err, errTxNotFound) {
		return TxOutcome{}, nil
	}
	if err != nil {
		return TxOutcome{}, classifyCall(err, "")
	}
	return TxOutcome{Found: true, Valid: c.code == peer.TxValidationCode_VALID, Code: c.code.String(), Block: c.block}, nil
}
