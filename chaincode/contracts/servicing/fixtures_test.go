package servicing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape/loansim"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

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
	sim, err := loansim.New(loansim.PoolSpec{Seed: 42, Loans: n, Cutoff: contracttest.Cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	d.sim = sim
	var loans []loantape.Loan
	for l := range sim.Tape() {
		loans = append(loans, l)
		d.balance += l.ReportingPeriodActualEndBalanceAmount
	}
	w.must(w.arranger, "Pool:Create", string(mustCanon(t, pool.CreateInput{ID: d.pool, Name: "Auto pool", Originator: w.net.Servicer,
		Servicer: w.net.Servicer, CutoffDate: contracttest.Cutoff.LastDay().String()})))
	for c := 0; c*500 < n; c++ {
		part := loans[c*500 : min((c+1)*500, n)]
		w.mustWith(w.servicer, "Pool:AddLoans", []string{d.pool, fmt.Sprint(c)},
			stubtest.Transient(map[string][]byte{pool.TransientLoans: mustCanon(t, part)}))
	}
	w.must(w.servicer, "Pool:Seal", d.pool)

	whole := func(permille int64) money.Amount { return money.FromMajor(d.balance.Cents() * permille / 1000 / 100) }
	d.faces = map[string]money.Amount{"A": whole(800), "B": whole(70), "C": whole(50), "Certificates": whole(5)}
	rate := func(s string) *decimal.Decimal { r := decimal.RequireFromString(s); return &r }
	tr := func(class string, seniority int, coupon *decimal.Decimal) deal.TrancheInput {
		in := deal.TrancheInput{ID: d.tranche[class], Class: class, Seniority: seniority, Kind: model.KindNote,
			OriginalFace: d.faces[class], UnitFace: money.FromMajor(1),
			LegalFinalDate: daycount.NewDate(2032, time.June, 15), Rules: d.rules()}
		if coupon == nil {
			in.Kind = model.KindCertificate
		} else {
			in.Coupon = &model.Coupon{Fixed: coupon, DayCount: daycount.Thirty360}
		}
		return in
	}
	w.must(w.arranger, "Deal:Create", string(mustCanon(t, deal.DealInput{ID: d.deal, Name: "Tranchenet Auto 2026-1", Pool: d.pool,
		RequiredCollateralization: decimal.RequireFromString("0.93"),
		Tranches:                  []deal.TrancheInput{tr("A", 1, rate("0.045")), tr("B", 2, rate("0.055")), tr("C", 3, rate("0.065")), tr("Certificates", 4, nil)}})))

	d.alice, d.anna = d.investor(w.net.Servicer, "alice"), d.investor(w.net.Servicer, "anna")
	d.bob, d.bella = d.investor(w.net.Investors, "bob"), d.investor(w.net.Investors, "bella")
	d.place("A", map[*stubtest.Identity]int64{d.alice: 40, d.anna: 10, d.bob: 30, d.bella: 20})
	d.place("B", map[*stubtest.Identity]int64{d.bob: 70, d.alice: 30})
	d.place("C", map[*stubtest.Identity]int64{d.bella: 100})
	d.place("Certificates", map[*stubtest.Identity]int64{d.anna: 50, d.bob: 50})

	if !servicingSet {
		return d
	}
	w.must(w.arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 1))
	// The settlement agent issues cash: the arranger funds the reserve, the
	// servicer will remit collections.
	w.must(w.settlement, "Cash:AttestReserves", "1000000000.00", "statement 2026-01")
	w.must(w.settlement, "Cash:Mint", "500000000.00")
	w.must(w.settlement, "Cash:Pay", w.key(w.arranger), d.reserveInitial().String())
	w.must(w.settlement, "Cash:Pay", w.key(w.servicer), "100000000.00")
	if fundReserve {
		w.must(w.arranger, "Servicing:FundReserve", d.deal, "reserve", d.reserveInitial().String())
	}
	return d
}

func (d *dealFixture) rules() rules.TrancheRules {
	return rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US", "GB"},
		ConsortiumMSPs: d.w.net.Config.Custodians()}
}

// investor attests a new investor of bank msp.
func (d *dealFixture) investor(msp, name string) *stubtest.Identity {
	w := d.w
	id := w.Identity(msp, name, stubtest.Attr("tranchenet.role", "investor"))
	w.mustWith(w.compliance[msp], "Identity:Attest", []string{w.key(id), string(mustCanon(w.tb, contracttest.Claims("US")))},
		stubtest.Transient(map[string][]byte{identity.TransientDossier: []byte(`{"name":"` + name + `"}`)}))
	return id
}

// place issues a tranche's whole face (unit face 1.00), less what the
// fixture leaves unissued, and places it by percentage.
func (d *dealFixture) place(class string, pct map[*stubtest.Identity]int64) {
	w, id := d.w, d.tranche[class]
	units := d.faces[class].Cents()/100 - d.unissued[class]
	w.must(w.arranger, "Deal:Issue", id, fmt.Sprint(units))
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
		w.must(w.trustee, "Deal:Place", id, w.key(h), fmt.Sprint(u))
		d.holders[id][h], left = u, left-u
	}
}

