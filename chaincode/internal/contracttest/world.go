// Package contracttest is the shared harness of the tranchenet contract
// tests: an in-memory channel (stubtest) running every contract through the
// real contract router, with the test network's organisations and
// collections, the consortium initialised, identities for every role at
// the right organisation, and helpers that build the usual fixtures (an
// attested investor, a sealed pool of simulated loans, a deal, issued and
// placed units, a servicing deal's waterfall, a trade's settlement terms)
// so that each contract's tests start from a realistic ledger in a few
// lines.
//
// Every call goes to the peers the endorsement table
// (contracts.Endorsement) names: a submitted transaction is simulated on
// each endorser's peer at the same timestamp and the harness fails the
// test if their results differ, then commits one; a query is evaluated on
// the peer the table names. So every test also checks that the table's
// endorsers can execute the transaction, which the real network needs.
//
// It is test tooling, internal to the chaincode: it may import the
// contracts, the ledger layer, schema, the core, stubtest and the test
// network's fixtures (test-network/autodeal); no product package imports
// it.
package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Start is the timestamp of a World's first transaction.
var Start = time.Date(2026, time.January, 15, 9, 0, 0, 0, time.UTC)

// ForeignMSP is an organisation on the channel but not in the consortium
// configuration.
const ForeignMSP = "Org9MSP"

// World is a channel with the tranchenet chaincode and named identities.
type World struct {
	*stubtest.World
	TB  testing.TB
	Net *Network

	now time.Time

	// Admins, Compliance: one per organisation, by MSP.
	Admins     map[string]*stubtest.Identity
	Compliance map[string]*stubtest.Identity
	Trustee    *stubtest.Identity // at the trustee organisation
	Arranger   *stubtest.Identity // at the trustee organisation (the test network's arranger)
	Settlement *stubtest.Identity // at the trustee organisation
	Servicer   *stubtest.Identity // at the servicer organisation
	Auditor    *stubtest.Identity // at the investor bank
	NoRole     *stubtest.Identity // a client of the investor bank without any role
	Foreign    *stubtest.Identity // a client of ForeignMSP
	investors  map[string]*stubtest.Identity
}

// New returns a World with the consortium initialised and every role
// granted: on chain by each organisation's admin for the bank staff, and
// through the tranchenet.role certificate attribute for investors, so
// both paths are exercised.
func New(tb testing.TB) *World {
	tb.Helper()
	return NewObserved(tb, nil)
}

// NewObserved is New with the chaincode wrapped by wrap before the World
// starts (nil: not wrapped): a test that watches every call the contracts
// make to the shim, such as the shim-call counts per transfer, wraps it.
func NewObserved(tb testing.TB, wrap func(shim.Chaincode) shim.Chaincode) *World {
	tb.Helper()
	w := newWorld(tb, wrap)
	w.Must(w.Admins[w.Net.Trustee], "Admin:Init", string(MustCanon(tb, w.Net.Config)))
	grants := []struct {
		id   *stubtest.Identity
		role roles.Role
	}{
		{w.Trustee, roles.Trustee}, {w.Arranger, roles.Arranger}, {w.Settlement, roles.Settlement},
		{w.Servicer, roles.Servicer}, {w.Auditor, roles.Auditor},
	}
	for _, msp := range w.Net.Config.Custodians() {
		grants = append(grants, struct {
			id   *stubtest.Identity
			role roles.Role
		}{w.Compliance[msp], roles.Compliance})
	}
	for _, g := range grants {
		w.Must(w.Admins[g.id.MSPID()], "Admin:GrantRole", w.Key(g.id), string(g.role))
	}
	return w
}

// NewUninitialised returns a World whose consortium is not initialised
// yet (for the Admin contract's own tests).
func NewUninitialised(tb testing.TB) *World {
	tb.Helper()
	return newWorld(tb, nil)
}

