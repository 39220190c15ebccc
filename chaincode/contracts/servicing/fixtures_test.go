package servicing_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/test-network/autodeal"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// world is the test network's channel (contracttest) with this
// package's readers of the deals' books.
type world struct{ *contracttest.World }

func newWorld(tb testing.TB) *world { return &world{contracttest.New(tb)} }

// dealFixture is a sealed pool of simulated loans (the simulator kept to
// report its months), a deal with A, B and C notes and a residual
// certificate placed with investors at two banks, and its waterfall set.
type dealFixture struct {
	w       *world
	sim     *loansim.Simulator
	pool    string
	deal    string
	classes []string // A, B, C, Certificates
	tranche map[string]string
	faces   map[string]money.Amount
	balance money.Amount
	// investors: alice and anna at the servicer's bank, bob and bella at
	// the investor bank.
	alice, anna, bob, bella *stubtest.Identity
	holders                 map[string]map[*stubtest.Identity]int64 // tranche → holder → units
	chunkSize               int
	// unissued are units of a class left unissued at closing, by class.
	unissued map[string]int64
	// editDefinition, if set, rewrites the waterfall definition's JSON.
	editDefinition func(string) string
	// seasoned, if set, builds the deal as moved onto the ledger mid-life
	// and opens it from this certificate (withSeasoning).
	seasoned *waterfall.Onboarding
	// floatA, if set, makes class A float on that index (+ 1 %), and
	// fixingRules are the terms' rules for fixing indexes from sources.
	floatA      string
	fixingRules []fixing.Rule
	// tapeChunk, if set, adds the tape in chunks of that declared size
	// (kept a chunk to a value) instead of in order.
	tapeChunk int
}

// dealOption varies the fixture.
type dealOption func(*dealFixture)

// withUnissued leaves n units of class unissued at closing, so that a
// test can issue and place them later.
func withUnissued(class string, n int64) dealOption {
	return func(d *dealFixture) { d.unissued[class] = n }
}

// withDefinition rewrites the waterfall definition's JSON before
// SetWaterfall.
func withDefinition(edit func(string) string) dealOption {
	return func(d *dealFixture) { d.editDefinition = edit }
}

// withFloatingA makes class A pay index + 1 % and sets the terms' fixing
// rules.
func withFloatingA(index string, rules ...fixing.Rule) dealOption {
	return func(d *dealFixture) { d.floatA, d.fixingRules = index, rules }
}

// withChunkedTape adds the pool's tape in chunks of a declared size, so
// each chunk is kept as one value and reports find cut-off balances in
// the chunks' indexes.
func withChunkedTape(size int) dealOption {
	return func(d *dealFixture) { d.tapeChunk = size }
}

// newDeal builds the fixture over n loans, reported in chunks of
// chunkSize rows, with the waterfall set and the reserve funded.
func newDeal(t testing.TB, w *world, n, chunkSize int, opts ...dealOption) *dealFixture {
	t.Helper()
	return buildDeal(t, w, n, chunkSize, true, true, opts...)
}

