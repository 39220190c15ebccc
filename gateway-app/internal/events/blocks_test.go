package events

import (
	"reflect"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// endorserTx builds an endorser transaction's envelope as a peer commits
// it: a chaincode event (none when eventCC is "") and, in namespace ns, a
// hashed read-write set per collection (true: the collection was written).
func endorserTx(t *testing.T, txID, eventCC, ns string, collections map[string]bool) []byte {
	t.Helper()
	var hashed []*rwset.CollectionHashedReadWriteSet
	for name, wrote := range collections {
		c := &rwset.CollectionHashedReadWriteSet{CollectionName: name}
		if wrote {
			c.PvtRwsetHash = []byte{1, 2, 3}
		}
		hashed = append(hashed, c)
	}
	results := mustMarshal(t, &rwset.TxReadWriteSet{NsRwset: []*rwset.NsReadWriteSet{{Namespace: ns, CollectionHashedRwset: hashed}}})
	act := &peer.ChaincodeAction{Results: results}
	if eventCC != "" {
		act.Events = mustMarshal(t, &peer.ChaincodeEvent{ChaincodeId: eventCC, TxId: txID, EventName: eventCC, Payload: []byte(`{"n":"` + txID + `"}`)})
	}
	prp := mustMarshal(t, &peer.ProposalResponsePayload{Extension: mustMarshal(t, act)})
	cap := mustMarshal(t, &peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp}})
	tx := mustMarshal(t, &peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}})
	return envelopeOf(t, txID, common.HeaderType_ENDORSER_TRANSACTION, tx)
}

func envelopeOf(t *testing.T, txID string, typ common.HeaderType, data []byte) []byte {
	ch := mustMarshal(t, &common.ChannelHeader{Type: int32(typ), TxId: txID, ChannelId: "deals"})
	payload := mustMarshal(t, &common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: data})
	return mustMarshal(t, &common.Envelope{Payload: payload})
}

func pvtWrites(t *testing.T, ns, collection string, writes ...*kvrwset.KVWrite) *rwset.NsPvtReadWriteSet {
	return &rwset.NsPvtReadWriteSet{Namespace: ns, CollectionPvtRwset: []*rwset.CollectionPvtReadWriteSet{
		{CollectionName: collection, Rwset: mustMarshal(t, &kvrwset.KVRWSet{Writes: writes})}}}
}

