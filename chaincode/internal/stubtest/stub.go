package stubtest

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// stub is the shim.ChaincodeStubInterface of one transaction simulation.
//
// It embeds the interface, left nil, so that a method that stubtest does
// not implement (one added by a later shim, say) panics at once instead of
// returning a plausible zero value. Every method of fabric-chaincode-go
// v2.3.0 is implemented.
type stub struct {
	shim.ChaincodeStubInterface

	w         *World
	txID      string
	nonce     []byte
	args      [][]byte
	creator   *Identity
	peerMSP   string
	transient map[string][]byte
	timestamp *timestamppb.Timestamp
	event     *peer.ChaincodeEvent

	// The transaction's write set, applied only at a valid commit. Reads
	// never consult it: Fabric does not let a transaction read its own
	// writes.
	writes map[nsKey]*pendingWrite

	// requests counts the ledger requests the chaincode made (Tx.PeerRequests).
	requests int

	// The read set, checked at commit: the version first read of each key
	// (collection "" is the world state, others are private keys read by
	// hash), and the public range queries.
	reads  map[nsKey]uint64
	ranges []rangeRead

	// The simulator's restrictions on mixing writes with private data
	// queries and paginated queries (tx_simulator.go).
	writePerformed   bool
	privateQueried   bool
	paginatedQueried bool

	// done is set when the chaincode has returned; later calls fail.
	done bool
}

// nsKey names a key in the world state (collection "") or in a collection.
type nsKey struct{ collection, key string }

type writeOp uint8

const (
	opNone   writeOp = iota // only the validation parameter is written
	opPut                   // upsert value
	opDelete                // delete value and its metadata
	opPurge                 // delete, and remove it from private history too
)

// pendingWrite is one key of the write set. As in Fabric's write set, the
// last value write wins, and a validation-parameter write is kept beside
// it rather than replacing it.
type pendingWrite struct {
	op                      writeOp
	value                   []byte
	setsValidationParameter bool
	validationParameter     []byte
}

// Errors and limits of the shim and the peer, with Fabric's wording so that
// contract tests may match on it.
const (
	// totalQueryLimit is ledger.state.totalQueryLimit of Fabric's sample
	// core.yaml: range queries return at most this many results.
	totalQueryLimit = 100000
	// notSupported ends the error of every API the stub does not model.
	notSupported = "is not supported by stubtest"
)

var errEmptyCollection = errors.New("collection must not be an empty string")

// peerError wraps an error as the peer's chaincode handler returns it to the
// shim ("GET_STATE failed: transaction ID: <id>: <cause>").
func (s *stub) peerError(msgType string, cause error) error {
	return fmt.Errorf("%s failed: transaction ID: %s: %w", msgType, s.txID, cause)
}

// checkActive refuses ledger calls made after the chaincode returned, for
// example from a leaked goroutine or iterator; the peer has closed the
// transaction's simulator by then.
func (s *stub) checkActive(msgType string) error {
	if s.done {
		return s.peerError(msgType, errors.New("no ledger context: the transaction has completed"))
	}
	s.requests++
	return nil
}

// mustUTF8 panics when a string that the shim sends in a proto3 string field
// is not valid UTF-8: the real shim's marshalOrPanic panics there too,
// crashing the chaincode, and a test should see that as loudly.
func mustUTF8(method, what, s string) {
	if !utf8.ValidString(s) {
		panic(fmt.Sprintf("stubtest: %s: %s %q is not valid UTF-8; the Fabric shim panics here (failed to marshal message)", method, what, s))
	}
}

// beforeWrite applies the simulator's write preconditions: no write after a
// private data query or a paginated query.
func (s *stub) beforeWrite(msgType string) error {
	if s.privateQueried {
		return s.peerError(msgType, fmt.Errorf("txid [%s]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed", s.txID))
	}
	if s.paginatedQueried {
		return s.peerError(msgType, fmt.Errorf("txid [%s]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed", s.txID))
	}
	s.writePerformed = true
	return nil
}

