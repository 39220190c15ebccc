package events

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// BlockSource reads a chaincode's events from the channel's blocks with
// their private data (client.Network.BlockAndPrivateDataEvents), so each
// event comes with the private writes of its transaction that this bank's
// peer holds: the positions, cash and settlement terms of the bank's own
// clients, which the read model would otherwise ask the peer for after
// every block (issue 17: those reads cost the network a quarter of its
// settlement throughput). The peer sends a collection's writes only to an
// identity of a member organisation, so nothing of another bank's comes
// with them.
//
// The identity must be allowed to read blocks (the channel's Readers) and
// be of the bank's organisation. A bank that uploads loan tapes receives
// their chunks too (the loanTape collection): larger blocks, which the
// listener decodes and drops.
type BlockSource struct {
	Peers     Channels
	Identity  string
	Chaincode string
	// Keep says which collections' writes to hand on (nil: all). The
	// rest are dropped undecoded: a servicer's stream brings every loan
	// tape and report chunk it uploads, a thousand loans each, which a
	// batch of events must not hold in memory for nothing.
	Keep func(collection string) bool
	// Logger reports a block the source cannot read before it ends the
	// stream (the listener sees only the stream's end).
	Logger *slog.Logger
}

// Events opens the block stream at the checkpoint's block and delivers the
// chaincode's events after the checkpoint's transaction.
func (s BlockSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	network, err := s.Peers.Network(s.Identity)
	if err != nil {
		return nil, err
	}
	in, err := network.BlockAndPrivateDataEvents(ctx, client.WithStartBlock(cp.Block))
	if err != nil {
		return nil, err
	}
	first := true
	return relay(ctx, in, func(b *peer.BlockAndPrivateData) ([]RawEvent, bool) {
		raws, err := BlockEvents(b, s.Chaincode, s.Keep)
		if err != nil {
			// A block this gateway cannot read: end the stream, so the
			// listener retries from the checkpoint rather than skip the
			// block's events.
			if s.Logger != nil {
				s.Logger.Error("block not readable; reopening the stream", "error", err.Error())
			}
			return nil, false
		}
		if first {
			raws, first = afterCheckpoint(raws, cp), false
		}
		return raws, true
	}), nil
}

// afterCheckpoint drops the events of the checkpoint's block up to and
// including its transaction: the listener applied them.
func afterCheckpoint(raws []RawEvent, cp store.Checkpoint) []RawEvent {
	if cp.TxID == "" {
		return raws
	}
	for i, raw := range raws {
		if raw.Block == cp.Block && raw.TxID == cp.TxID {
			return raws[i+1:]
		}
	}
	return raws
}

// BlockEvents returns the chaincode events of a block's valid
// transactions, in order, each with its transaction's private data in the
// chaincode's namespace as far as it came with the block: what
// client.Network.ChaincodeEvents would give, plus Private, with the
// writes of the collections keep accepts (nil: all).
func BlockEvents(b *peer.BlockAndPrivateData, chaincode string, keep func(collection string) bool) ([]RawEvent, error) {
	block := b.GetBlock()
	if block.GetHeader() == nil {
		return nil, fmt.Errorf("block without a header")
	}
	number := block.GetHeader().GetNumber()
	var filter []byte
	if md := block.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	var out []RawEvent
	for seq, envBytes := range block.GetData().GetData() {
		if seq >= len(filter) || peer.TxValidationCode(filter[seq]) != peer.TxValidationCode_VALID {
			continue // Fabric sends no event of an invalid transaction
		}
		tx, err := readTransaction(envBytes, chaincode)
		if err != nil {
			return nil, fmt.Errorf("block %d transaction %d: %w", number, seq, err)
		}
		if tx.event == nil || tx.event.GetChaincodeId() != chaincode {
			continue
		}
		private, err := privateData(b.GetPrivateDataMap()[uint64(seq)], chaincode, tx.collections, keep)
		if err != nil {
			return nil, fmt.Errorf("block %d transaction %s: private data: %w", number, tx.id, err)
		}
		out = append(out, RawEvent{Block: number, TxID: tx.id, Chaincode: tx.event.GetChaincodeId(), Name: tx.event.GetEventName(),
			Payload: tx.event.GetPayload(), Private: private})
	}
	return out, nil
}