func TestBlockEventsCarryTheirTransactionsPrivateWrites(t *testing.T) {
	const cc = "tranchenet"
	valid, invalid := byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_MVCC_READ_CONFLICT)
	block := &common.Block{
		Header: &common.BlockHeader{Number: 42},
		Data: &common.BlockData{Data: [][]byte{
			// 0: a settlement: its bank's registry came, another's did
			// not, compliance was only read.
			endorserTx(t, "t0", cc, cc, map[string]bool{"registryOrg2MSP": true, "registryOrg3MSP": true, "compliance": false}),
			// 1: the same, invalidated at commit: no event.
			endorserTx(t, "t1", cc, cc, map[string]bool{"registryOrg2MSP": true}),
			// 2: another chaincode's event.
			endorserTx(t, "t2", "plaintoken", "plaintoken", nil),
			// 3: no event at all.
			endorserTx(t, "t3", "", cc, nil),
			// 4: a configuration transaction.
			envelopeOf(t, "t4", common.HeaderType_CONFIG, []byte("config")),
			// 5: an event with no private data written.
			endorserTx(t, "t5", cc, cc, nil),
		}},
		Metadata: &common.BlockMetadata{Metadata: [][]byte{nil, nil, {valid, invalid, valid, valid, valid, valid}}},
	}
	b := &peer.BlockAndPrivateData{Block: block, PrivateDataMap: map[uint64]*rwset.TxPvtReadWriteSet{
		0: {NsPvtRwset: []*rwset.NsPvtReadWriteSet{
			pvtWrites(t, cc, "registryOrg2MSP", &kvrwset.KVWrite{Key: "\x00pos\x00A\x00h\x00", Value: []byte(`{"units":5}`)},
				&kvrwset.KVWrite{Key: "\x00cash\x00h\x00", IsDelete: true}),
			pvtWrites(t, "othercc", "registryOrg2MSP", &kvrwset.KVWrite{Key: "other", Value: []byte("x")}),
		}},
		1: {NsPvtRwset: []*rwset.NsPvtReadWriteSet{pvtWrites(t, cc, "registryOrg2MSP", &kvrwset.KVWrite{Key: "k", Value: []byte("v")})}},
	}}
	raws, err := BlockEvents(b, cc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 2 || raws[0].TxID != "t0" || raws[1].TxID != "t5" {
		t.Fatalf("events %+v: want t0 and t5 (valid, this chaincode's)", raws)
	}
	r := raws[0]
	if r.Block != 42 || r.Chaincode != cc || r.Name != cc || string(r.Payload) != `{"n":"t0"}` {
		t.Fatalf("event %+v", r)
	}
	want := &PrivateData{
		Writes: []PrivateWrite{
			{Collection: "registryOrg2MSP", Key: "\x00pos\x00A\x00h\x00", Value: []byte(`{"units":5}`)},
			{Collection: "registryOrg2MSP", Key: "\x00cash\x00h\x00", Deleted: true},
		},
		Missing: []string{"registryOrg3MSP"},
	}
	if !reflect.DeepEqual(r.Private, want) {
		t.Fatalf("private data %+v, want %+v", r.Private, want)
	}
	if w, wrote, known := r.Private.Wrote("registryOrg2MSP", "\x00pos\x00A\x00h\x00"); !known || !wrote || string(w.Value) != `{"units":5}` {
		t.Fatalf("Wrote(position) = %+v %v %v", w, wrote, known)
	}
	if _, wrote, known := r.Private.Wrote("registryOrg2MSP", "\x00pos\x00B\x00h\x00"); !known || wrote {
		t.Fatal("a key of a collection that came, not written: known and unchanged")
	}
	if _, _, known := r.Private.Wrote("registryOrg3MSP", "\x00pos\x00A\x00x\x00"); known {
		t.Fatal("a collection written whose data did not come: unknown")
	}
	if p := raws[1].Private; p == nil || len(p.Writes) != 0 || len(p.Missing) != 0 {
		t.Fatalf("t5 private data %+v: came, and empty", p)
	}
	if _, _, known := (*PrivateData)(nil).Wrote("registryOrg2MSP", "k"); known {
		t.Fatal("no private data (a chaincode event stream): unknown")
	}

	// Kept: only the collections asked for; one dropped is not missing.
	kept, err := BlockEvents(b, cc, func(c string) bool { return c == "compliance" })
	if err != nil || len(kept) != 2 || len(kept[0].Private.Writes) != 0 || !reflect.DeepEqual(kept[0].Private.Missing, []string{"registryOrg3MSP"}) {
		t.Fatalf("kept %+v %v", kept, err)
	}

	// Unpack shares the transaction's private data with its events.
	evs, err := Unpack(r, 0)
	if err != nil || len(evs) != 1 || evs[0].Private != r.Private {
		t.Fatalf("unpacked %+v %v", evs, err)
	}
	// A reconnect at the checkpoint's block skips what was applied.
	if got := afterCheckpoint(raws, store.Checkpoint{Block: 42, TxID: "t0"}); len(got) != 1 || got[0].TxID != "t5" {
		t.Fatalf("after checkpoint t0: %+v", got)
	}
	if got := afterCheckpoint(raws, store.Checkpoint{Block: 42}); len(got) != 2 {
		t.Fatalf("from block 42 with no transaction applied: %+v", got)
	}
}

func TestBlockEventsRefuseAnUnreadableTransaction(t *testing.T) {
	b := &peer.BlockAndPrivateData{Block: &common.Block{Header: &common.BlockHeader{Number: 7},
		Data:     &common.BlockData{Data: [][]byte{[]byte("not a protobuf envelope")}},
		Metadata: &common.BlockMetadata{Metadata: [][]byte{nil, nil, {byte(peer.TxValidationCode_VALID)}}}}}
	if _, err := BlockEvents(b, "tranchenet", nil); err == nil {
		t.Fatal("an unreadable envelope must stop the stream, not be skipped")
	}
}
