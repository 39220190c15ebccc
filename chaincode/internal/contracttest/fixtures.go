package contracttest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/autodeal"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// Investor returns the investor client name of bank msp, holding the
// investor role through its certificate attribute (not yet attested).
func (w *World) Investor(msp, name string) *stubtest.Identity {
	key := msp + "/" + name
	if id, ok := w.investors[key]; ok {
		return id
	}
	id := w.Identity(msp, name, stubtest.Attr(roles.RoleAttribute, string(roles.Investor)))
	w.investors[key] = id
	return id
}

// Claims returns claims that pass every rule of DefaultRules: a qualified
// institutional buyer in the given jurisdiction, KYC and accreditation
// valid for five years from Start.
func Claims(jurisdiction string) identity.ClaimsInput {
	return identity.ClaimsInput{InvestorType: "qib", Jurisdiction: jurisdiction,
		KYCExpiry: Start.AddDate(5, 0, 0), AccreditationExpiry: Start.AddDate(5, 0, 0)}
}

// Attest has the investor's own bank's compliance officer attest claims,
// with a dossier naming the investor.
func (w *World) Attest(investor *stubtest.Identity, claims identity.ClaimsInput) {
	w.TB.Helper()
	dossier := fmt.Sprintf(`{"name":%q,"salt":"%x"}`, investor.Name(), w.now.UnixNano())
	w.MustWith(w.Compliance[investor.MSPID()], "Identity:Attest",
		[]string{w.Key(investor), string(MustCanon(w.TB, claims))},
		stubtest.Transient(map[string][]byte{identity.TransientDossier: []byte(dossier)}))
}

// AttestedInvestor is Investor plus Attest with Claims("US").
func (w *World) AttestedInvestor(msp, name string) *stubtest.Identity {
	w.TB.Helper()
	id := w.Investor(msp, name)
	w.Attest(id, Claims("US"))
	return id
}

// Cutoff is the cut-off month of the pools the harness builds.
var Cutoff = loantape.Month{Year: 2025, Month: time.December}

// Simulator returns a seeded simulator of n auto loans cut off at Cutoff
// (loansim), for a test that reports the pool's months as well.
func Simulator(tb testing.TB, seed uint64, n int) *loansim.Simulator {
	tb.Helper()
	sim, err := loansim.New(loansim.PoolSpec{Seed: seed, Loans: n, Cutoff: Cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		tb.Fatal(err)
	}
	return sim
}

// Loans returns n simulated auto loans (loansim, seeded).
func Loans(tb testing.TB, seed uint64, n int) []loantape.Loan {
	tb.Helper()
	return slices.Collect(Simulator(tb, seed, n).Tape())
}

// CreatePool has the arranger create an open pool serviced and originated
// by the servicer organisation, with the harness's cut-off date.
func (w *World) CreatePool(poolID string) {
	w.TB.Helper()
	in := pool.CreateInput{ID: poolID, Name: "Pool " + poolID, Originator: w.Net.Servicer, Servicer: w.Net.Servicer,
		CutoffDate: Cutoff.LastDay().String()}
	w.Must(w.Arranger, "Pool:Create", string(MustCanon(w.TB, in)))
}

// AddLoans has the servicer add loans as chunk number chunk.
func (w *World) AddLoans(poolID string, chunk int, loans []loantape.Loan) Result {
	w.TB.Helper()
	return w.CallWith(w.Servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(chunk)}, LoansTransient(w.TB, loans))
}

// LoansTransient is the transient data carrying loans.
func LoansTransient(tb testing.TB, loans []loantape.Loan) stubtest.InvokeOption {
	b, err := canon.Marshal(loans)
	if err != nil {
		tb.Fatal(err)
	}
	return stubtest.Transient(map[string][]byte{pool.TransientLoans: b})
}

// SealedPool creates a pool of n simulated loans, added in chunks of
// chunkSize, and seals it. It returns the loans in tape order.
func (w *World) SealedPool(poolID string, seed uint64, n, chunkSize int) []loantape.Loan {
	w.TB.Helper()
	loans := Loans(w.TB, seed, n)
	w.SealPool(poolID, loans, chunkSize)
	return loans
}

// SealPool creates a pool of the given loans, added in chunks of
// chunkSize, and seals it.
func (w *World) SealPool(poolID string, loans []loantape.Loan, chunkSize int) {
	w.TB.Helper()
	w.CreatePool(poolID)
	for chunk := 0; chunk*chunkSize < len(loans); chunk++ {
		part := loans[chunk*chunkSize : min((chunk+1)*chunkSize, len(loans))]
		if r := w.AddLoans(poolID, chunk, part); !r.OK() {
			w.TB.Fatalf("AddLoans chunk %d: %s", chunk, r.Message)
		}
	}
	w.Must(w.Servicer, "Pool:Seal", poolID)
}

// SizedChunkTransient carries a chunk's loans and the tape's declared
// chunk size: the chunk goes in concurrently and is kept as one value.
func SizedChunkTransient(tb testing.TB, loans []loantape.Loan, size string) stubtest.InvokeOption {
	b, err := canon.Marshal(loans)
	if err != nil {
		tb.Fatal(err)
	}
	return stubtest.Transient(map[string][]byte{pool.TransientLoans: b, pool.TransientChunkSize: []byte(size)})
}

