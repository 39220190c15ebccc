package contracttest

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

// ShimCalls counts what the contracts ask of the peer: on a real peer
// every read, write, policy read or write and range query is a round trip
// between chaincode and peer, and every key written costs every peer at
// validation and commit (a private key also dissemination and the
// collection's checks). Tests pin the counts of a transaction so that an
// extra read or write shows as a failing test, not as a slower network.
//
//	calls := new(contracttest.ShimCalls)
//	w := contracttest.NewObserved(t, calls.Wrap)
//	got := calls.During(func() { w.Must(alice, "Token:Transfer", ...) })
type ShimCalls struct {
	mu       sync.Mutex
	counting bool
	proposal []*ShimCount // one per simulated proposal while counting
}

// ShimCount is what one proposal asked of its peer.
type ShimCount struct {
	// Calls by shim method name (GetState, PutPrivateData, …); a range
	// query counts once under its method and its results under
	// "<method> results".
	Calls map[string]int
	// PublicKeys and PrivateKeys are the distinct keys written (value or
	// key-level policy): the transaction's write set.
	PublicKeys, PrivateKeys int
	// Reads are the keys read, in order ("collection:" before a private
	// one), for a failure message that says which read is new.
	Reads []string

	written map[string]bool
}

// Wrap is the chaincode wrapper NewObserved takes.
func (s *ShimCalls) Wrap(cc shim.Chaincode) shim.Chaincode { return countingChaincode{cc, s} }

// During runs f and returns the counts of the first proposal it
// simulated (for a transaction endorsed on several peers, every peer's
// simulation asks the same); it fails if f simulated none.
func (s *ShimCalls) During(f func()) ShimCount {
	s.mu.Lock()
	s.counting, s.proposal = true, nil
	s.mu.Unlock()
	f()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counting = false
	if len(s.proposal) == 0 {
		panic("contracttest: ShimCalls.During: no proposal was simulated")
	}
	return *s.proposal[0]
}

// String lists the counts in method order, e.g. "GetState 3, PutPrivateData 2; keys written: 0 public, 2 private".
func (c ShimCount) String() string {
	var parts []string
	for _, m := range sortedKeys(c.Calls) {
		parts = append(parts, fmt.Sprintf("%s %d", m, c.Calls[m]))
	}
	return fmt.Sprintf("%s; keys written: %d public, %d private", strings.Join(parts, ", "), c.PublicKeys, c.PrivateKeys)
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// printable shows a composite key's separators as "~".
func printable(key string) string {
	return strings.Trim(strings.ReplaceAll(key, "\x00", "~"), "~")
}

func (s *ShimCalls) start() *ShimCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.counting {
		return nil
	}
	c := &ShimCount{Calls: map[string]int{}, written: map[string]bool{}}
	s.proposal = append(s.proposal, c)
	return c
}

type countingChaincode struct {
	cc    shim.Chaincode
	calls *ShimCalls
}

func (c countingChaincode) Init(stub shim.ChaincodeStubInterface) *peer.Response {
	return c.cc.Init(stub)
}

func (c countingChaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	n := c.calls.start()
	if n == nil {
		return c.cc.Invoke(stub)
	}
	return c.cc.Invoke(&countingStub{ChaincodeStubInterface: stub, n: n})
}

// countingStub counts the calls that reach the peer and passes them on.
// A simulation runs on one goroutine, so it needs no lock.
type countingStub struct {
	shim.ChaincodeStubInterface
	n *ShimCount
}

func (s *countingStub) wrote(collection, key string) {
	k := collection + "\x00" + key
	if s.n.written[k] {
		return
	}
	s.n.written[k] = true
	if collection == "" {
		s.n.PublicKeys++
	} else {
		s.n.PrivateKeys++
	}
}

func (s *countingStub) GetState(key string) ([]byte, error) {
	s.n.Calls["GetState"]++
	s.n.Reads = append(s.n.Reads, printable(key))
	return s.ChaincodeStubInterface.GetState(key)
}

func (s *countingStub) GetMultipleStates(keys ...string) ([][]byte, error) {
	s.n.Calls["GetMultipleStates"]++
	return s.ChaincodeStubInterface.GetMultipleStates(keys...)
}

