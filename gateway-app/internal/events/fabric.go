package events

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// FabricSource reads a chaincode's events through the Fabric Gateway.
type FabricSource struct {
	// Peers gives the channel on the peer in use; it is asked at every
	// (re)connect, so the stream follows the ledger's failover to the
	// bank's other peer.
	Peers     Channels
	Identity  string // the identity that reads the stream
	Chaincode string
}

// Channels hands out the channel as seen by one of the bank's identities
// (ledger.Gateway).
type Channels interface {
	Network(identity string) (*client.Network, error)
}

// Events opens client.Network.ChaincodeEvents at the checkpoint: from its
// block, after its transaction.
func (s FabricSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	opts := []client.ChaincodeEventsOption{client.WithStartBlock(cp.Block)}
	if cp.TxID != "" {
		opts = append(opts, client.WithCheckpoint(cp))
	}
	network, err := s.Peers.Network(s.Identity)
	if err != nil {
		return nil, err
	}
	in, err := network.ChaincodeEvents(ctx, s.Chaincode, opts...)
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