func newWorld(tb testing.TB, wrap func(shim.Chaincode) shim.Chaincode) *World {
	tb.Helper()
	net, err := TestNetwork()
	if err != nil {
		tb.Fatal(err)
	}
	built, err := contractapi.NewChaincode(contracts.All()...)
	if err != nil {
		tb.Fatalf("build chaincode: %v", err)
	}
	var cc shim.Chaincode = built
	if wrap != nil {
		cc = wrap(built)
	}
	opts := []stubtest.Option{stubtest.Orgs(append(net.Config.MSPs(), ForeignMSP)...), stubtest.StartTime(Start)}
	for _, c := range net.Collections {
		opts = append(opts, c)
	}
	w := &World{
		World: stubtest.NewWorld(cc, opts...), TB: tb, Net: net, now: Start,
		Admins: map[string]*stubtest.Identity{}, Compliance: map[string]*stubtest.Identity{},
		investors: map[string]*stubtest.Identity{},
	}
	for _, msp := range net.Config.MSPs() {
		w.Admins[msp] = w.Identity(msp, "admin-"+msp, stubtest.OU("admin"))
		w.Compliance[msp] = w.Identity(msp, "compliance-"+msp)
	}
	w.Trustee = w.Identity(net.Trustee, "trustee")
	w.Arranger = w.Identity(net.Trustee, "arranger")
	w.Settlement = w.Identity(net.Trustee, "settlement")
	w.Servicer = w.Identity(net.Servicer, "servicer")
	w.Auditor = w.Identity(net.Investors, "auditor")
	w.NoRole = w.Identity(net.Investors, "norole")
	w.Foreign = w.Identity(ForeignMSP, "stranger", stubtest.Attr(roles.RoleAttribute, "investor"))
	return w
}

// Key returns an identity's key as the chaincode computes it.
func (w *World) Key(id *stubtest.Identity) string {
	return roles.IdentityOf(id.MSPID(), id.Certificate()).Key()
}

// Now is the timestamp the next call will carry.
func (w *World) Now() time.Time { return w.now }

// Advance moves the clock (each call also advances it by one second).
func (w *World) Advance(d time.Duration) { w.now = w.now.Add(d) }

// AdvanceTo moves the clock to t, which must not be before Now.
func (w *World) AdvanceTo(t time.Time) {
	w.TB.Helper()
	if t.Before(w.now) {
		w.TB.Fatalf("the clock cannot go back from %s to %s", w.now, t)
	}
	w.now = t
}

// Use makes the World report to tb (a subtest's) until the returned
// function restores the previous one: defer w.Use(t)().
func (w *World) Use(tb testing.TB) (restore func()) {
	prev := w.TB
	w.TB = tb
	return func() { w.TB = prev }
}

// Result is the outcome of one call.
type Result struct {
	stubtest.Result
	Function string
	Query    bool     // evaluated, not submitted
	Peers    []string // the organisations whose peers ran it
}

// OK reports whether the chaincode succeeded and, for a submitted
// transaction, it committed.
func (r Result) OK() bool {
	if r.Query {
		return r.Status < 400
	}
	return r.Result.OK()
}

// ErrCode is the error's stable code, or "" on success.
func (r Result) ErrCode() errs.Code {
	if r.Status < 400 {
		return ""
	}
	code, _, _, _ := errs.Parse(r.Message)
	return code
}

// Rule is the transfer-rule number of a refusal, or 0.
func (r Result) Rule() int {
	_, rule, _, _ := errs.Parse(r.Message)
	return rule
}

// Envelope decodes the transaction's event envelope (zero if none).
func (r Result) Envelope() txn.Envelope {
	var env txn.Envelope
	if r.Event != nil {
		if err := canon.Unmarshal(r.Event.Payload, &env); err != nil {
			panic(fmt.Sprintf("contracttest: event envelope of %s: %v", r.Function, err))
		}
	}
	return env
}

// Events are the transaction's events, in order.
func (r Result) Events() []txn.Event { return r.Envelope().Events }

