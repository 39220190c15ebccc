package events

import (
	"encoding/json"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"
)

// Checkpoint is the listener's position in the chain. It is stored in the
// same bbolt transaction as the projections' writes for an event, so the
// two never disagree.
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

// seen reports whether the event at (block, txID) is at or before the checkpoint.
func (c Checkpoint) seen(block uint64, txID string) bool {
	return block < c.Block || block == c.Block && slices.Contains(c.Applied, txID)
}

// advance returns the checkpoint after applying (block, txID), and the
// transaction's TxSeq.
func (c Checkpoint) advance(block uint64, txID string) (Checkpoint, uint32) {
	next := Checkpoint{Block: block, TxID: txID, Events: c.Events + 1}
	if block == c.Block {
		next.Applied = append(slices.Clone(c.Applied), txID)
	} else {
		next.Applied = []string{txID}
	}
	return next, uint32(len(next.Applied) - 1)
}

var (
	bucketListener = []byte("listener")
	keyCheckpoint  = []byte("chaincodeEvents")
)

// LoadCheckpoint reads the checkpoint; found is false before the first event.
func LoadCheckpoint(tx *bbolt.Tx) (cp Checkpoint, found bool, err error) {
	b := tx.Bucket(bucketListener)
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

func saveCheckpoint(tx *bbolt.Tx, cp Checkpoint) error {
	b, err := tx.CreateBucketIfNotExists(bucketListener)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	return b.Put(keyCheckpoint, raw)
}
