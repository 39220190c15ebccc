package pool_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func js(t testing.TB, v any) string {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func createInput(w *contracttest.World, id string) pool.CreateInput {
	return pool.CreateInput{ID: id, Name: "Auto pool " + id, Originator: w.Net.Servicer, Servicer: w.Net.Servicer,
		CutoffDate: contracttest.Cutoff.LastDay().String()}
}

func TestCreate(t *testing.T) {
	w := contracttest.New(t)
	good := createInput(w, "P1")
	edit := func(f func(*pool.CreateInput)) string {
		in := good
		f(&in)
		return js(t, in)
	}
	tests := []struct {
		json, names string
	}{
		{edit(func(in *pool.CreateInput) { in.ID = "P 1" }), "id"},
		{edit(func(in *pool.CreateInput) { in.Name = "" }), "name"},
		{edit(func(in *pool.CreateInput) { in.Originator = contracttest.ForeignMSP }), "originator"},
		{edit(func(in *pool.CreateInput) { in.Servicer = w.Net.Investors }), "servicer"},
		{edit(func(in *pool.CreateInput) { in.CutoffDate = "2025-12-32" }), "cutoffDate"},
		{edit(func(in *pool.CreateInput) { in.CutoffDate = "12-31-2025" }), "cutoffDate"},
		{`{"id":"P1","name":"x","originator":"Org2MSP","servicer":"Org2MSP","cutoffDate":"2025-12-31","status":"sealed"}`, "status"},
		{`{"id":"P1"`, "poolJSON"},
	}
	for _, tt := range tests {
		r := w.Refused(errs.BadInput, w.Arranger, "Pool:Create", tt.json)
		if !strings.Contains(r.Message, tt.names) {
			t.Errorf("%s: %q does not name %q", tt.json, r.Message, tt.names)
		}
	}
	w.Refused(errs.Forbidden, w.Servicer, "Pool:Create", js(t, good))
	r := w.Call(w.Arranger, "Pool:Create", js(t, good))
	if !r.OK() || !slices.Equal(r.EventTypes(), []string{"PoolCreated"}) {
		t.Fatalf("%s %v", r.Message, r.EventTypes())
	}
	w.Refused(errs.AlreadyExists, w.Arranger, "Pool:Create", js(t, good))
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1"))
	if v.Pool.Status != schema.PoolOpen || v.NextChunk != 0 || v.Pool.Servicer != w.Net.Servicer {
		t.Fatalf("pool %+v", v)
	}
	// The tape progress needs the trustee and the servicer to change.
	if w.ValidationParameter(compositeKey(t, schema.TypePoolTape, "P1")) == nil {
		t.Error("the tape progress key has no key-level endorsement policy")
	}
}

func TestAddLoansInChunks(t *testing.T) {
	w := contracttest.New(t)
	loans := contracttest.Loans(t, 3, 25)
	w.CreatePool("P1")
	r := w.AddLoans("P1", 0, loans[:10])
	if !r.OK() {
		t.Fatal(r.Message)
	}
	if !slices.Equal(r.Peers, []string{w.Net.Trustee, w.Net.Servicer}) {
		t.Errorf("AddLoans ran on %v, want the trustee's and the servicer's peers", r.Peers)
	}
	// A retried chunk is refused, an early one too.
	if r := w.AddLoans("P1", 0, loans[:10]); r.ErrCode() != errs.AlreadyExists {
		t.Fatalf("retried chunk: %s", r.Message)
	}
	if r := w.AddLoans("P1", 2, loans[10:20]); r.ErrCode() != errs.WrongState {
		t.Fatalf("chunk out of order: %s", r.Message)
	}
	// An asset number already in the pool.
	if r := w.AddLoans("P1", 1, append(slices.Clone(loans[10:12]), loans[3])); r.ErrCode() != errs.AlreadyExists || !strings.Contains(r.Message, loans[3].AssetNumber) {
		t.Fatalf("duplicate across chunks: %s", r.Message)
	}
	w.Must(w.Servicer, "Pool:Get", "P1")
	if r := w.AddLoans("P1", 1, loans[10:20]); !r.OK() {
		t.Fatal(r.Message)
	}
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1"))
	if v.LoansAdded != 20 || v.NextChunk != 2 || v.BalanceSoFar != sum(loans[:20]) {
		t.Fatalf("progress %+v", v)
	}
	// Loan data lives in the loanTape collection only.
	for k, val := range w.Public() {
		for _, l := range loans[:20] {
			if strings.Contains(k, l.AssetNumber) || strings.Contains(string(val), `"`+l.AssetNumber+`"`) {
				t.Fatalf("loan %s appears in public state at %q", l.AssetNumber, k)
			}
		}
	}
	if n := len(w.Private(roles.LoanTapeCollection)); n != 20+2 {
		t.Errorf("loanTape holds %d keys, want 20 loans and 2 leaf lists", n)
	}
}

func TestAddLoansValidatesEveryLoan(t *testing.T) {
	w := contracttest.New(t)
	loans := contracttest.Loans(t, 4, 6)
	w.CreatePool("P1")
	edit := func(i int, f func(*loantape.Loan)) []loantape.Loan {
		out := slices.Clone(loans)
		f(&out[i])
		return out
	}
	tests := []struct {
		name  string
		loans []loantape.Loan
		names string
	}{
		{"negative balance", edit(2, func(l *loantape.Loan) { l.ReportingPeriodActualEndBalanceAmount = -5 }), "loans[2]"},
		{"rate as percent", edit(4, func(l *loantape.Loan) {
			l.ReportingPeriodInterestRatePercentage = l.ReportingPeriodInterestRatePercentage.Shift(2)
		}), "loans[4]"},
		{"duplicate in the chunk", edit(5, func(l *loantape.Loan) { l.AssetNumber = loans[1].AssetNumber }), "duplicate"},
		{"another cut-off", edit(0, func(l *loantape.Loan) { l.ReportingPeriodEndingDate = loantape.Date{Year: 2025, Month: 11, Day: 30} }), "loans[0]"},
		{"asset number with a newline", edit(1, func(l *loantape.Loan) { l.AssetNumber = "12\n3" }), "loans[1].assetNumber"},
		{"no asset number", edit(3, func(l *loantape.Loan) { l.AssetNumber = "" }), "loans[3]"},
	}
	for _, tt := range tests {
		r := w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "0"}, contracttest.LoansTransient(t, tt.loans))
		if !strings.Contains(r.Message, tt.names) {
			t.Errorf("%s: %q does not name %q", tt.name, r.Message, tt.names)
		}
	}
	raw := func(s string) stubtest.InvokeOption {
		return stubtest.Transient(map[string][]byte{pool.TransientLoans: []byte(s)})
	}
	w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "0"}, raw(`[]`))
	w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "0"}, raw(`[{"assetNumber":"1","colour":"red"}]`))
	w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "0"})
	w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "-1"}, contracttest.LoansTransient(t, loans))
	w.RefusedWith(errs.NotFound, w.Servicer, "Pool:AddLoans", []string{"P9", "0"}, contracttest.LoansTransient(t, loans))
	w.RefusedWith(errs.Forbidden, w.Arranger, "Pool:AddLoans", []string{"P1", "0"}, contracttest.LoansTransient(t, loans))
	big := contracttest.Loans(t, 5, pool.MaxChunkLoans+1)
	w.RefusedWith(errs.BadInput, w.Servicer, "Pool:AddLoans", []string{"P1", "0"}, contracttest.LoansTransient(t, big))
}