// EventTypes lists the types of the transaction's events, in order.
func (r Result) EventTypes() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, e.Type)
	}
	return out
}

// Call runs fn with args as id: submitted to its endorsers or evaluated,
// as contracts.Endorsement says.
func (w *World) Call(id *stubtest.Identity, fn string, args ...string) Result {
	w.TB.Helper()
	return w.CallWith(id, fn, args)
}

// CallWith is Call with invocation options (transient data; not OnPeer:
// the table decides the peers).
func (w *World) CallWith(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) Result {
	w.TB.Helper()
	return w.run(id, fn, args, true, opts)
}

// Try simulates fn on its endorsers' peers, as CallWith does, but never
// commits: the ledger stays as it is, so many calls can be tried against
// one state (the authorization matrix does).
func (w *World) Try(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) Result {
	w.TB.Helper()
	r := w.run(id, fn, args, false, opts)
	r.Query = true // judged by its endorsement alone
	return r
}

func (w *World) run(id *stubtest.Identity, fn string, args []string, commit bool, opts []stubtest.InvokeOption) Result {
	w.TB.Helper()
	tx, r := w.Propose(id, fn, args, opts...)
	if !r.Query && commit {
		r.Result = w.Commit(tx)
		if r.Status < 400 && r.Code != peer.TxValidationCode_VALID {
			w.TB.Errorf("%s by %s: endorsed but invalidated at commit: %s", fn, id, r.Code)
		}
	}
	return r
}

// Propose simulates fn on its endorsers' peers at one timestamp, fails
// the test if their results differ, and returns the first endorsement
// uncommitted: a test commits it (w.Commit) when it likes, as concurrent
// clients whose endorsements race do.
func (w *World) Propose(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) (*stubtest.Tx, Result) {
	w.TB.Helper()
	kind, known := contracts.Endorsement[fn]
	peers := w.Endorsers(id, fn, args...)
	at := w.now
	w.now = w.now.Add(time.Second)
	opts = append(slices.Clone(opts), stubtest.At(at))
	var txs []*stubtest.Tx
	for _, p := range peers {
		txs = append(txs, w.Endorse(id, fn, args, append(slices.Clone(opts), stubtest.OnPeer(p))...))
	}
	first := txs[0].Endorsement()
	for i, tx := range txs[1:] {
		if diff := sameEndorsement(first, tx.Endorsement()); diff != "" {
			w.TB.Errorf("%s by %s: the endorsers disagree: %s's peer %s, %s's peer %s", fn, id, peers[0], diff, peers[i+1], describe(tx.Endorsement()))
		}
	}
	query := known && (kind == schema.Query || kind == schema.QueryOnTrustee)
	return txs[0], Result{Result: first, Function: fn, Query: query, Peers: peers}
}

// Endorsers are the organisations whose peers run fn called by id: the
// endorsement table resolved against the configuration; the caller's own
// peer for a function outside the table or a caller outside the
// consortium.
func (w *World) Endorsers(id *stubtest.Identity, fn string, args ...string) []string {
	kind, known := contracts.Endorsement[fn]
	if !known {
		return []string{id.MSPID()}
	}
	party := w.Net.Servicer
	if o, ok := w.Net.Config.Org(id.MSPID()); ok && o.Roles.Has(roles.Servicer) {
		party = id.MSPID()
	}
	if kind == schema.ByTrusteeAndCustodian {
		party = custodianOf(args)
	}
	peers, err := kind.Resolve(w.Net.Config, id.MSPID(), party)
	if err != nil || len(peers) == 0 {
		return []string{id.MSPID()}
	}
	return peers
}

// sameEndorsement compares what two peers returned; it ignores the
// transaction ID and time in the event envelope, which differ because
// each simulation is its own proposal here.
func sameEndorsement(a, b stubtest.Result) string {
	if a.Status != b.Status || a.Message != b.Message || !bytes.Equal(a.Payload, b.Payload) {
		return describe(a)
	}
	ea, eb := eventsOf(a), eventsOf(b)
	if !bytes.Equal(ea, eb) {
		return fmt.Sprintf("events %s vs %s", ea, eb)
	}
	return ""
}

