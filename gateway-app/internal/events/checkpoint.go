package events

import (
	"slices"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// seen reports whether the event at (block, txID) is at or before the checkpoint.
func seen(c store.Checkpoint, block uint64, txID string) bool {
	return block < c.Block || block == c.Block && slices.Contains(c.Applied, txID)
}

// advance returns the checkpoint after applying (block, txID), and the
// transaction's TxSeq.
func advance(c store.Checkpoint, block uint64, txID string) (store.Checkpoint, uint32) {
	next := store.Checkpoint{Block: block, TxID: txID, Events: c.Events + 1}
	if block == c.Block {
		next.Applied = append(slices.Clone(c.Applied), txID)
	} else {
		next.Applied = []string{txID}
	}
	return next, uint32(len(next.Applied) - 1)
}
