package store

import (
	"encoding/json"
	"fmt"
)

// Checkpoint is the event listener's position in the chain. The listener
// writes it in the same Update as the projections' writes for an event, so
// the two never disagree.
type Checkpoint struct {
	// Block is the block of the last applied event, or the start block
	// while nothing has been applied.
	Block uint64 `json:"block"`
	// TxID is the last applied transaction in Block ("" if none): Fabric
	// resumes a stream after it (client.WithCheckpoint).
	TxID string `json:"txId"`
	// Applied lists every transaction applied in Block, in order. A source
	// may deliver the start of a block again; these are skipped, and
	// len(Applied) is the next transaction's TxSeq.
	Applied []string `json:"applied,omitempty"`
	// Events counts the chaincode events applied since the start.
	Events uint64 `json:"events"`
}

// Fabric's Checkpoint interface (client.Checkpoint), so a Checkpoint can be
// passed to client.WithCheckpoint directly.

// BlockNumber is the block to resume from.
func (c Checkpoint) BlockNumber() uint64 { return c.Block }

// TransactionID is the last transaction processed in that block.
func (c Checkpoint) TransactionID() string { return c.TxID }

var (
	bucketListener = []byte("listener")
	keyCheckpoint  = []byte("chaincodeEvents")
)

// Checkpoint reads the checkpoint; found is false before the first event.
func (t txn) Checkpoint() (cp Checkpoint, found bool, err error) {
	b := t.tx.Bucket(bucketListener)
	if b == nil {
		return Checkpoint{}, false, nil
	}
	raw := b.Get(keyCheckpoint)
	if raw == nil {
		return Checkpoint{}, false, nil
	}
	if err := json.Unmarshal(raw, &cp); err != nil {
		return Checkpoint{}, false, fmt.Errorf("checkpoint: %w", err)
	}
	return cp, true, nil
}

// SetCheckpoint records the checkpoint.
func (t txn) SetCheckpoint(cp Checkpoint) error {
	b, err := t.tx.CreateBucketIfNotExists(bucketListener)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	return b.Put(keyCheckpoint, raw)
}