func eventsOf(r stubtest.Result) []byte {
	if r.Event == nil {
		return nil
	}
	var env txn.Envelope
	if err := canon.Unmarshal(r.Event.Payload, &env); err != nil {
		return r.Event.Payload
	}
	b, _ := canon.Marshal(env.Events)
	return b
}

func describe(r stubtest.Result) string {
	return fmt.Sprintf("status %d %q payload %s", r.Status, r.Message, r.Payload)
}

// Must calls fn and fails the test unless it succeeds; it returns the
// payload.
func (w *World) Must(id *stubtest.Identity, fn string, args ...string) string {
	w.TB.Helper()
	return w.MustWith(id, fn, args)
}

// MustWith is Must with invocation options.
func (w *World) MustWith(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) string {
	w.TB.Helper()
	r := w.CallWith(id, fn, args, opts...)
	if !r.OK() {
		w.TB.Fatalf("%s%q by %s: status %d %s (validation %s)", fn, clip(args), id, r.Status, r.Message, r.Code)
	}
	return string(r.Payload)
}

// Refused calls fn, requires it to fail with code and to leave the ledger
// unchanged, and returns the result.
func (w *World) Refused(code errs.Code, id *stubtest.Identity, fn string, args ...string) Result {
	w.TB.Helper()
	return w.RefusedWith(code, id, fn, args)
}

// RefusedWith is Refused with invocation options.
func (w *World) RefusedWith(code errs.Code, id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) Result {
	w.TB.Helper()
	before := w.Snapshot()
	r := w.CallWith(id, fn, args, opts...)
	if r.OK() {
		w.TB.Fatalf("%s%q by %s succeeded, want %s", fn, clip(args), id, code)
	}
	if r.ErrCode() != code {
		w.TB.Fatalf("%s%q by %s: got %q, want code %s", fn, clip(args), id, r.Message, code)
	}
	if diff := w.Diff(before); len(diff) > 0 {
		w.TB.Fatalf("%s%q by %s was refused but changed the ledger: %v", fn, clip(args), id, diff)
	}
	return r
}

// clip shortens long arguments (a deal's terms, a report header) for
// failure messages.
func clip(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 60 {
			a = a[:60] + "…"
		}
		out[i] = a
	}
	return out
}

// Decode unmarshals a query's canonical JSON payload into the type both
// the contract and the gateway app use for it (chaincode/schema), and
// fails the test if the two could drift: the payload is decoded as the
// gateway does (encoding/json) but refusing unknown fields, re-encoded
// canonically, and must come back byte for byte. A field the contract
// writes that the type lacks, or one the type has that the contract does
// not write, fails every test that reads the answer.
func Decode[T any](tb testing.TB, payload string) T {
	tb.Helper()
	v, err := RoundTrip[T]([]byte(payload))
	if err != nil {
		tb.Fatalf("%v\n%s", err, payload)
	}
	return v
}

// RoundTrip decodes payload strictly into a T as the gateway would,
// re-encodes it canonically, and says where the bytes differ.
func RoundTrip[T any](payload []byte) (T, error) {
	var v T
	if err := canon.Unmarshal(payload, &v); err != nil {
		return v, fmt.Errorf("decode %T: %w", v, err)
	}
	var gw T
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&gw); err != nil {
		return v, fmt.Errorf("the gateway's decoding into %T: %w", gw, err)
	}
	again, err := canon.Marshal(gw)
	if err != nil {
		return v, fmt.Errorf("re-encode %T: %w", gw, err)
	}
	if !bytes.Equal(again, payload) {
		return v, fmt.Errorf("%T does not carry the answer unchanged: the contract wrote\n%s\nthe type gives back\n%s", gw, payload, again)
	}
	return v, nil
}

// MustCanon is v's canonical JSON; it fails the test if v has none.
func MustCanon(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