// transaction is what the listener needs of an endorser transaction.
type transaction struct {
	id string
	// event is the chaincode event its endorsers' simulation set, nil
	// when it set none or the envelope is not an endorser transaction
	// (a configuration block's).
	event *peer.ChaincodeEvent
	// collections are the private data collections of the chaincode's
	// namespace it wrote, from the public (hashed) read-write set.
	collections []string
}

// readTransaction unwraps an envelope down to its chaincode action.
func readTransaction(envBytes []byte, chaincode string) (transaction, error) {
	var env common.Envelope
	if err := proto.Unmarshal(envBytes, &env); err != nil {
		return transaction{}, fmt.Errorf("envelope: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return transaction{}, fmt.Errorf("payload: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return transaction{}, fmt.Errorf("channel header: %w", err)
	}
	tx := transaction{id: ch.GetTxId()}
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return tx, nil
	}
	var body peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &body); err != nil {
		return tx, fmt.Errorf("transaction: %w", err)
	}
	for _, action := range body.GetActions() {
		var cap peer.ChaincodeActionPayload
		if err := proto.Unmarshal(action.GetPayload(), &cap); err != nil {
			return tx, fmt.Errorf("chaincode action payload: %w", err)
		}
		var prp peer.ProposalResponsePayload
		if err := proto.Unmarshal(cap.GetAction().GetProposalResponsePayload(), &prp); err != nil {
			return tx, fmt.Errorf("proposal response payload: %w", err)
		}
		var act peer.ChaincodeAction
		if err := proto.Unmarshal(prp.GetExtension(), &act); err != nil {
			return tx, fmt.Errorf("chaincode action: %w", err)
		}
		if len(act.GetEvents()) == 0 {
			continue
		}
		tx.event = new(peer.ChaincodeEvent)
		if err := proto.Unmarshal(act.GetEvents(), tx.event); err != nil {
			return tx, fmt.Errorf("chaincode event: %w", err)
		}
		var results rwset.TxReadWriteSet
		if err := proto.Unmarshal(act.GetResults(), &results); err != nil {
			return tx, fmt.Errorf("read-write set: %w", err)
		}
		for _, ns := range results.GetNsRwset() {
			if ns.GetNamespace() != chaincode {
				continue
			}
			for _, coll := range ns.GetCollectionHashedRwset() {
				// Fabric hashes a collection's private writes into
				// PvtRwsetHash; a collection only read has none.
				if len(coll.GetPvtRwsetHash()) > 0 {
					tx.collections = append(tx.collections, coll.GetCollectionName())
				}
			}
		}
		return tx, nil
	}
	return tx, nil
}

// privateData flattens a transaction's private writes in one namespace
// (of the collections keep accepts) and names the collections it wrote
// (written) whose writes are not there.
func privateData(tx *rwset.TxPvtReadWriteSet, namespace string, written []string, keep func(string) bool) (*PrivateData, error) {
	pd := &PrivateData{}
	got := map[string]bool{}
	for _, ns := range tx.GetNsPvtRwset() {
		if ns.GetNamespace() != namespace {
			continue
		}
		for _, coll := range ns.GetCollectionPvtRwset() {
			got[coll.GetCollectionName()] = true
			if keep != nil && !keep(coll.GetCollectionName()) {
				continue
			}
			var kv kvrwset.KVRWSet
			if err := proto.Unmarshal(coll.GetRwset(), &kv); err != nil {
				return nil, fmt.Errorf("collection %s: %w", coll.GetCollectionName(), err)
			}
			for _, w := range kv.GetWrites() {
				pd.Writes = append(pd.Writes, PrivateWrite{Collection: coll.GetCollectionName(), Key: w.GetKey(), Value: w.GetValue(), Deleted: w.GetIsDelete()})
			}
		}
	}
	for _, c := range written {
		if !got[c] {
			pd.Missing = append(pd.Missing, c)
		}
	}
	return pd, nil
}
