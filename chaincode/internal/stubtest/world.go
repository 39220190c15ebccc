package stubtest

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Defaults of a World; override them with the Channel, ChaincodeName and
// StartTime options.
const (
	DefaultChannelID     = "testchannel"
	DefaultChaincodeName = "testcc"
)

// DefaultStartTime is the timestamp of a World's first transaction. Each
// later transaction is one second later, so tests never see the wall clock.
var DefaultStartTime = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// World is one channel with one chaincode and its committed ledger: the
// world state, every private data collection, the key-level validation
// parameters and the log of committed chaincode events.
//
// A World is safe for concurrent use. Simulations run in parallel against
// committed state and commits are serialised, as on a peer.
type World struct {
	cc        shim.Chaincode
	channelID string
	ccName    string
	start     time.Time
	explicit  []Collection // as given; applied by NewWorld
	seq       atomic.Uint64

	mu          sync.RWMutex // read-held while simulating, write-held while committing
	orgs        map[string]bool
	collections map[string]*access // explicit and implicit, by name
	height      uint64             // number of the last block
	public      *keyspace
	private     map[string]*keyspace // by collection, created on first write
	events      []Event
}

// An Option configures a World. Collection, Orgs, Channel, ChaincodeName
// and StartTime are Options.
type Option interface{ apply(*World) }

type optionFunc func(*World)

func (f optionFunc) apply(w *World) { f(w) }

// Orgs names orgs of the channel. An org is also on the channel when it is a
// member of a Collection or when World.Identity creates an identity of it;
// name it here only when neither happens, for instance so that its implicit
// collection exists.
func Orgs(mspIDs ...string) Option {
	return optionFunc(func(w *World) {
		for _, m := range mspIDs {
			w.addOrg(m)
		}
	})
}

// Channel sets the channel ID returned by GetChannelID.
func Channel(id string) Option { return optionFunc(func(w *World) { w.channelID = id }) }

// ChaincodeName sets the chaincode name, which appears in peer error
// messages and as the namespace of query results.
func ChaincodeName(name string) Option { return optionFunc(func(w *World) { w.ccName = name }) }

// StartTime sets the timestamp of the first transaction.
func StartTime(t time.Time) Option { return optionFunc(func(w *World) { w.start = t }) }

// NewWorld returns an empty ledger for the chaincode, normally the
// *contractapi.ContractChaincode returned by contractapi.NewChaincode. It
// panics on an invalid configuration, which is always a bug in the test.
func NewWorld(cc shim.Chaincode, opts ...Option) *World {
	if cc == nil {
		panic("stubtest: NewWorld: nil chaincode")
	}
	w := &World{
		cc:          cc,
		channelID:   DefaultChannelID,
		ccName:      DefaultChaincodeName,
		start:       DefaultStartTime,
		orgs:        map[string]bool{},
		collections: map[string]*access{},
		public:      newKeyspace(),
		private:     map[string]*keyspace{},
	}
	for _, o := range opts {
		o.apply(w)
	}
	for _, c := range w.explicit {
		if err := c.validate(); err != nil {
			panic("stubtest: NewWorld: " + err.Error())
		}
		if w.collections[c.Name] != nil {
			panic(fmt.Sprintf("stubtest: NewWorld: collection %q defined twice", c.Name))
		}
		w.collections[c.Name] = newAccess(c)
		for _, m := range c.Members {
			w.addOrg(m)
		}
	}
	return w
}

// addOrg puts an org on the channel, which creates its implicit collection.
// The caller holds w.mu for writing or owns w exclusively.
func (w *World) addOrg(mspID string) {
	if mspID == "" {
		panic("stubtest: empty MSP ID")
	}
	if w.orgs[mspID] {
		return
	}
	w.orgs[mspID] = true
	w.collections[ImplicitCollection(mspID)] = implicitAccess(mspID)
}

// ChannelID returns the channel's ID.
func (w *World) ChannelID() string { return w.channelID }

// Public returns a copy of the committed world state.
func (w *World) Public() map[string][]byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return copyValues(w.public)
}

// Private returns a copy of a collection's committed values, as a member
// peer holds them. It panics if the collection does not exist.
func (w *World) Private(collection string) map[string][]byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	w.mustHaveCollection("Private", collection)
	return copyValues(w.private[collection])
}

// ValidationParameter returns the committed key-level endorsement policy of
// a world state key, or nil.
func (w *World) ValidationParameter(key string) []byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if e := w.public.get(key); e != nil {
		return bytes.Clone(e.validationParameter)
	}
	return nil
}

// PrivateValidationParameter returns the committed key-level endorsement
// policy of a private key, or nil. It panics if the collection does not
// exist.
func (w *World) PrivateValidationParameter(collection, key string) []byte {
	w.mu.RLock()
	defer w.mu.RUnlock()
	w.mustHaveCollection("PrivateValidationParameter", collection)
	if e := w.private[collection].get(key); e != nil {
		return bytes.Clone(e.validationParameter)
	}
	return nil
}

// Events returns the events of the committed valid transactions, in commit
// order.
func (w *World) Events() []Event {
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]Event, len(w.events))
	for i, e := range w.events {
		out[i] = Event{TxID: e.TxID, Name: e.Name, Payload: bytes.Clone(e.Payload)}
	}
	return out
}

// Seed commits a world state value directly, in a block of its own, as if an
// earlier transaction had written it: for fixtures the chaincode cannot
// create, such as corrupt JSON. An empty value deletes the key.
func (w *World) Seed(key string, value []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.height++
	w.public.apply(key, seedWrite(value), w.height, false)
}

// SeedPrivate is Seed for a private data collection. It panics if the
// collection does not exist.
func (w *World) SeedPrivate(collection, key string, value []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.mustHaveCollection("SeedPrivate", collection)
	w.height++
	w.privateKeyspace(collection).apply(key, seedWrite(value), w.height, true)
}

func seedWrite(value []byte) *pendingWrite {
	if len(value) == 0 {
		return &pendingWrite{op: opDelete}
	}
	return &pendingWrite{op: opPut, value: bytes.Clone(value)}
}

func (w *World) mustHaveCollection(caller, name string) {
	if w.collections[name] == nil {
		panic(fmt.Sprintf("stubtest: %s: no collection %q on channel %s (collections: %v)",
			caller, name, w.channelID, w.collectionNames()))
	}
}

// privateKeyspace returns the committed state of a collection, creating it.
// The caller holds w.mu for writing.
func (w *World) privateKeyspace(collection string) *keyspace {
	ks := w.private[collection]
	if ks == nil {
		ks = newKeyspace()
		w.private[collection] = ks
	}
	return ks
}

func (w *World) collectionNames() []string {
	names := make([]string, 0, len(w.collections))
	for n := range w.collections {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func copyValues(ks *keyspace) map[string][]byte {
	out := map[string][]byte{}
	if ks == nil {
		return out
	}
	for k, e := range ks.entries {
		out[k] = bytes.Clone(e.value)
	}
	return out
}
