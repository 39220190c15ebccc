package stubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// An InvokeOption sets a property of one transaction proposal.
type InvokeOption func(*proposal)

type proposal struct {
	transient map[string][]byte
	at        *time.Time
	peerMSP   string
}

// Transient sets the proposal's transient data, returned by GetTransient.
func Transient(data map[string][]byte) InvokeOption {
	return func(p *proposal) { p.transient = data }
}

// At sets the transaction timestamp. Without it, transaction n of the World
// (counting from zero, whether or not it used At) is stamped StartTime + n
// seconds.
func At(t time.Time) InvokeOption {
	return func(p *proposal) { p.at = &t }
}

// OnPeer makes a peer of the given org endorse the proposal; by default a
// peer of the creator's org does. The peer's org decides which private data
// the chaincode can see: a peer of an org that is not a member of a
// collection holds only the hashes.
func OnPeer(mspID string) InvokeOption {
	return func(p *proposal) { p.peerMSP = mspID }
}

// Event is a chaincode event.
type Event struct {
	TxID    string
	Name    string
	Payload []byte
}

// Result is the outcome of one transaction: the chaincode response from
// endorsement and, once committed, its validation code.
type Result struct {
	TxID      string
	Timestamp time.Time

	// Status, Message and Payload are the chaincode's peer.Response.
	Status  int32
	Message string
	Payload []byte

	// Event is the transaction's chaincode event: the last one the
	// chaincode set, as Fabric keeps only that. It is nil if the chaincode
	// set none or the endorsement failed.
	Event *Event

	// Code is VALID when the transaction was committed;
	// MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT when another commit
	// changed what it read since endorsement; DUPLICATE_TXID when it was
	// committed before; NOT_VALIDATED when the endorsement failed (status
	// 400 or more), so no client would have submitted it.
	Code peer.TxValidationCode
}

// OK reports whether the chaincode succeeded and the transaction committed.
func (r Result) OK() bool {
	return r.Status < shim.ERRORTHRESHOLD && r.Code == peer.TxValidationCode_VALID
}

// Err returns nil if r.OK(), and otherwise an error that says why not.
func (r Result) Err() error {
	switch {
	case r.Status >= shim.ERRORTHRESHOLD:
		return fmt.Errorf("transaction %s: endorsement failed with status %d: %s", r.TxID, r.Status, r.Message)
	case r.Code != peer.TxValidationCode_VALID:
		return fmt.Errorf("transaction %s: invalidated at commit: %s", r.TxID, r.Code)
	}
	return nil
}

// Tx is a transaction that has been endorsed (simulated) but perhaps not
// yet committed. Endorse several and commit them in turn to see MVCC
// conflicts between concurrent transactions.
type Tx struct {
	stub      *stub
	response  *peer.Response
	committed bool
}

// TxID returns the transaction ID.
func (tx *Tx) TxID() string { return tx.stub.txID }

// PeerRequests is how many ledger requests the chaincode sent its peer
// while the transaction was simulated: one per read, write, metadata call
// or query opened (a multi-key read counts a request a key), as a Fabric
// 2.5 peer, which does not batch, receives them. Each is a round trip
// between the chaincode and the peer, so it is what a benchmark of a
// chunk of loans counts a row.
func (tx *Tx) PeerRequests() int { return tx.stub.requests }

// Endorsement returns the result of the simulation, before any commit; its
// Code is NOT_VALIDATED.
func (tx *Tx) Endorsement() Result {
	r := Result{
		TxID:      tx.stub.txID,
		Timestamp: tx.stub.timestamp.AsTime(),
		Status:    tx.response.GetStatus(),
		Message:   tx.response.GetMessage(),
		Payload:   tx.response.GetPayload(),
		Code:      peer.TxValidationCode_NOT_VALIDATED,
	}
	if ev := tx.stub.event; ev != nil && r.Status < shim.ERRORTHRESHOLD {
		r.Event = &Event{TxID: tx.stub.txID, Name: ev.EventName, Payload: ev.Payload}
	}
	return r
}

// Invoke endorses and commits one transaction: creator id calls function
// ("Contract:Function", as the contract API routes it) with string args.
// Writes reach the ledger only if the chaincode returns a status below 400,
// the endorser's threshold; otherwise nothing changes.
func (w *World) Invoke(id *Identity, function string, args []string, opts ...InvokeOption) Result {
	return w.Commit(w.Endorse(id, function, args, opts...))
}