// AddSizedChunk has the servicer add loans as chunk number chunk of a
// tape in chunks of size.
func (w *World) AddSizedChunk(poolID string, chunk int, loans []loantape.Loan, size int) Result {
	w.TB.Helper()
	return w.CallWith(w.Servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(chunk)}, SizedChunkTransient(w.TB, loans, fmt.Sprint(size)))
}

// SealChunkedPool creates a pool of the given loans, added in chunks of
// a declared size (a power of two) as the gateway sends them, checks the
// tape and seals it.
func (w *World) SealChunkedPool(poolID string, loans []loantape.Loan, size int) {
	w.TB.Helper()
	w.CreatePool(poolID)
	for chunk := 0; chunk*size < len(loans); chunk++ {
		if r := w.AddSizedChunk(poolID, chunk, loans[chunk*size:min((chunk+1)*size, len(loans))], size); !r.OK() {
			w.TB.Fatalf("AddLoans chunk %d of size %d: %s", chunk, size, r.Message)
		}
	}
	w.Must(w.Servicer, "Pool:CheckTape", poolID)
	w.Must(w.Servicer, "Pool:Seal", poolID)
}

// DefaultRules are permissive transfer rules: qualified institutional
// buyers in the US or GB at any custodian of the consortium.
func (w *World) DefaultRules() rules.TrancheRules {
	return rules.TrancheRules{
		EligibleInvestorTypes: []string{"qib", "institutional"},
		AllowedJurisdictions:  []string{"US", "GB"},
		ConsortiumMSPs:        w.Net.Config.Custodians(),
	}
}

// Tranche returns a note's terms: unit face 1.00, a 5% fixed coupon.
func (w *World) Tranche(id, class string, seniority int, face money.Amount) deal.TrancheInput {
	fixed := decimal.RequireFromString("0.05")
	return deal.TrancheInput{ID: id, Class: class, Seniority: seniority, Kind: schema.KindNote,
		OriginalFace: face, UnitFace: money.FromMajor(1),
		Coupon:         &schema.Coupon{Fixed: &fixed, DayCount: daycount.Thirty360},
		LegalFinalDate: daycount.NewDate(2032, time.June, 15), Rules: w.DefaultRules()}
}

// CreateDeal has the arranger create a deal on a sealed pool.
func (w *World) CreateDeal(in deal.DealInput) {
	w.TB.Helper()
	w.Must(w.Arranger, "Deal:Create", string(MustCanon(w.TB, in)))
}

// Fixture is the usual starting point: a sealed pool, a deal with a
// senior note A, a mezzanine note B and a residual certificate R sized
// to the pool, two attested investors at the servicer's bank and two at
// the investor bank.
type Fixture struct {
	Pool      string
	Deal      string
	A, B, R   string // tranche IDs
	Balance   money.Amount
	Loans     []loantape.Loan
	Investors []*stubtest.Identity // [0], [1] at the servicer bank; [2], [3] at the investor bank
}

// Standard builds the Fixture: a 24-loan pool in chunks of 10, a deal at
// required collateralization 1.00 whose tranches take 80%, 15% and 5% of
// the pool balance, rounded down to whole units.
func (w *World) Standard() Fixture {
	w.TB.Helper()
	f := Fixture{Pool: "POOL-1", Deal: "DEAL-1", A: "DEAL-1-A", B: "DEAL-1-B", R: "DEAL-1-R"}
	f.Loans = w.SealedPool(f.Pool, 7, 24, 10)
	f.Balance = autodeal.Balance(f.Loans)
	whole := func(pct int64) money.Amount { return money.FromMajor(f.Balance.Cents() * pct / 100 / 100) }
	a := w.Tranche(f.A, "A", 1, whole(80))
	b := w.Tranche(f.B, "B", 2, whole(15))
	r := w.Tranche(f.R, "R", 3, whole(5))
	r.Kind, r.Coupon = schema.KindCertificate, nil
	w.CreateDeal(deal.DealInput{ID: f.Deal, Name: "Deal " + f.Deal, Pool: f.Pool,
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{a, b, r}})
	f.Investors = []*stubtest.Identity{
		w.AttestedInvestor(w.Net.Servicer, "alice"), w.AttestedInvestor(w.Net.Servicer, "anna"),
		w.AttestedInvestor(w.Net.Investors, "bob"), w.AttestedInvestor(w.Net.Investors, "bella"),
	}
	return f
}

// IssueAndPlace issues units of a tranche and places them with investors
// (units[i] with investors[i]).
func (w *World) IssueAndPlace(trancheID string, investors []*stubtest.Identity, units []int64) {
	w.TB.Helper()
	var total int64
	for _, u := range units {
		total += u
	}
	w.Must(w.Arranger, "Deal:Issue", trancheID, fmt.Sprint(total))
	for i, inv := range investors {
		w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(inv), fmt.Sprint(units[i]))
	}
}
