package scheduler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// fakeLedger is one deal on a fake channel that keeps the chaincode's
// claim arithmetic: a tranche's cumulative per-unit index (whole cents
// per unit here) and each holder's index paid, so a second claim of the
// same period pays nothing, as on the real ledger.
type fakeLedger struct {
	mu        sync.Mutex
	deal      string
	status    schema.DealServicing
	wf        schema.Waterfall
	reports   map[int]schema.Report
	certs     map[int]schema.Certification
	fixings   map[int][]schema.Fixing
	fixStatus map[int]schema.FixingStatus // SOFR30A, by period
	units     map[string]map[string]int64 // tranche → holder → units
	perUnit   map[string]int64            // cents per unit a certification pays, by tranche
	index     map[string]int64            // tranche → cumulative cents per unit
	indexPaid map[string]int64            // tranche|holder → index paid
	cash      map[string]money.Amount     // holder → cash received from claims
	fees      money.Amount                // the servicing fee account
	feePaid   money.Amount
	// claimCalls counts ClaimFor submissions that reached the ledger; with
	// crash set, the claim after crashAfter commits and then crash kills
	// the gateway (cancels its context) before it hears the answer.
	claimCalls, crashAfter int
	crash                  func()
	certifyCalls           int
}

func newFakeLedger(t testing.TB, floating bool) *fakeLedger {
	raw, err := os.ReadFile("../../../chaincode/core/waterfall/testdata/auto_2025_1.json")
	if err != nil {
		t.Fatal(err)
	}
	def := string(raw)
	var rules []fixing.Rule
	if floating {
		def = strings.Replace(def, `"coupon": {"fixed": "0.045"}`, `"coupon": {"index": "SOFR30A", "margin": "0.01"}`, 1)
		rules = []fixing.Rule{{Index: "SOFR30A", Sources: []string{"Org1MSP", "Org2MSP"}, MinSources: 2, StaleDays: 5}}
	}
	return &fakeLedger{
		deal: "AUTO-1", status: schema.DealServicing{Deal: "AUTO-1", WaterfallVersion: 1},
		wf:      schema.Waterfall{Deal: "AUTO-1", Version: 1, Definition: []byte(def), PaymentDay: 15, Fixings: rules},
		reports: map[int]schema.Report{}, certs: map[int]schema.Certification{}, fixings: map[int][]schema.Fixing{},
		fixStatus: map[int]schema.FixingStatus{},
		units:     map[string]map[string]int64{}, perUnit: map[string]int64{}, index: map[string]int64{},
		indexPaid: map[string]int64{}, cash: map[string]money.Amount{},
	}
}

// holders spreads n holders over the three banks on tranches A and B.
func (f *fakeLedger) holders(n int) {
	for _, tr := range []string{"AUTO-1-A", "AUTO-1-B"} {
		f.units[tr] = map[string]int64{}
	}
	f.perUnit["AUTO-1-A"], f.perUnit["AUTO-1-B"] = 7, 3
	for i := range n {
		h := fmt.Sprintf("Org%dMSP/%064x", 1+i%3, i)
		f.units["AUTO-1-A"][h] = int64(100 + i)
		if i%2 == 0 {
			f.units["AUTO-1-B"][h] = 50
		}
	}
}

// report files period p's complete report (collection period April
// 2026 for p = 1: paid 2026-05-15).
func (f *fakeLedger) report(p int, status schema.ReportStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	end := time.Date(2026, time.April+time.Month(p-1)+1, 0, 0, 0, 0, 0, time.UTC)
	agg := loantape.ReportAggregates{Period: loantape.Period{Number: p, Ending: loantape.Date{Year: end.Year(), Month: end.Month(), Day: end.Day()}}}
	f.reports[p] = schema.Report{Deal: f.deal, Period: p, Attempt: 1, Status: status, Header: schema.ReportHeader{Aggregates: agg, Chunks: 2},
		ChunksReceived: 2, FromRows: agg}
}

func (f *fakeLedger) Status(context.Context, string) (schema.DealServicing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, nil
}

func (f *fakeLedger) Waterfall(context.Context, string) (schema.Waterfall, error) { return f.wf, nil }

func (f *fakeLedger) Report(_ context.Context, _ string, p int) (schema.Report, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.reports[p]
	return r, ok, nil
}

func (f *fakeLedger) Certification(_ context.Context, _ string, p int) (schema.Certification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.certs[p]
	if !ok {
		return c, errs.New(errs.NotFound, "period %d is not certified", p)
	}
	return c, nil
}

func (f *fakeLedger) Fixings(_ context.Context, _ string, p int) ([]schema.Fixing, error) {
	return f.fixings[p], nil
}

