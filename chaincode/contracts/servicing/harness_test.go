package servicing_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// world is the test network's channel with every contract, Servicing
// included, driven as contracttest.World drives the others: each call is
// simulated on the peers of every organisation its endorsement entry
// names (contracts.Endorsement merged with servicing.Endorsers), the
// results must agree, and one is committed. It exists because the
// chaincode's contract list (contracts.All) does not register Servicing
// yet; once it does, contracttest.World serves the same purpose.
type world struct {
	*stubtest.World
	tb  testing.TB
	net *contracttest.Network
	now time.Time

	endorsement map[string]model.Endorsers

	admins     map[string]*stubtest.Identity
	compliance map[string]*stubtest.Identity
	trustee    *stubtest.Identity
	arranger   *stubtest.Identity
	settlement *stubtest.Identity
	servicer   *stubtest.Identity
	auditor    *stubtest.Identity
	noRole     *stubtest.Identity
	foreign    *stubtest.Identity
	// otherServicer is a servicer of the trustee's organisation, which is
	// not the pool's servicer.
	otherServicer *stubtest.Identity
}

func chaincode(tb testing.TB, extra ...contractapi.ContractInterface) *contractapi.ContractChaincode {
	tb.Helper()
	list := append(contracts.All(), extra...)
	registered := false
	for _, c := range list {
		if n, ok := c.(interface{ GetName() string }); ok && n.GetName() == "Servicing" {
			registered = true
		}
	}
	if !registered {
		list = append(list, servicing.New())
	}
	cc, err := contractapi.NewChaincode(list...)
	if err != nil {
		tb.Fatalf("build chaincode: %v", err)
	}
	return cc
}

func newWorld(tb testing.TB, extra ...contractapi.ContractInterface) *world {
	tb.Helper()
	net, err := contracttest.TestNetwork()
	if err != nil {
		tb.Fatal(err)
	}
	opts := []stubtest.Option{stubtest.Orgs(append(net.Config.MSPs(), contracttest.ForeignMSP)...), stubtest.StartTime(contracttest.Start)}
	for _, c := range net.Collections {
		opts = append(opts, c)
	}
	w := &world{World: stubtest.NewWorld(chaincode(tb, extra...), opts...), tb: tb, net: net, now: contracttest.Start,
		endorsement: map[string]model.Endorsers{}, admins: map[string]*stubtest.Identity{}, compliance: map[string]*stubtest.Identity{}}
	for k, v := range contracts.Endorsement {
		w.endorsement[k] = v
	}
	for k, v := range servicing.Endorsers {
		w.endorsement[k] = v
	}
	for _, msp := range net.Config.MSPs() {
		w.admins[msp] = w.Identity(msp, "admin-"+msp, stubtest.OU("admin"))
		w.compliance[msp] = w.Identity(msp, "compliance-"+msp)
	}
	w.trustee = w.Identity(net.Trustee, "trustee")
	w.arranger = w.Identity(net.Trustee, "arranger")
	w.settlement = w.Identity(net.Trustee, "settlement")
	w.servicer = w.Identity(net.Servicer, "servicer")
	w.otherServicer = w.Identity(net.Trustee, "servicer-at-trustee", stubtest.Attr(roles.RoleAttribute, "servicer"))
	w.auditor = w.Identity(net.Investors, "auditor")
	w.noRole = w.Identity(net.Investors, "norole")
	w.foreign = w.Identity(contracttest.ForeignMSP, "stranger", stubtest.Attr(roles.RoleAttribute, "investor"))
	w.must(w.admins[net.Trustee], "Admin:Init", string(mustCanon(tb, net.Config)))
	grants := []struct {
		id   *stubtest.Identity
		role roles.Role
	}{
		{w.trustee, roles.Trustee}, {w.arranger, roles.Arranger}, {w.settlement, roles.Settlement},
		{w.servicer, roles.Servicer}, {w.auditor, roles.Auditor},
	}
	for _, msp := range net.Config.Custodians() {
		grants = append(grants, struct {
			id   *stubtest.Identity
			role roles.Role
		}{w.compliance[msp], roles.Compliance})
	}
	for _, g := range grants {
		w.must(w.admins[g.id.MSPID()], "Admin:GrantRole", w.key(g.id), string(g.role))
	}
	return w
}

func (w *world) key(id *stubtest.Identity) string {
	return roles.IdentityOf(id.MSPID(), id.Certificate()).Key()
}

// result is one call's outcome.
type result struct {
	stubtest.Result
	fn    string
	query bool
	peers []string
}

func (r result) ok() bool {
	if r.query {
		return r.Status < 400
	}
	return r.Result.OK()
}

func (r result) code() errs.Code {
	if r.Status < 400 {
		return ""
	}
	c, _, _, _ := errs.Parse(r.Message)
	return c
}

func (r result) events() []txn.Event {
	if r.Event == nil {
		return nil
	}
	var env txn.Envelope
	if err := canon.Unmarshal(r.Event.Payload, &env); err != nil {
		panic(err)
	}
	return env.Events
}

