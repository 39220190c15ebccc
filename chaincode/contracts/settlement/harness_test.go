package settlement_test

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/contracts/txn"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// world is the test network's channel with every tranchenet contract and
// the Settlement contract. As in contracttest, each call runs on the peers
// of every endorser its endorsement entry names, at the same timestamp;
// the endorsers must agree, and one endorsement is committed. (When the
// lead registers Settlement in contracts.All and contracts.Endorsement,
// contracttest.World can replace this.)
type world struct {
	*stubtest.World
	t           *testing.T
	net         *contracttest.Network
	now         time.Time
	endorsement map[string]model.Endorsers

	admins     map[string]*stubtest.Identity
	compliance map[string]*stubtest.Identity
	trustee    *stubtest.Identity // trustee organisation
	arranger   *stubtest.Identity // trustee organisation (the test network's arranger)
	agent      *stubtest.Identity // settlement agent (cash token), trustee organisation
	servicer   *stubtest.Identity
	auditor    *stubtest.Identity // at the investor bank
}

func newWorld(t *testing.T) *world {
	t.Helper()
	net, err := contracttest.TestNetwork()
	if err != nil {
		t.Fatal(err)
	}
	all := contracts.All()
	if !slices.ContainsFunc(all, func(c contractapi.ContractInterface) bool {
		n, ok := c.(interface{ GetName() string })
		return ok && n.GetName() == "Settlement"
	}) {
		all = append(all, settlement.New())
	}
	cc, err := contractapi.NewChaincode(all...)
	if err != nil {
		t.Fatalf("build chaincode: %v", err)
	}
	opts := []stubtest.Option{stubtest.Orgs(net.Config.MSPs()...), stubtest.StartTime(contracttest.Start)}
	for _, c := range net.Collections {
		opts = append(opts, c)
	}
	w := &world{
		World: stubtest.NewWorld(cc, opts...), t: t, net: net, now: contracttest.Start,
		endorsement: maps.Clone(contracts.Endorsement),
		admins:      map[string]*stubtest.Identity{}, compliance: map[string]*stubtest.Identity{},
	}
	maps.Copy(w.endorsement, settlement.Endorsers)
	for _, msp := range net.Config.MSPs() {
		w.admins[msp] = w.Identity(msp, "admin-"+msp, stubtest.OU("admin"))
		w.compliance[msp] = w.Identity(msp, "compliance-"+msp)
	}
	w.trustee = w.Identity(net.Trustee, "trustee")
	w.arranger = w.Identity(net.Trustee, "arranger")
	w.agent = w.Identity(net.Trustee, "settlement")
	w.servicer = w.Identity(net.Servicer, "servicer")
	w.auditor = w.Identity(net.Investors, "auditor")

	w.must(w.admins[net.Trustee], "Admin:Init", string(canonical(t, net.Config)))
	grants := map[*stubtest.Identity]roles.Role{w.trustee: roles.Trustee, w.arranger: roles.Arranger,
		w.agent: roles.Settlement, w.servicer: roles.Servicer, w.auditor: roles.Auditor}
	for _, msp := range net.Config.Custodians() {
		grants[w.compliance[msp]] = roles.Compliance
	}
	for _, id := range slices.SortedFunc(maps.Keys(grants), func(a, b *stubtest.Identity) int {
		return compareStrings(a.String(), b.String())
	}) {
		w.must(w.admins[id.MSPID()], "Admin:GrantRole", key(id), string(grants[id]))
	}
	return w
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func key(id *stubtest.Identity) string { return roles.IdentityOf(id.MSPID(), id.Certificate()).Key() }

func canonical(t testing.TB, v any) []byte {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
	code, _, _, _ := errs.Parse(r.Message)
	return code
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

// peersFor resolves fn's endorsement entry for a caller.
func (w *world) peersFor(id *stubtest.Identity, fn string) ([]string, bool) {
	kind, known := w.endorsement[fn]
	if !known {
		w.t.Fatalf("%s has no endorsement entry", fn)
	}
	peers, err := kind.Resolve(w.net.Config, id.MSPID(), w.net.Servicer)
	if err != nil || len(peers) == 0 {
		return []string{id.MSPID()}, kind == model.Query || kind == model.QueryOnTrustee
	}
	if kind == model.Query {
		peers = []string{id.MSPID()}
	}
	return peers, kind == model.Query || kind == model.QueryOnTrustee
}

// endorse simulates fn on every endorser's peer and requires them to
// agree; it returns the first endorsement, not committed.
func (w *world) endorse(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) (*stubtest.Tx, result) {
	w.t.Helper()
	peers, query := w.peersFor(id, fn)
	at := w.now
	w.now = w.now.Add(time.Second)
	opts = append(slices.Clone(opts), stubtest.At(at))
	var txs []*stubtest.Tx
	for _, p := range peers {
		txs = append(txs, w.Endorse(id, fn, args, append(slices.Clone(opts), stubtest.OnPeer(p))...))
	}
	first := txs[0].Endorsement()
	for i, tx := range txs[1:] {
		other := tx.Endorsement()
		if first.Status != other.Status || first.Message != other.Message || !bytes.Equal(first.Payload, other.Payload) ||
			!bytes.Equal(eventsOf(first), eventsOf(other)) {
			w.t.Errorf("%s by %s: endorsers disagree: %s's peer %d %q, %s's peer %d %q",
				fn, id, peers[0], first.Status, first.Message, peers[i+1], other.Status, other.Message)
		}
	}
	return txs[0], result{Result: first, fn: fn, query: query, peers: peers}
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

// call submits (or evaluates) fn as id.
func (w *world) call(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) result {
	w.t.Helper()
	tx, r := w.endorse(id, fn, args, opts...)
	if !r.query {
		r.Result = w.Commit(tx)
		if r.Status < 400 && r.Code != peer.TxValidationCode_VALID {
			w.t.Errorf("%s by %s: invalidated at commit: %s", fn, id, r.Code)
		}
	}
	return r
}

func (w *world) must(id *stubtest.Identity, fn string, args ...string) string {
	w.t.Helper()
	return w.mustWith(id, fn, args)
}

func (w *world) mustWith(id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) string {
	w.t.Helper()
	r := w.call(id, fn, args, opts...)
	if !r.ok() {
		w.t.Fatalf("%s%q by %s: %s", fn, args, id, r.Message)
	}
	return string(r.Payload)
}

// refused requires fn to fail with code and to leave the ledger as it was.
func (w *world) refused(code errs.Code, id *stubtest.Identity, fn string, args []string, opts ...stubtest.InvokeOption) result {
	w.t.Helper()
	before := w.Snapshot()
	r := w.call(id, fn, args, opts...)
	if r.ok() {
		w.t.Fatalf("%s%q by %s succeeded, want %s", fn, args, id, code)
	}
	if r.code() != code {
		w.t.Fatalf("%s%q by %s: %q, want code %s", fn, args, id, r.Message, code)
	}
	if diff := w.Diff(before); len(diff) > 0 {
		w.t.Fatalf("%s%q by %s was refused but changed the ledger: %v", fn, args, id, diff)
	}
	return r
}

// ---- Fixtures: a deal with placed units and funded cash accounts ----

// investor returns an investor of bank msp (role from its certificate),
// attested by its bank's compliance officer as a US qualified
// institutional buyer unless attest is false.
func (w *world) investor(msp, name string, attest bool) *stubtest.Identity {
	w.t.Helper()
	id := w.Identity(msp, name, stubtest.Attr(roles.RoleAttribute, string(roles.Investor)))
	if attest {
		w.attest(id, contracttest.Claims("US"))
	}
	return id
}

func (w *world) attest(id *stubtest.Identity, claims identity.ClaimsInput) {
	w.t.Helper()
	dossier := fmt.Sprintf(`{"name":%q}`, id.Name())
	w.mustWith(w.compliance[id.MSPID()], "Identity:Attest", []string{key(id), string(canonical(w.t, claims))},
		stubtest.Transient(map[string][]byte{identity.TransientDossier: []byte(dossier)}))
}

// fixture is what the settlement tests start from.
type fixture struct {
	tranche     string
	alice, anna *stubtest.Identity // clients of the servicer's bank
	bob, bella  *stubtest.Identity // clients of the investor bank
	proceeds    *stubtest.Identity // the SPV's cash account, at the trustee's bank
}

const (
	dealID    = "DEAL-1"
	trancheID = "DEAL-1-A"
)

// standard builds a sealed pool and a deal with one note (unit face 1.00),
// issues 10,000 units, places 5,000 with alice and 1,000 with anna, and
// funds bob and bella with 100,000.00 each of cash tokens, leaving
// 100,000.00 in the float.
func (w *world) standard() fixture {
	w.t.Helper()
	loans := contracttest.Loans(w.t, 7, 12)
	w.must(w.arranger, "Pool:Create", string(canonical(w.t, pool.CreateInput{ID: "POOL-1", Name: "Pool 1",
		Originator: w.net.Servicer, Servicer: w.net.Servicer, CutoffDate: contracttest.Cutoff.LastDay().String()})))
	w.mustWith(w.servicer, "Pool:AddLoans", []string{"POOL-1", "0"}, contracttest.LoansTransient(w.t, loans))
	w.must(w.servicer, "Pool:Seal", "POOL-1")
	var balance money.Amount
	for _, l := range loans {
		balance += l.ReportingPeriodActualEndBalanceAmount
	}
	fixed := decimal.RequireFromString("0.05")
	note := deal.TrancheInput{ID: trancheID, Class: "A", Seniority: 1, Kind: model.KindNote,
		OriginalFace: money.FromMajor(balance.Cents() / 100), UnitFace: money.FromMajor(1),
		Coupon:         &model.Coupon{Fixed: &fixed, DayCount: daycount.Thirty360},
		LegalFinalDate: daycount.NewDate(2032, time.June, 15), Rules: w.rules()}
	w.must(w.arranger, "Deal:Create", string(canonical(w.t, deal.DealInput{ID: dealID, Name: "Deal 1", Pool: "POOL-1",
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{note}})))
	f := fixture{tranche: trancheID,
		alice: w.investor(w.net.Servicer, "alice", true), anna: w.investor(w.net.Servicer, "anna", true),
		bob: w.investor(w.net.Investors, "bob", true), bella: w.investor(w.net.Investors, "bella", true),
		proceeds: w.investor(w.net.Trustee, "spv-proceeds", false)}
	w.must(w.arranger, "Deal:Issue", trancheID, "10000")
	w.must(w.trustee, "Deal:Place", trancheID, key(f.alice), "5000")
	w.must(w.trustee, "Deal:Place", trancheID, key(f.anna), "1000")
	w.must(w.agent, "Cash:AttestReserves", "1000000.00", "statement 2026-01")
	w.must(w.agent, "Cash:Mint", "300000.00") // 100,000.00 stays in the float
	w.must(w.agent, "Cash:Pay", key(f.bob), "100000.00")
	w.must(w.agent, "Cash:Pay", key(f.bella), "100000.00")
	return f
}

// rules are permissive: qualified institutional buyers in the US or GB at
// any custodian.
func (w *world) rules() rules.TrancheRules {
	return rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US", "GB"},
		ConsortiumMSPs: w.net.Config.Custodians()}
}