func (f *fakeLedger) FixingStatus(_ context.Context, _ string, p int, index string) (schema.FixingStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.fixStatus[p]
	if !ok {
		return schema.FixingStatus{Index: index, Waiting: "index SOFR30A: 0 valid posting(s) before the cut-off, the rule needs 2 (minSources); missing: Org1MSP, Org2MSP",
			Resolution: &fixing.Resolution{Index: index}}, nil
	}
	return st, nil
}

func (f *fakeLedger) Accounts(context.Context, string) (schema.Accounts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return schema.Accounts{Deal: f.deal, Fees: []schema.NamedBalance{{Name: "servicing", Balance: f.fees}, {Name: "trustee"}}}, nil
}

func (f *fakeLedger) Holders(_ context.Context, tranche string) ([]schema.PositionView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []schema.PositionView
	for h, u := range f.units[tranche] {
		out = append(out, schema.PositionView{Tranche: tranche, Holder: h, Units: u})
	}
	return out, nil
}

func (f *fakeLedger) Accrued(_ context.Context, _, tranche, holder string) (schema.Accrual, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.units[tranche][holder]
	if !ok {
		return schema.Accrual{}, errs.New(errs.NotFound, "%s holds no units of %s", holder, tranche)
	}
	return schema.Accrual{Tranche: tranche, Holder: holder, Units: u, Claimable: money.Amount(u * (f.index[tranche] - f.indexPaid[tranche+"|"+holder]))}, nil
}

// HolderKey: the fake's client identities are named by their keys.
func (f *fakeLedger) HolderKey(identity string) (string, bool) { return identity, true }

func (f *fakeLedger) Certify(_ context.Context, _ string, p int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.certifyCalls++
	if p != f.status.Period+1 {
		return "", errs.New(errs.WrongState, "the next period to certify is %d", f.status.Period+1)
	}
	rep := f.reports[p]
	pay, _ := distribution.PaymentDate(rep.Header.Aggregates.Period.Ending, f.wf.PaymentDay)
	cert := schema.Certification{Deal: f.deal, Period: p, Inputs: distribution.PeriodInputs{PaymentDate: pay}}
	for _, tr := range []string{"AUTO-1-A", "AUTO-1-B"} {
		var units int64
		for _, u := range f.units[tr] {
			units += u
		}
		f.index[tr] += f.perUnit[tr]
		cert.Distributions = append(cert.Distributions, schema.ClassDistribution{Tranche: tr,
			Distribution: distribution.Distribution{Payment: money.Amount(units * f.perUnit[tr]), Units: units}})
	}
	f.fees += 12345
	f.certs[p], f.status.Period = cert, p
	return fmt.Sprintf("tx-certify-%d", p), nil
}

func (f *fakeLedger) ClaimFor(ctx context.Context, tranche, holder string) (schema.ClaimResult, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ctx.Err() != nil { // the gateway is gone: nothing reaches the peer
		return schema.ClaimResult{}, "", ctx.Err()
	}
	f.claimCalls++
	k := tranche + "|" + holder
	amount := money.Amount(f.units[tranche][holder] * (f.index[tranche] - f.indexPaid[k]))
	if amount == 0 { // as on Fabric: no writes, so the majority policy refuses it
		return schema.ClaimResult{}, "", errors.New("ENDORSEMENT_POLICY_FAILURE: a claim of nothing")
	}
	f.indexPaid[k] = f.index[tranche]
	f.cash[holder] += amount
	if f.crash != nil && f.claimCalls == f.crashAfter+1 {
		f.crash() // the gateway dies after this claim committed, before it hears
		return schema.ClaimResult{}, "", errors.New("gateway killed (the claim committed)")
	}
	return schema.ClaimResult{Tranche: tranche, Holder: holder, Amount: amount}, "tx-" + k, nil
}

func (f *fakeLedger) ClaimFee(_ context.Context, _, fee string) (schema.FeeClaim, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	amount := f.fees
	f.fees, f.feePaid = 0, f.feePaid+amount
	return schema.FeeClaim{Fee: fee, Amount: amount}, "tx-fee", nil
}

func (f *fakeLedger) Claim(ctx context.Context, identity, tranche string) (schema.ClaimResult, string, error) {
	return f.ClaimFor(ctx, tranche, identity)
}

// owed is what each holder must have received after the periods paid.
func (f *fakeLedger) owed(periods int) map[string]money.Amount {
	out := map[string]money.Amount{}
	for tr, hs := range f.units {
		for h, u := range hs {
			out[h] += money.Amount(u * f.perUnit[tr] * int64(periods))
		}
	}
	return out
}