func TestSealPublishesRootAndAggregates(t *testing.T) {
	w := contracttest.New(t)
	w.CreatePool("EMPTY")
	w.Refused(errs.WrongState, w.Servicer, "Pool:Seal", "EMPTY")
	loans := w.SealedPool("P1", 6, 30, 12)
	v := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1"))
	p := v.Pool
	if p.Status != schema.PoolSealed || p.LoanCount != 30 || p.Balance != sum(loans) || p.SealedTx == "" {
		t.Fatalf("sealed pool %+v", p)
	}
	leaves := make([][merkle.Size]byte, len(loans))
	agg := loantape.NewTapeAggregator()
	for i, l := range loans {
		leaves[i] = merkle.LeafHash(l.Canonical())
		if err := agg.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	if want := merkle.Hex(merkle.Root(leaves)); p.MerkleRoot != want {
		t.Errorf("root %s, want %s over the loans' canonical records", p.MerkleRoot, want)
	}
	var published loantape.TapeAggregates
	if err := json.Unmarshal(p.Aggregates, &published); err != nil {
		t.Fatal(err)
	}
	if !published.Equal(agg.Aggregates()) {
		t.Errorf("published aggregates differ from the loans':\n%s\n%s", p.Aggregates, js(t, agg.Aggregates()))
	}
	w.Refused(errs.WrongState, w.Servicer, "Pool:Seal", "P1")
	if r := w.AddLoans("P1", 3, contracttest.Loans(t, 77, 2)); r.ErrCode() != errs.WrongState {
		t.Fatalf("adding to a sealed pool: %s", r.Message)
	}
}

func TestLoanProofs(t *testing.T) {
	w := contracttest.New(t)
	loans := w.SealedPool("P1", 8, 37, 10)
	root := contracttest.Decode[schema.PoolView](t, w.Must(w.NoRole, "Pool:Get", "P1")).Pool.MerkleRoot
	for _, i := range []int{0, 17, 36} {
		lp := contracttest.Decode[schema.LoanProof](t, w.Must(w.Trustee, "Pool:GetLoan", "P1", loans[i].AssetNumber))
		if string(lp.Loan.Canonical()) != string(loans[i].Canonical()) || lp.Proof.Index != i || lp.Root != root {
			t.Fatalf("loan %d: %+v", i, lp)
		}
		r, _ := merkle.ParseHash(root)
		if err := merkle.Verify(r, merkle.LeafHash(loans[i].Canonical()), lp.Proof); err != nil {
			t.Fatalf("loan %d: the proof does not verify off chain: %v", i, err)
		}
		// Anyone in the consortium verifies against the public root.
		ok := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "P1", js(t, lp.Loan), js(t, lp.Proof)))
		if !ok.Valid {
			t.Fatalf("loan %d: %+v", i, ok)
		}
		tampered := lp.Loan
		tampered.ReportingPeriodActualEndBalanceAmount += money.Cents(1)
		if v := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "P1", js(t, tampered), js(t, lp.Proof))); v.Valid || v.Reason == "" {
			t.Fatalf("a tampered loan verified: %+v", v)
		}
		resized := lp.Proof
		resized.Size++
		if v := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "P1", js(t, lp.Loan), js(t, resized))); v.Valid {
			t.Fatalf("a proof for another tree size verified: %+v", v)
		}
	}
	w.Refused(errs.BadInput, w.NoRole, "Pool:VerifyLoan", "P1", `{"assetNumber":1}`, js(t, merkle.Proof{}))
	if v := contracttest.Decode[schema.Verification](t, w.Must(w.NoRole, "Pool:VerifyLoan", "P1", "{}", `{"index":0}`)); v.Valid {
		t.Fatalf("an empty loan and proof verified: %+v", v)
	}
	w.Refused(errs.BadInput, w.NoRole, "Pool:VerifyLoan", "P1", js(t, loans[0]), `{"index":0,"size":37,"path":["zz"],"x":1}`)
	w.Refused(errs.NotFound, w.Trustee, "Pool:GetLoan", "P1", "999")
	w.Refused(errs.Forbidden, w.Compliance[w.Net.Investors], "Pool:GetLoan", "P1", loans[0].AssetNumber)
	w.Refused(errs.Forbidden, w.Foreign, "Pool:VerifyLoan", "P1", js(t, loans[0]), "{}")
	w.CreatePool("OPEN")
	w.Refused(errs.WrongState, w.Trustee, "Pool:GetLoan", "OPEN", loans[0].AssetNumber)
}