func buildDeal(t testing.TB, w *world, n, chunkSize int, servicingSet, fundReserve bool, opts ...dealOption) *dealFixture {
	t.Helper()
	d := &dealFixture{w: w, pool: "POOL-1", deal: "AUTO-1", classes: []string{"A", "B", "C", "Certificates"},
		tranche: map[string]string{"A": "AUTO-1-A", "B": "AUTO-1-B", "C": "AUTO-1-C", "Certificates": "AUTO-1-R"},
		faces:   map[string]money.Amount{}, holders: map[string]map[*stubtest.Identity]int64{}, chunkSize: chunkSize,
		unissued: map[string]int64{}}
	for _, o := range opts {
		o(d)
	}
	d.sim = contracttest.Simulator(t, 42, n)
	loans := slices.Collect(d.sim.Tape())
	d.balance = autodeal.Balance(loans)
	if d.seasoned != nil {
		d.sealSeasonedTape(t, loans)
	} else if d.tapeChunk > 0 {
		w.SealChunkedPool(d.pool, loans, d.tapeChunk)
	} else {
		w.SealPool(d.pool, loans, 500)
	}

	whole := func(permille int64) money.Amount { return money.FromMajor(d.balance.Cents() * permille / 1000 / 100) }
	d.faces = map[string]money.Amount{"A": whole(800), "B": whole(70), "C": whole(50), "Certificates": whole(5)}
	tr := func(class string, seniority int, coupon string) deal.TrancheInput {
		in := w.Tranche(d.tranche[class], class, seniority, d.faces[class])
		if coupon == "" {
			in.Kind, in.Coupon = schema.KindCertificate, nil
		} else if class == "A" && d.floatA != "" {
			in.Coupon.Fixed, in.Coupon.Index, in.Coupon.Margin = nil, d.floatA, decimal.RequireFromString("0.01")
		} else {
			*in.Coupon.Fixed = decimal.RequireFromString(coupon)
		}
		return in
	}
	w.CreateDeal(deal.DealInput{ID: d.deal, Name: "Tranchenet Auto 2026-1", Pool: d.pool,
		RequiredCollateralization: decimal.RequireFromString("0.93"),
		Tranches:                  []deal.TrancheInput{tr("A", 1, "0.045"), tr("B", 2, "0.055"), tr("C", 3, "0.065"), tr("Certificates", 4, "")}})

	d.alice, d.anna = w.AttestedInvestor(w.Net.Servicer, "alice"), w.AttestedInvestor(w.Net.Servicer, "anna")
	d.bob, d.bella = w.AttestedInvestor(w.Net.Investors, "bob"), w.AttestedInvestor(w.Net.Investors, "bella")
	placeAll := func() {
		d.place("A", map[*stubtest.Identity]int64{d.alice: 40, d.anna: 10, d.bob: 30, d.bella: 20})
		d.place("B", map[*stubtest.Identity]int64{d.bob: 70, d.alice: 30})
		d.place("C", map[*stubtest.Identity]int64{d.bella: 100})
		d.place("Certificates", map[*stubtest.Identity]int64{d.anna: 50, d.bob: 50})
	}
	if d.seasoned == nil {
		placeAll()
	}

	if !servicingSet {
		return d
	}
	w.Must(w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 1))
	reserve := d.reserveInitial()
	if d.seasoned != nil {
		// A seasoned deal's units are issued once it is opened, at the
		// certificate's factors; its reserve holds the certificate's balance.
		w.Must(w.Trustee, "Servicing:OpenAt", d.deal, string(contracttest.MustCanon(t, *d.seasoned)))
		placeAll()
		reserve = d.seasoned.Reserves[0].Balance
	}
	// The settlement agent issues cash: the arranger funds the reserve, the
	// servicer will remit collections.
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000000.00", "statement 2026-01")
	w.Must(w.Settlement, "Cash:Mint", "500000000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Arranger), reserve.String())
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Servicer), "100000000.00")
	if fundReserve {
		w.Must(w.Arranger, "Servicing:FundReserve", d.deal, "reserve", reserve.String())
	}
	return d
}

// place issues a tranche's whole face (unit face 1.00), less what the
// fixture leaves unissued, and places it by percentage.
func (d *dealFixture) place(class string, pct map[*stubtest.Identity]int64) {
	w, id := d.w, d.tranche[class]
	units := d.faces[class].Cents()/100 - d.unissued[class]
	w.Must(w.Arranger, "Deal:Issue", id, fmt.Sprint(units))
	d.holders[id] = map[*stubtest.Identity]int64{}
	left := units
	for _, h := range []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella} {
		p, ok := pct[h]
		if !ok {
			continue
		}
		u := units * p / 100
		if u > left || len(d.holders[id]) == len(pct)-1 {
			u = left
		}
		w.Must(w.Trustee, "Deal:Place", id, w.Key(h), fmt.Sprint(u))
		d.holders[id][h], left = u, left-u
	}
}

func (d *dealFixture) reserveInitial() money.Amount { return money.Amount(d.balance.Cents() / 200) }