// beforePrivateQuery: private range queries only in read-only transactions.
// ("unsuppored" is Fabric's spelling.)
func (s *stub) beforePrivateQuery(msgType string) error {
	if s.writePerformed {
		return s.peerError(msgType, fmt.Errorf("txid [%s]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction", s.txID))
	}
	s.privateQueried = true
	return nil
}

// beforePaginatedQuery: paginated queries only in read-only transactions.
func (s *stub) beforePaginatedQuery(msgType string) error {
	if s.writePerformed {
		return s.peerError(msgType, fmt.Errorf("txid [%s]: unsuppored transaction. Paginated queries are supported only in a read-only transaction", s.txID))
	}
	s.paginatedQueried = true
	return nil
}

func (s *stub) pendingWrite(collection, key string) *pendingWrite {
	if s.writes == nil {
		s.writes = map[nsKey]*pendingWrite{}
	}
	k := nsKey{collection, key}
	pw := s.writes[k]
	if pw == nil {
		pw = &pendingWrite{}
		s.writes[k] = pw
	}
	return pw
}

// recordPut buffers a value write; an empty value is a delete, as in
// Fabric's write set (IsDelete is len(value) == 0).
func (s *stub) recordPut(collection, key string, value []byte) {
	pw := s.pendingWrite(collection, key)
	if len(value) == 0 {
		pw.op, pw.value = opDelete, nil
		return
	}
	pw.op, pw.value = opPut, bytes.Clone(value)
}

func (s *stub) recordDelete(collection, key string, op writeOp) {
	pw := s.pendingWrite(collection, key)
	pw.op, pw.value = op, nil
}

func (s *stub) recordValidationParameter(collection, key string, ep []byte) {
	pw := s.pendingWrite(collection, key)
	pw.setsValidationParameter, pw.validationParameter = true, bytes.Clone(ep)
}

// recordRead keeps the first version read of a key, as Fabric's read set
// does.
func (s *stub) recordRead(collection, key string, e *entry) {
	if s.reads == nil {
		s.reads = map[nsKey]uint64{}
	}
	k := nsKey{collection, key}
	if _, ok := s.reads[k]; !ok {
		s.reads[k] = versionOf(e)
	}
}

func versionOf(e *entry) uint64 {
	if e == nil {
		return 0
	}
	return e.version
}

func valueOf(e *entry) []byte {
	if e == nil {
		return nil
	}
	return bytes.Clone(e.value)
}

// ---- Transaction context ----

func (s *stub) GetArgs() [][]byte { return s.args }

func (s *stub) GetStringArgs() []string {
	out := make([]string, len(s.args))
	for i, a := range s.args {
		out[i] = string(a)
	}
	return out
}

func (s *stub) GetFunctionAndParameters() (string, []string) {
	all := s.GetStringArgs()
	if len(all) == 0 {
		return "", []string{}
	}
	return all[0], all[1:]
}

func (s *stub) GetArgsSlice() ([]byte, error) { return bytes.Join(s.args, nil), nil }

func (s *stub) GetTxID() string { return s.txID }

func (s *stub) GetChannelID() string { return s.w.channelID }

func (s *stub) GetCreator() ([]byte, error) { return s.creator.Creator(), nil }

func (s *stub) GetTransient() (map[string][]byte, error) { return s.transient, nil }

func (s *stub) GetDecorations() map[string][]byte { return nil }

func (s *stub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	return &timestamppb.Timestamp{Seconds: s.timestamp.Seconds, Nanos: s.timestamp.Nanos}, nil
}

// SetEvent replaces any earlier event of the transaction: Fabric keeps one.
func (s *stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.event = &peer.ChaincodeEvent{EventName: name, Payload: bytes.Clone(payload)}
	return nil
}

// InvokeChaincode is not modelled: the project's chaincode is one
// chaincode, and chaincode-to-chaincode calls would need a second World.
func (s *stub) InvokeChaincode(name string, _ [][]byte, _ string) *peer.Response {
	return shim.Error(fmt.Sprintf("InvokeChaincode(%q) %s", name, notSupported))
}

// StartWriteBatch and FinishWriteBatch only change how the real shim ships
// writes to the peer; every write is buffered here anyway.
func (s *stub) StartWriteBatch() {}

func (s *stub) FinishWriteBatch() error { return nil }