// A servicer of another organisation can neither add loans to the pool
// nor read them: the consortium is changed so that the investor bank may
// service pools too.
func TestOnlyThePoolsServicer(t *testing.T) {
	w := contracttest.New(t)
	loans := w.SealedPool("P1", 9, 4, 4)
	w.CreatePool("P2")
	next := w.Net.Config
	next.Orgs = slices.Clone(next.Orgs)
	for i := range next.Orgs {
		if next.Orgs[i].MSP == w.Net.Investors {
			next.Orgs[i].Roles = next.Orgs[i].Roles.With(roles.Servicer)
		}
	}
	hash := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[w.Net.Trustee], "Admin:ProposeConfig", js(t, next))).Hash
	w.Must(w.Admins[w.Net.Investors], "Admin:ApproveConfig", hash)
	other := w.Identity(w.Net.Investors, "servicer3", stubtest.Attr(roles.RoleAttribute, "servicer"))
	w.RefusedWith(errs.Forbidden, other, "Pool:AddLoans", []string{"P2", "0"}, contracttest.LoansTransient(t, loans))
	w.Refused(errs.Forbidden, other, "Pool:Seal", "P2")
	w.Refused(errs.Forbidden, other, "Pool:GetLoan", "P1", loans[0].AssetNumber)
}

// A 1,000-loan pool is proved in one query.
func TestProofOfAThousandLoanPool(t *testing.T) {
	w := contracttest.New(t)
	loans := w.SealedPool("BIG", 10, 1000, 500)
	last := loans[len(loans)-1]
	lp := contracttest.Decode[schema.LoanProof](t, w.Must(w.Servicer, "Pool:GetLoan", "BIG", last.AssetNumber))
	if lp.Proof.Size != 1000 || lp.Proof.Index != 999 || len(lp.Proof.Path) > 10 {
		t.Fatalf("proof %+v", lp.Proof)
	}
	if v := contracttest.Decode[schema.Verification](t, w.Must(w.Auditor, "Pool:VerifyLoan", "BIG", js(t, lp.Loan), js(t, lp.Proof))); !v.Valid {
		t.Fatalf("%+v", v)
	}
}

func sum(loans []loantape.Loan) money.Amount {
	var s money.Amount
	for _, l := range loans {
		s += l.ReportingPeriodActualEndBalanceAmount
	}
	return s
}

func compositeKey(t testing.TB, objectType string, attrs ...string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