func (r result) eventTypes() []string {
	var out []string
	for _, e := range r.events() {
		out = append(out, e.Type)
	}
	return out
}

// endorsers resolves fn's entry for the caller; the pool's servicer is
// the other party of trustee+servicer entries.
func (w *world) endorsers(id *stubtest.Identity, fn string) []string {
	kind, known := w.endorsement[fn]
	if !known {
		w.tb.Fatalf("%s has no endorsement entry", fn)
	}
	peers, err := kind.Resolve(w.net.Config, id.MSPID(), w.net.Servicer)
	if err != nil || len(peers) == 0 {
		return []string{id.MSPID()}
	}
	return peers
}

func (w *world) call(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) result {
	w.tb.Helper()
	kind := w.endorsement[fn]
	peers := w.endorsers(id, fn)
	at := w.now
	w.now = w.now.Add(time.Second)
	opts = append(slices.Clone(opts), stubtest.At(at))
	query := kind == model.Query || kind == model.QueryOnTrustee
	var txs []*stubtest.Tx
	for _, p := range peers {
		txs = append(txs, w.Endorse(id, fn, args, append(slices.Clone(opts), stubtest.OnPeer(p))...))
	}
	first := txs[0].Endorsement()
	for i, tx := range txs[1:] {
		if diff := differ(first, tx.Endorsement()); diff != "" {
			w.tb.Errorf("%s by %s: the endorsers disagree: %s's peer %s; %s's peer status %d %q", fn, id, peers[0], diff, peers[i+1],
				tx.Endorsement().Status, tx.Endorsement().Message)
		}
	}
	r := result{Result: first, fn: fn, query: query, peers: peers}
	if !query {
		r.Result = w.Commit(txs[0])
		if r.Status < 400 && r.Code != peer.TxValidationCode_VALID {
			w.tb.Errorf("%s by %s: endorsed but invalid at commit: %s", fn, id, r.Code)
		}
	}
	return r
}

func differ(a, b stubtest.Result) string {
	if a.Status != b.Status || a.Message != b.Message || !bytes.Equal(a.Payload, b.Payload) {
		return fmt.Sprintf("status %d %q", a.Status, a.Message)
	}
	ea, eb := eventBytes(a), eventBytes(b)
	if !bytes.Equal(ea, eb) {
		return fmt.Sprintf("events %s vs %s", ea, eb)
	}
	return ""
}

func eventBytes(r stubtest.Result) []byte {
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

func (w *world) must(id *stubtest.Identity, fn string, args ...string) string {
	w.tb.Helper()
	return w.mustWith(id, fn, args)
}

func (w *world) mustWith(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) string {
	w.tb.Helper()
	r := w.call(id, fn, args, opts...)
	if !r.ok() {
		w.tb.Fatalf("%s%q by %s: status %d %s (validation %s)", fn, clipArgs(args), id, r.Status, r.Message, r.Code)
	}
	return string(r.Payload)
}

// refused requires fn to fail with code, leaving the ledger unchanged,
// and returns the message.
func (w *world) refused(code errs.Code, id *stubtest.Identity, fn string, args ...string) string {
	w.tb.Helper()
	return w.refusedWith(code, id, fn, args)
}

func (w *world) refusedWith(code errs.Code, id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) string {
	w.tb.Helper()
	before := w.Snapshot()
	r := w.call(id, fn, args, opts...)
	if r.ok() {
		w.tb.Fatalf("%s%q by %s succeeded, want %s", fn, clipArgs(args), id, code)
	}
	if r.code() != code {
		w.tb.Fatalf("%s%q by %s: got %q, want code %s", fn, clipArgs(args), id, r.Message, code)
	}
	if diff := w.Diff(before); len(diff) > 0 {
		w.tb.Fatalf("%s by %s was refused but changed the ledger: %v", fn, id, diff)
	}
	return r.Message
}

func clipArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 60 {
			a = a[:60] + "…"
		}
		out[i] = a
	}
	return out
}

func decode[T any](tb testing.TB, payload string) T {
	tb.Helper()
	var v T
	if err := canon.Unmarshal([]byte(payload), &v); err != nil {
		tb.Fatalf("decode %T: %v\n%s", v, err, payload)
	}
	return v
}

func mustCanon(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func decodeJSON(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// use makes the world report failures to tb (a subtest) until the
// returned function restores the previous one.
func (w *world) use(tb testing.TB) func() {
	prev := w.tb
	w.tb = tb
	return func() { w.tb = prev }
}

// try simulates fn on its endorsers' peers without committing, so many
// callers can be tried against one ledger.
func (w *world) try(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) result {
	w.tb.Helper()
	peers := w.endorsers(id, fn)
	at := w.now
	w.now = w.now.Add(time.Second)
	tx := w.Endorse(id, fn, args, append(slices.Clone(opts), stubtest.At(at), stubtest.OnPeer(peers[0]))...)
	return result{Result: tx.Endorsement(), fn: fn, query: true, peers: peers}
}