func (s *countingStub) PutState(key string, value []byte) error {
	s.n.Calls["PutState"]++
	s.wrote("", key)
	return s.ChaincodeStubInterface.PutState(key, value)
}

func (s *countingStub) DelState(key string) error {
	s.n.Calls["DelState"]++
	s.wrote("", key)
	return s.ChaincodeStubInterface.DelState(key)
}

func (s *countingStub) GetStateValidationParameter(key string) ([]byte, error) {
	s.n.Calls["GetStateValidationParameter"]++
	return s.ChaincodeStubInterface.GetStateValidationParameter(key)
}

func (s *countingStub) SetStateValidationParameter(key string, ep []byte) error {
	s.n.Calls["SetStateValidationParameter"]++
	s.wrote("", key)
	return s.ChaincodeStubInterface.SetStateValidationParameter(key, ep)
}

func (s *countingStub) GetPrivateData(collection, key string) ([]byte, error) {
	s.n.Calls["GetPrivateData"]++
	s.n.Reads = append(s.n.Reads, collection+": "+printable(key))
	return s.ChaincodeStubInterface.GetPrivateData(collection, key)
}

func (s *countingStub) GetMultiplePrivateData(collection string, keys ...string) ([][]byte, error) {
	s.n.Calls["GetMultiplePrivateData"]++
	return s.ChaincodeStubInterface.GetMultiplePrivateData(collection, keys...)
}

func (s *countingStub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	s.n.Calls["GetPrivateDataHash"]++
	s.n.Reads = append(s.n.Reads, collection+" (hash): "+printable(key))
	return s.ChaincodeStubInterface.GetPrivateDataHash(collection, key)
}

func (s *countingStub) PutPrivateData(collection, key string, value []byte) error {
	s.n.Calls["PutPrivateData"]++
	s.wrote(collection, key)
	return s.ChaincodeStubInterface.PutPrivateData(collection, key, value)
}

func (s *countingStub) DelPrivateData(collection, key string) error {
	s.n.Calls["DelPrivateData"]++
	s.wrote(collection, key)
	return s.ChaincodeStubInterface.DelPrivateData(collection, key)
}

func (s *countingStub) SetPrivateDataValidationParameter(collection, key string, ep []byte) error {
	s.n.Calls["SetPrivateDataValidationParameter"]++
	s.wrote(collection, key)
	return s.ChaincodeStubInterface.SetPrivateDataValidationParameter(collection, key, ep)
}

func (s *countingStub) GetStateByPartialCompositeKey(objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	return s.counted("GetStateByPartialCompositeKey")(s.ChaincodeStubInterface.GetStateByPartialCompositeKey(objectType, attributes))
}

func (s *countingStub) GetStateByRange(start, end string) (shim.StateQueryIteratorInterface, error) {
	return s.counted("GetStateByRange")(s.ChaincodeStubInterface.GetStateByRange(start, end))
}

func (s *countingStub) GetPrivateDataByPartialCompositeKey(collection, objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	return s.counted("GetPrivateDataByPartialCompositeKey")(s.ChaincodeStubInterface.GetPrivateDataByPartialCompositeKey(collection, objectType, attributes))
}

func (s *countingStub) GetPrivateDataByRange(collection, start, end string) (shim.StateQueryIteratorInterface, error) {
	return s.counted("GetPrivateDataByRange")(s.ChaincodeStubInterface.GetPrivateDataByRange(collection, start, end))
}

func (s *countingStub) SetEvent(name string, payload []byte) error {
	s.n.Calls["SetEvent"]++
	return s.ChaincodeStubInterface.SetEvent(name, payload)
}

// counted counts a range query and wraps its iterator to count results.
func (s *countingStub) counted(method string) func(shim.StateQueryIteratorInterface, error) (shim.StateQueryIteratorInterface, error) {
	s.n.Calls[method]++
	return func(it shim.StateQueryIteratorInterface, err error) (shim.StateQueryIteratorInterface, error) {
		if err != nil {
			return it, err
		}
		return &countingIterator{StateQueryIteratorInterface: it, n: s.n, label: method + " results"}, nil
	}
}

type countingIterator struct {
	shim.StateQueryIteratorInterface
	n     *ShimCount
	label string
}

func (it *countingIterator) Next() (*queryresult.KV, error) {
	it.n.Calls[it.label]++
	return it.StateQueryIteratorInterface.Next()
}
