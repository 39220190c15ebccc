package events

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// FabricSource reads a chaincode's events through the Fabric Gateway.
type FabricSource struct {
	Network   *client.Network
	Chaincode string
}

// Events opens client.Network.ChaincodeEvents at the checkpoint: from its
// block, after its transaction.
func (s FabricSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	opts := []client.ChaincodeEventsOption{client.WithStartBlock(cp.Block)}
	if cp.TxID != "" {
		opts = append(opts, client.WithCheckpoint(cp))
	}
	in, err := s.Network.ChaincodeEvents(ctx, s.Chaincode, opts...)
	if err != nil {
		return nil, err
	}
	out := make(chan RawEvent)
	go func() {
		defer close(out)
		defer func() {
			for range in { // let the client's goroutine finish
			}
		}()
		for ev := range in {
			select {
			case out <- RawEvent{Block: ev.BlockNumber, TxID: ev.TransactionID, Chaincode: ev.ChaincodeName, Name: ev.EventName, Payload: ev.Payload}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
