package contracts_test

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// transactionFunctions lists "Contract:Function" for every transaction
// function of every tranchenet contract (the deployment probe aside).
func transactionFunctions() []string {
	ctxType := reflect.TypeFor[*txn.Context]()
	var out []string
	for _, c := range contracts.All() {
		name := c.(interface{ GetName() string }).GetName()
		if name == "Probe" {
			continue
		}
		t := reflect.TypeOf(c)
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			if m.Type.NumIn() > 1 && m.Type.In(1) == ctxType {
				out = append(out, name+":"+m.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestEndorsementTableCoversEveryTransaction(t *testing.T) {
	fns := transactionFunctions()
	for _, fn := range fns {
		if _, ok := contracts.Endorsement[fn]; !ok {
			t.Errorf("%s has no entry in contracts.Endorsement", fn)
		}
	}
	for fn := range contracts.Endorsement {
		if !slices.Contains(fns, fn) {
			t.Errorf("contracts.Endorsement names %s, which is not a transaction function", fn)
		}
	}
	if len(fns) < 40 {
		t.Fatalf("only %d transaction functions found: %v", len(fns), fns)
	}
}

// principal names of the authorization matrix. The investor bank's
// identities are the subject of the per-identity functions: "investor" is
// bob, a holder at that bank; "compliance" and "admin" are that bank's,
// "compliance (other bank)" the servicer bank's.
const (
	pAdmin        = "admin"
	pTrustee      = "trustee"
	pArranger     = "arranger"
	pSettlement   = "settlement"
	pServicer     = "servicer"
	pCompliance   = "compliance"
	pOtherCompl   = "compliance (other bank)"
	pInvestor     = "investor"
	pAuditor      = "auditor"
	pNoRole       = "no role"
	pForeign      = "foreign MSP"
	matrixPrefix  = "MATRIX"
	matrixPool    = "POOL-M"
	matrixTranche = "DEAL-1-A"
)

// matrixContracts are the contracts whose every function the matrix must
// cover; later contracts (Servicing, Settlement) add their rows or keep
// their own matrix built on contracttest.
var matrixContracts = []string{"Admin", "Identity", "Pool", "Deal", "Token", "Cash"}

var principals = []string{pAdmin, pTrustee, pArranger, pSettlement, pServicer, pCompliance, pOtherCompl, pInvestor, pAuditor, pNoRole, pForeign}

// allow builds an expectation: the named principals succeed, everyone
// else is refused with FORBIDDEN.
func allow(ps ...string) map[string]errs.Code {
	m := map[string]errs.Code{}
	for _, p := range ps {
		m[p] = ""
	}
	return m
}

// members are every principal of the consortium, with or without a role.
var members = []string{pAdmin, pTrustee, pArranger, pSettlement, pServicer, pCompliance, pOtherCompl, pInvestor, pAuditor, pNoRole}

// withRole are the members holding at least one role.
var withRole = []string{pAdmin, pTrustee, pArranger, pSettlement, pServicer, pCompliance, pOtherCompl, pInvestor, pAuditor}

type matrixCase struct {
	fn     string
	args   []string
	opts   []stubtest.InvokeOption
	expect map[string]errs.Code
}

// TestAuthorizationMatrix calls every transaction function as every role,
// as an identity with no role and as an identity of an organisation
// outside the consortium, against one prepared ledger, and requires
// exactly the expected principals to get through; everyone else must be
// refused with FORBIDDEN and change nothing. Calls are simulated on the
// peers the endorsement table names and never committed, so every case
// sees the same state.
func TestAuthorizationMatrix(t *testing.T) {
	w, cases := matrixWorld(t)
	ids := matrixIdentities(w)
	covered := map[string]bool{}
	before := w.Snapshot()
	for _, c := range cases {
		covered[c.fn] = true
		for _, p := range principals {
			want, allowed := c.expect[p]
			if !allowed {
				want = errs.Forbidden
			}
			r := w.Try(ids[p], c.fn, c.args, c.opts...)
			got := r.ErrCode()
			if got != want {
				t.Errorf("%-22s as %-24s: got %q (%s), want %q", c.fn, p, got, r.Message, orOK(want))
			}
			// Every state change is announced; queries announce nothing.
			kind := contracts.Endorsement[c.fn]
			query := kind == schema.Query || kind == schema.QueryOnTrustee
			if got == "" && query != (r.Event == nil) {
				t.Errorf("%s as %s: query=%v but event %v", c.fn, p, query, r.EventTypes())
			}
		}
	}
	for _, fn := range transactionFunctions() {
		contract, _, _ := strings.Cut(fn, ":")
		if slices.Contains(matrixContracts, contract) && !covered[fn] {
			t.Errorf("%s is missing from the authorization matrix", fn)
		}
	}
	if diff := w.Diff(before); len(diff) > 0 {
		t.Fatalf("the matrix changed the ledger: %v", diff)
	}
}

func matrixIdentities(w *contracttest.World) map[string]*stubtest.Identity {
	return map[string]*stubtest.Identity{
		pAdmin: w.Admins[w.Net.Investors], pTrustee: w.Trustee, pArranger: w.Arranger, pSettlement: w.Settlement,
		pServicer: w.Servicer, pCompliance: w.Compliance[w.Net.Investors], pOtherCompl: w.Compliance[w.Net.Servicer],
		pInvestor: w.Investor(w.Net.Investors, "bob"), pAuditor: w.Auditor, pNoRole: w.NoRole, pForeign: w.Foreign,
	}
}

func orOK(c errs.Code) string {
	if c == "" {
		return "success"
	}
	return string(c)
}

// matrixWorld prepares a ledger on which every allowed case succeeds.
func matrixWorld(t *testing.T) (*contracttest.World, []matrixCase) {
	w := contracttest.New(t)
	f := w.Standard()
	alice, anna, bob, bella := f.Investors[0], f.Investors[1], f.Investors[2], f.Investors[3]
	w.IssueAndPlace(f.A, []*stubtest.Identity{alice, anna, bob}, []int64{5000, 5000, 5000})
	w.Must(w.Arranger, "Deal:Issue", f.A, "1000")
	w.Must(w.Trustee, "Token:Freeze", f.A, w.Key(anna), "all")
	w.Must(w.Trustee, "Identity:Freeze", w.Key(bella), "court order 7")
	w.Must(w.Trustee, "Token:Pause", f.R)
	loans := contracttest.Loans(t, 99, 6)
	w.CreatePool(matrixPool)
	if r := w.AddLoans(matrixPool, 0, loans[:3]); !r.OK() {
		t.Fatal(r.Message)
	}
	w.SealedPool(matrixPool+"-SEALED", 5, 4, 4) // for a new deal: a pool backs one deal
	w.CreatePool(matrixPool + "-CHUNKED")
	if r := w.AddSizedChunk(matrixPool+"-CHUNKED", 0, loans[3:], 4); !r.OK() {
		t.Fatal(r.Message)
	}
	cfg2 := w.Net.Config
	cfg2.Orgs = slices.Clone(cfg2.Orgs)
	cfg2.Orgs[1].Roles = cfg2.Orgs[1].Roles.With(roles.Arranger)
	hash := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[w.Net.Trustee], "Admin:ProposeConfig", string(mustCanon(t, cfg2)))).Hash
	cfg3 := w.Net.Config
	cfg3.Orgs = slices.Clone(cfg3.Orgs)
	cfg3.Orgs[2].Roles = cfg3.Orgs[2].Roles.With(roles.Settlement)
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "sha256:statement-1")
	w.Must(w.Settlement, "Cash:Mint", "100000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(bob), "1000.00")

	proof := w.Must(w.Trustee, "Pool:GetLoan", f.Pool, f.Loans[3].AssetNumber)
	lp := contracttest.Decode[schema.LoanProof](t, proof)
	dossier := stubtest.Transient(map[string][]byte{identity.TransientDossier: []byte(`{"name":"bob","salt":"42"}`)})
	dossiers := stubtest.Transient(map[string][]byte{identity.TransientDossiers: []byte(`["eyJuYW1lIjoiYm9iIn0="]`)}) // [{"name":"bob"}]
	bobBatch := []identity.AttestationInput{{Investor: w.Key(bob), Claims: contracttest.Claims("GB")}}
	newDeal := deal.DealInput{ID: "DEAL-M", Name: "matrix deal", Pool: matrixPool + "-SEALED", RequiredCollateralization: decimalOne,
		Tranches: []deal.TrancheInput{w.Tranche("DEAL-M-A", "A", 1, 1000_00)}}
	key := w.Key
	everyone := allow(members...)
	anyRole := allow(withRole...)
	cases := []matrixCase{
		{fn: "Admin:Init", args: []string{string(mustCanon(t, w.Net.Config))}, expect: map[string]errs.Code{pAdmin: errs.AlreadyExists}},
		{fn: "Admin:ProposeConfig", args: []string{string(mustCanon(t, cfg3))}, expect: allow(pAdmin)},
		{fn: "Admin:ApproveConfig", args: []string{hash}, expect: allow(pAdmin)},
		{fn: "Admin:GrantRole", args: []string{key(w.NoRole), "investor"}, expect: allow(pAdmin)},
		{fn: "Admin:RevokeRole", args: []string{key(w.Auditor), "auditor"}, expect: allow(pAdmin)},
		{fn: "Admin:Roles", args: []string{key(w.Trustee)}, expect: everyone},
		{fn: "Admin:WhoAmI", expect: everyone},
		{fn: "Admin:Config", expect: everyone},
		{fn: "Admin:Proposal", args: []string{hash}, expect: everyone},

		{fn: "Identity:Attest", args: []string{key(bob), string(mustCanon(t, contracttest.Claims("GB")))}, opts: []stubtest.InvokeOption{dossier}, expect: allow(pCompliance)},
		{fn: "Identity:AttestMany", args: []string{string(mustCanon(t, bobBatch))}, opts: []stubtest.InvokeOption{dossiers}, expect: allow(pCompliance)},
		{fn: "Identity:Revoke", args: []string{key(bob)}, expect: allow(pCompliance)},
		{fn: "Identity:Freeze", args: []string{key(bob), "suspicious activity report"}, expect: allow(pTrustee, pCompliance)},
		{fn: "Identity:Unfreeze", args: []string{key(bella)}, expect: allow(pTrustee, pCompliance)},
		{fn: "Identity:GetClaims", args: []string{key(bob)}, expect: allow(pInvestor, pTrustee, pCompliance, pOtherCompl, pAdmin)},
		{fn: "Identity:GetDossier", args: []string{key(bob)}, expect: allow(pCompliance, pAdmin)},

		{fn: "Pool:Create", args: []string{fmt.Sprintf(`{"id":"%s-NEW","name":"n","originator":"%s","servicer":"%s","cutoffDate":"2025-12-31"}`, matrixPrefix, w.Net.Servicer, w.Net.Servicer)}, expect: allow(pArranger)},
		{fn: "Pool:AddLoans", args: []string{matrixPool, "1"}, opts: []stubtest.InvokeOption{contracttest.LoansTransient(t, loans[3:])}, expect: allow(pServicer)},
		{fn: "Pool:CheckTape", args: []string{matrixPool + "-CHUNKED"}, expect: allow(pServicer, pArranger)},
		{fn: "Pool:Seal", args: []string{matrixPool}, expect: allow(pServicer, pArranger)},
		{fn: "Pool:SealCardSeries", args: []string{matrixPool, "NO-TRUST", "S"}, expect: map[string]errs.Code{pArranger: errs.WrongState}}, // not a cards pool
		{fn: "Pool:Get", args: []string{f.Pool}, expect: everyone},
		{fn: "Pool:GetLoan", args: []string{f.Pool, f.Loans[3].AssetNumber}, expect: allow(pTrustee, pArranger, pServicer)},
		{fn: "Pool:VerifyLoan", args: []string{f.Pool, string(mustCanon(t, lp.Loan)), string(mustCanon(t, lp.Proof))}, expect: everyone},

		{fn: "Deal:Create", args: []string{string(mustCanon(t, newDeal))}, expect: allow(pArranger)},
		{fn: "Deal:AddDocument", args: []string{f.Deal, "offering memorandum", "https://docs.example/om.pdf", sha('a')}, expect: allow(pArranger)},
		{fn: "Deal:Issue", args: []string{f.B, "100"}, expect: allow(pArranger)},
		{fn: "Deal:Place", args: []string{f.A, key(bob), "100"}, expect: allow(pTrustee, pArranger)},
		{fn: "Deal:PlaceMany", args: []string{f.A, `[{"investor":"` + key(bob) + `","units":100}]`}, expect: allow(pTrustee, pArranger)},
		{fn: "Deal:Get", args: []string{f.Deal}, expect: everyone},
		{fn: "Deal:GetTranche", args: []string{f.A}, expect: everyone},

		{fn: "Token:Transfer", args: []string{f.A, key(alice), "100"}, expect: allow(pInvestor)},
		{fn: "Token:CanTransfer", args: []string{f.A, key(bob), key(alice), "100"}, expect: anyRole},
		{fn: "Token:Freeze", args: []string{f.A, key(bob), "100"}, expect: allow(pTrustee)},
		{fn: "Token:Unfreeze", args: []string{f.A, key(anna)}, expect: allow(pTrustee)},
		{fn: "Token:ForcedTransfer", args: []string{f.A, key(bob), key(alice), "100", "court order 12"}, expect: allow(pTrustee)},
		{fn: "Token:Pause", args: []string{f.A}, expect: allow(pTrustee)},
		{fn: "Token:Resume", args: []string{f.R}, expect: allow(pTrustee)},
		{fn: "Token:Redeem", args: []string{f.A, key(bob), "100"}, expect: allow(pTrustee)},
		{fn: "Token:Position", args: []string{f.A, key(bob)}, expect: allow(pInvestor, pTrustee, pCompliance, pAdmin)},
		// A batch read admits any role; each item the caller may not see
		// carries Token:Position's refusal (TestBatchReadsRefuseItemByItem).
		{fn: "Token:Positions", args: []string{`[{"holder":"` + key(bob) + `","tranche":"` + f.A + `"}]`}, expect: anyRole},
		{fn: "Token:Holders", args: []string{f.A}, expect: allow(pTrustee)},
		{fn: "Token:Supply", args: []string{f.A}, expect: everyone},

		{fn: "Cash:AttestReserves", args: []string{"2000000.00", "sha256:statement-2"}, expect: allow(pSettlement)},
		{fn: "Cash:Mint", args: []string{"500.00"}, expect: allow(pSettlement)},
		{fn: "Cash:Burn", args: []string{"500.00"}, expect: allow(pSettlement)},
		{fn: "Cash:Pay", args: []string{key(alice), "500.00"}, expect: allow(pSettlement)},
		{fn: "Cash:Transfer", args: []string{key(alice), "10.00"}, expect: allow(pInvestor)},
		{fn: "Cash:Return", args: []string{"10.00"}, expect: allow(pInvestor)},
		{fn: "Cash:Balance", args: []string{key(bob)}, expect: allow(pInvestor, pTrustee, pCompliance, pAdmin)},
		{fn: "Cash:Balances", args: []string{`["` + key(bob) + `"]`}, expect: anyRole},
		{fn: "Cash:Supply", expect: everyone},
	}
	return w, cases
}

var decimalOne = decimal.NewFromInt(1)

func sha(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func mustCanon(t testing.TB, v any) []byte {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