// terms is SetWaterfall's argument for definition version v.
func (d *dealFixture) terms(t testing.TB, version int) string {
	t.Helper()
	w := d.w
	terms := autodeal.AutoWaterfall{Deal: d.deal, Version: version, PoolBalance: d.balance, Faces: d.faces,
		Reserve: d.reserveInitial(), Residual: "Certificates", Tranches: d.tranche,
		ServicingPayee: w.Key(w.Servicer), TrusteePayee: w.Key(w.Trustee)}.Terms()
	if d.editDefinition != nil {
		terms.Definition = []byte(d.editDefinition(string(terms.Definition)))
	}
	terms.Seasoned = d.seasoned != nil
	if d.floatA != "" {
		terms.Definition = []byte(strings.Replace(string(terms.Definition), `"coupon": {"fixed": "0.045"}`,
			fmt.Sprintf(`"coupon": {"index": %q, "margin": "0.01"}`, d.floatA), 1))
		terms.Fixings = d.fixingRules
	}
	return string(contracttest.MustCanon(t, terms))
}

// month is one simulated month's report: rows, chunks and totals.
type month struct {
	period loantape.Period
	rows   []loantape.PeriodRow
	chunks []loantape.ReportChunk
	agg    loantape.ReportAggregates
}

// collections is the cash the servicer remits for the month.
func (m month) collections() money.Amount {
	a := m.agg
	return a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
}

// nextMonth advances the simulator one month and cuts the rows into
// chunks (file lines from 2, after a header).
func (d *dealFixture) nextMonth(t testing.TB) month {
	t.Helper()
	var m month
	var err error
	if m.period, err = d.sim.Advance(func(r loantape.PeriodRow) error { m.rows = append(m.rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	g := loantape.NewReportAggregator(m.period)
	for _, r := range m.rows {
		if err := g.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	m.agg = g.Aggregates()
	m.chunks = reportChunks(t, m.rows, d.chunkSize, m.period)
	return m
}

// reportChunks cuts a period's rows into report chunks of size rows, as
// the gateway would send them (the first data line is line 2).
func reportChunks(t testing.TB, rows []loantape.PeriodRow, size int, period loantape.Period) []loantape.ReportChunk {
	t.Helper()
	var out []loantape.ReportChunk
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(rows, 2), size, period) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func (d *dealFixture) header(t testing.TB, m month) string {
	return string(contracttest.MustCanon(t, schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks)}))
}

func chunkTransient(t testing.TB, c loantape.ReportChunk) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{servicing.TransientChunk: contracttest.MustCanon(t, c)})
}

// report submits the month's report and all its chunks.
func (d *dealFixture) report(t testing.TB, m month) {
	t.Helper()
	w := d.w
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	for _, c := range m.chunks {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, fmt.Sprint(m.period.Number)}, chunkTransient(t, c))
	}
}

// runPeriod reports, remits and certifies the next month.
func (d *dealFixture) runPeriod(t testing.TB) (month, schema.Certification) {
	t.Helper()
	m := d.nextMonth(t)
	return m, d.reportAndCertify(t, m)
}

// reportAndCertify reports, remits and certifies a month.
func (d *dealFixture) reportAndCertify(t testing.TB, m month) schema.Certification {
	t.Helper()
	d.report(t, m)
	w := d.w
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	w.Must(w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))
	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, fmt.Sprint(m.period.Number)))
	return cert
}

// newDealWithoutWaterfall is newDeal before SetWaterfall (and without
// cash).
func newDealWithoutWaterfall(t testing.TB, w *world) *dealFixture {
	t.Helper()
	return buildDeal(t, w, 60, 25, false, false)
}

// claimable is what holder could claim of tranche now, as the trustee
// reads it.
func (w *world) claimable(t *testing.T, tranche string, holder *stubtest.Identity) money.Amount {
	t.Helper()
	return contracttest.Decode[schema.Accrual](t, w.Must(w.Trustee, "Servicing:Accrued", tranche, w.Key(holder))).Claimable
}
