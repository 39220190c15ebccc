package events

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// ChaincodeEventSource reads a chaincode's events through the Fabric Gateway.
type ChaincodeEventSource struct {
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
func (s ChaincodeEventSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
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
	return relay(ctx, in, func(ev *client.ChaincodeEvent) ([]RawEvent, bool) {
		return []RawEvent{{Block: ev.BlockNumber, TxID: ev.TransactionID, Chaincode: ev.ChaincodeName, Name: ev.EventName, Payload: ev.Payload}}, true
	}), nil
}

// relay turns a Fabric client's stream into raw events: each item becomes
// the events convert gives, until the stream or ctx ends or convert says
// stop. The client's channel is drained after, so its goroutine finishes.
func relay[T any](ctx context.Context, in <-chan T, convert func(T) (raws []RawEvent, ok bool)) <-chan RawEvent {
	out := make(chan RawEvent)
	go func() {
		defer close(out)
		defer func() {
			for range in {
			}
		}()
		for item := range in {
			raws, ok := convert(item)
			if !ok {
				return
			}
			for _, raw := range raws {
				select {
				case out <- raw:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