// Endorse simulates one transaction against the committed ledger, as an
// endorsing peer does, without committing it.
func (w *World) Endorse(id *Identity, function string, args []string, opts ...InvokeOption) *Tx {
	if id == nil {
		panic("stubtest: Endorse: nil identity")
	}
	var p proposal
	for _, o := range opts {
		o(&p)
	}
	if p.peerMSP == "" {
		p.peerMSP = id.mspID
	}
	n := w.seq.Add(1) - 1
	ts := w.start.Add(time.Duration(n) * time.Second)
	if p.at != nil {
		ts = *p.at
	}
	nonce := txNonce(n)
	s := &stub{
		w:         w,
		txID:      txID(nonce, id.creator),
		nonce:     nonce,
		args:      invocationArgs(function, args),
		creator:   id,
		peerMSP:   p.peerMSP,
		transient: maps.Clone(p.transient),
		timestamp: timestamppb.New(ts),
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if !w.orgs[p.peerMSP] {
		panic(fmt.Sprintf("stubtest: OnPeer(%q): org is not on channel %s; name it with Orgs or create an identity of it", p.peerMSP, w.channelID))
	}
	resp := w.cc.Invoke(s)
	s.done = true
	if resp == nil {
		panic(fmt.Sprintf("stubtest: %s returned a nil *peer.Response", function))
	}
	return &Tx{stub: s, response: resp}
}

// Commit validates an endorsed transaction against the ledger as it is now
// and, if valid, applies its writes and records its event, in a block of its
// own. Fabric's checks run in Fabric's order: public reads (MVCC), range
// queries (phantoms), then private reads (MVCC).
func (w *World) Commit(tx *Tx) Result {
	r := tx.Endorsement()
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case tx.committed:
		r.Code = peer.TxValidationCode_DUPLICATE_TXID
		return r
	case r.Status >= shim.ERRORTHRESHOLD:
		return r
	}
	tx.committed = true
	w.height++
	r.Code = w.validate(tx.stub)
	if r.Code != peer.TxValidationCode_VALID {
		r.Event = nil
		return r
	}
	for k, pw := range tx.stub.writes {
		if k.collection == "" {
			w.public.apply(k.key, pw, w.height, false)
		} else {
			w.privateKeyspace(k.collection).apply(k.key, pw, w.height, true)
		}
	}
	if r.Event != nil {
		w.events = append(w.events, Event{TxID: r.Event.TxID, Name: r.Event.Name, Payload: bytes.Clone(r.Event.Payload)})
	}
	return r
}

// txNonce derives transaction n's 24-byte nonce: unique per transaction and
// the same in every run.
func txNonce(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	h := sha256.Sum256(append([]byte("stubtest nonce "), b[:]...))
	return h[:24]
}

// txID computes the transaction ID as Fabric clients do
// (protoutil.ComputeTxID): hex(SHA-256(nonce || creator)).
func txID(nonce, creator []byte) string {
	h := sha256.New()
	h.Write(nonce)
	h.Write(creator)
	return hex.EncodeToString(h.Sum(nil))
}

func invocationArgs(function string, args []string) [][]byte {
	out := make([][]byte, 0, len(args)+1)
	out = append(out, []byte(function))
	for _, a := range args {
		out = append(out, []byte(a))
	}
	return out
}

// validate is the MVCC check of Fabric's validator for a transaction
// committed alone in its block. The caller holds w.mu for writing.
func (w *World) validate(s *stub) peer.TxValidationCode {
	for k, v := range s.reads {
		if k.collection == "" && w.public.version(k.key) != v {
			return peer.TxValidationCode_MVCC_READ_CONFLICT
		}
	}
	for _, rr := range s.ranges {
		if !rr.unchanged(w.public) {
			return peer.TxValidationCode_PHANTOM_READ_CONFLICT
		}
	}
	for k, v := range s.reads {
		if k.collection != "" && w.private[k.collection].version(k.key) != v {
			return peer.TxValidationCode_MVCC_READ_CONFLICT
		}
	}
	return peer.TxValidationCode_VALID
}