func (d *dealFixture) reserveInitial() money.Amount { return money.Amount(d.balance.Cents() / 200) }

// terms is SetWaterfall's argument for definition version v.
func (d *dealFixture) terms(t testing.TB, version int) string {
	t.Helper()
	def := fmt.Sprintf(`{
  "version": %d, "deal": "AUTO-1", "closingDate": "2026-01-20", "initialPoolBalance": %q, "dayCount": "30/360",
  "classes": [
    {"name": "A", "rank": 1, "originalBalance": %q, "coupon": {"fixed": "0.045"}},
    {"name": "B", "rank": 2, "originalBalance": %q, "coupon": {"fixed": "0.055"}},
    {"name": "C", "rank": 3, "originalBalance": %q, "coupon": {"fixed": "0.065"}},
    {"name": "Certificates", "rank": 4, "originalBalance": "0", "residual": true}
  ],
  "fees": [{"name": "servicing", "annualRate": "0.01"}, {"name": "trustee", "fixed": "500.00"}],
  "reserves": [{"name": "reserve", "initialBalance": %q, "target": {"fraction": "0.005", "of": "initialPool"}}],
  "triggers": [{"name": "delinquency turbo", "test": "delinquency", "schedule": [{"fromPeriod": 1, "value": "0.05"}],
    "curable": true, "effect": "turbo"}],
  "ocTarget": {"fraction": "0.08", "of": "currentPool", "floorFraction": "0.005"},
  "steps": [
    {"kind": "trigger", "triggers": ["delinquency turbo"]},
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["B"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B"], "reserveDraw": "reserve"},
    {"kind": "interest", "classes": ["C"], "reserveDraw": "reserve"},
    {"kind": "principal", "amount": "notesOverPool", "allocation": "sequential", "classes": ["A", "B", "C"], "reserveDraw": "reserve"},
    {"kind": "reserve", "account": "reserve", "action": "deposit"},
    {"kind": "principal", "amount": "regular", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "principal", "amount": "turbo", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": "Certificates"}
  ],
  "accelerationSteps": [
    {"kind": "fee", "fee": "servicing"},
    {"kind": "fee", "fee": "trustee"},
    {"kind": "interest", "classes": ["A"]},
    {"kind": "interest", "classes": ["B"]},
    {"kind": "interest", "classes": ["C"]},
    {"kind": "principal", "amount": "remaining", "allocation": "sequential", "classes": ["A", "B", "C"]},
    {"kind": "residual", "class": "Certificates"}
  ]
}`, version, d.balance, d.faces["A"], d.faces["B"], d.faces["C"], d.reserveInitial())
	if d.editDefinition != nil {
		def = d.editDefinition(def)
	}
	terms := servicing.WaterfallTerms{Definition: []byte(def), PaymentDay: 15,
		FeePayees: []model.FeePayee{{Fee: "servicing", Payee: d.w.key(d.w.servicer)}, {Fee: "trustee", Payee: d.w.key(d.w.trustee)}}}
	for _, c := range d.classes {
		terms.Classes = append(terms.Classes, model.ClassTranche{Class: c, Tranche: d.tranche[c]})
	}
	return string(mustCanon(t, terms))
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
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(m.rows, 2), d.chunkSize, m.period) {
		if err != nil {
			t.Fatal(err)
		}
		m.chunks = append(m.chunks, c)
	}
	return m
}

func (d *dealFixture) header(t testing.TB, m month) string {
	return string(mustCanon(t, model.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks)}))
}

func chunkTransient(t testing.TB, c loantape.ReportChunk) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{servicing.TransientChunk: mustCanon(t, c)})
}

// report submits the month's report and all its chunks.
func (d *dealFixture) report(t testing.TB, m month) {
	t.Helper()
	w := d.w
	w.must(w.servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	for _, c := range m.chunks {
		w.mustWith(w.servicer, "Servicing:AddReportRows", []string{d.deal, fmt.Sprint(m.period.Number)}, chunkTransient(t, c))
	}
}

// runPeriod reports, remits and certifies the next month.
func (d *dealFixture) runPeriod(t testing.TB) (month, model.Certification) {
	t.Helper()
	m := d.nextMonth(t)
	d.report(t, m)
	d.w.must(d.w.servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	d.w.must(d.w.trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))
	cert := decode[model.Certification](t, d.w.must(d.w.auditor, "Servicing:GetCertification", d.deal, fmt.Sprint(m.period.Number)))
	return m, cert
}

// newDealWithoutWaterfall is newDeal before SetWaterfall (and without
// cash).
func newDealWithoutWaterfall(t testing.TB, w *world) *dealFixture {
	t.Helper()
	return buildDeal(t, w, 60, 25, false, false)
}
