package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// A fixing from several sources, on the real network and through REST
// only: a small floating-rate deal (fixings_terms.go) whose terms fix its
// index from the three banks' rates desks. Each bank's admin onboards a
// rates desk at its bank's CA (POST /v1/identities, role rates: the role
// travels in its certificate); each desk quotes through its own bank's
// gateway (POST .../fixings/{index}/quotes). One desk's first quote is
// far from the others: the status, read at another bank, names the
// spread rule and the trustee's certification is refused with
// FIXING_UNRESOLVED; the desk quotes again, the status shows the median
// and the sources used, and the certified period's class A coupon is
// checked to the cent against face × (median + margin) × days ÷ 360.

// fixingsTitle is the demo step's title.
const fixingsTitle = "Fixing from several sources: each bank's rates desk, onboarded at run time, quotes " + fixIndex + " through its own gateway; the median certified"

// deskQuote is one rates desk's quote; an outlier is quoted first and
// then replaced by the second rate.
type deskQuote struct {
	first, final string
}

// fixQuotes are the desks' quotes, in the order of the banks: the third
// desk's first quote is 19 bp above the others (the rule allows 5).
var fixQuotes = []deskQuote{{"0.0431", "0.0431"}, {"0.0433", "0.0433"}, {"0.0450", "0.0432"}}

// fixMedian is the median of the final quotes, by hand.
var fixMedian = decimal.RequireFromString("0.0432")

// fixDeal is the deal's names and what its set-up learnt.
type fixDeal struct {
	id, pool string
	cal      fixCalendar
	pay      daycount.Date // period 1's business day
	balance  money.Amount  // the sealed pool
	faceA    money.Amount
	report   monthlyReport
	desks    []*actor // one per bank, in the order of d.banks
}

func (f *fixDeal) fixingPath() string {
	return fmt.Sprintf("/v1/deals/%s/periods/1/fixings/%s", f.id, fixIndex)
}

func (d *demo) fixingsDeal() error {
	f := &fixDeal{id: fmt.Sprintf("FIX-DEMO-%d", d.runNumber), cal: newFixCalendar(time.Now())}
	f.pool = "POOL-" + f.id
	if err := d.onboardRatesDesks(f); err != nil {
		return err
	}
	if err := d.fixPoolAndDeal(f); err != nil {
		return err
	}
	if err := d.fixReport(f); err != nil {
		return err
	}
	if err := d.fixOutlier(f); err != nil {
		return err
	}
	return d.fixMet(f)
}

// onboardRatesDesks: each bank's admin onboards a rates desk through its
// own gateway; the desk's API user acts with the rates role of its
// certificate (no on-chain grant).
func (d *demo) onboardRatesDesks(f *fixDeal) error {
	suffix := fmt.Sprintf("run%d.%s", d.runNumber, randomHex(2))
	got := make([]onboardedIdentity, len(d.banks))
	fns := make([]func() error, len(d.banks))
	for i, g := range d.banks {
		fns[i] = func() error {
			_, err := d.admins[g.MSP].post(d.ctx, "/v1/identities", map[string]string{"name": "rates-desk." + suffix, "role": "rates"}, &got[i])
			return err
		}
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	t := &table{}
	for i, g := range d.banks {
		o := got[i]
		if o.User == "" || o.Token == "" || o.IdentityKey == "" {
			return fmt.Errorf("POST /v1/identities at %s for a rates desk answered no user, token or identity key", g.MSP)
		}
		g.Users = append(g.Users, apiToken{User: o.User, Roles: []string{"rates"}, Identity: o.User, Token: o.Token})
		desk := &actor{gw: g, user: o.User, name: "rates desk", key: o.IdentityKey, roles: []string{"rates"}}
		g.actors = append(g.actors, desk)
		f.desks = append(f.desks, desk)
		t.add(desk.account(), "by "+d.admins[g.MSP].String(), "role rates in its certificate", "cert serial "+shortTx(o.Serial))
	}
	d.out.say("each bank's admin onboards its rates desk at its bank's CA (POST /v1/identities, role rates):")
	d.out.lines(t.lines("           "))
	return nil
}

// fixSources are the rule's sources: the three banks.
func (d *demo) fixSources() []string {
	var out []string
	for _, g := range d.banks {
		out = append(out, g.MSP)
	}
	return out
}

// fixPoolAndDeal simulates the pool, uploads and seals its tape, creates
// the deal with class A floating and a certificate, sets the waterfall
// with the index's rule, and places the notes with alice and bob.
func (d *demo) fixPoolAndDeal(f *fixDeal) error {
	sim, err := loansim.New(loansim.PoolSpec{Seed: uint64(7000 + d.runNumber), Loans: fixLoans, Cutoff: f.cal.cutoff}, loansim.DefaultAssumptions())
	if err != nil {
		return err
	}
	var tape bytes.Buffer
	w := loantape.NewCSVWriter[loantape.Loan](&tape)
	for l := range sim.Tape() {
		f.balance += l.ReportingPeriodActualEndBalanceAmount
		if err := w.Write(l); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if f.report, err = nextReport(sim); err != nil {
		return err
	}
	if _, err := d.arranger.post(d.ctx, "/v1/pools", map[string]string{"id": f.pool, "name": "Floating-rate auto pool " + f.id,
		"originator": d.servicerBank.MSP, "servicer": d.servicerBank.MSP, "cutoffDate": f.cal.cutoff.LastDay().String()}, nil); err != nil {
		return err
	}
	if err := d.svcr.gw.upload(d.ctx, http.MethodPut, fmt.Sprintf("/v1/pools/%s/loans?loanCount=%d", f.pool, fixLoans), d.svcr.user, "text/csv", tape.Bytes(), nil); err != nil {
		return err
	}
	if _, err := d.svcr.post(d.ctx, "/v1/pools/"+f.pool+"/seal", nil, nil); err != nil {
		return err
	}

	faceA, faceR := fixFaces(f.balance)
	f.faceA = faceA
	def := fixDefinition(f.id, f.cal, f.balance, faceA)
	if f.pay, err = fixPaymentDate(def); err != nil {
		return err
	}
	rules := map[string]any{"eligibleInvestorTypes": []string{"qib"}, "allowedJurisdictions": []string{"US"}, "consortiumMSPs": d.custodians}
	tranches := []map[string]any{
		{"id": trancheID(f.id, "A"), "class": "A", "seniority": 1, "kind": "note", "originalFace": faceA, "unitFace": "1.00",
			"legalFinalDate": "2033-06-15", "rules": rules, "coupon": map[string]string{"index": fixIndex, "margin": fixMargin, "dayCount": "ACT/360"}},
		{"id": trancheID(f.id, "R"), "class": "R", "seniority": 2, "kind": "certificate", "originalFace": faceR, "unitFace": "1.00",
			"legalFinalDate": "2033-06-15", "rules": rules},
	}
	if _, err := d.arranger.post(d.ctx, "/v1/deals", map[string]any{"id": f.id, "name": "Floating-rate auto deal, index fixed from three sources",
		"pool": f.pool, "requiredCollateralization": "1", "tranches": tranches}, nil); err != nil {
		return err
	}
	rule := fixRule(d.fixSources())
	// The definition's schedule sets the payment dates; paymentDay, which
	// only a deal without one uses, is given as its nearest valid day.
	terms := map[string]any{"definition": json.RawMessage(def), "paymentDay": min(f.pay.Day, 28), "feePayees": []any{}, "fixings": []any{rule},
		"classes": []map[string]string{{"class": "A", "tranche": trancheID(f.id, "A")}, {"class": "R", "tranche": trancheID(f.id, "R")}}}
	if _, err := d.arranger.put(d.ctx, "/v1/deals/"+f.id+"/waterfall", terms, nil); err != nil {
		return err
	}
	for class, face := range map[string]money.Amount{"A": faceA, "R": faceR} {
		units := face.Cents() / 100
		if _, err := d.arranger.post(d.ctx, "/v1/tranches/"+trancheID(f.id, class)+"/issuance", map[string]int64{"units": units}, nil); err != nil {
			return err
		}
		if _, err := d.trustee.post(d.ctx, "/v1/tranches/"+trancheID(f.id, class)+"/placements/batch", map[string]any{"placements": []any{
			map[string]any{"investor": d.investors[alice].key, "units": units * 6 / 10},
			map[string]any{"investor": d.investors[bob].key, "units": units - units*6/10},
		}}, nil); err != nil {
			return err
		}
	}
	d.out.say("%s: %d loans cut off %s, pool %s · closing %s · class A %s floating %s + %s ACT/360, certificate %s · placed with alice and bob",
		f.id, fixLoans, f.cal.cutoff.LastDay(), usd(f.balance), f.cal.closing, usd(faceA), fixIndex, pct(decimal.RequireFromString(fixMargin), 2), usd(faceR))
	d.out.say("terms: %s fixed from %s · at least %d, spread at most %s bp, quoted within %d days before the cut-off %d days before the payment date at %s UTC",
		fixIndex, strings.Join(rule.Sources, ", "), rule.MinSources, rule.MaxSpread.Shift(4), rule.StaleDays, rule.CutoffDaysBeforePayment, rule.CutoffTime)
	d.out.say("period 1: %s collections, paid %s (a week from today, rolled on US-FRB) · cut-off %s: today's quotes count",
		f.report.period.Ending.YearMonth(), f.pay, rule.Cutoff(f.pay).Format("2006-01-02 15:04 MST"))
	return nil
}

// fixReport: the servicer reports period 1 (which fixes the payment date,
// and so the cut-off) and remits its collections.
func (d *demo) fixReport(f *fixDeal) error {
	collections := f.report.collections(0)
	if err := d.mintAndPay(cashPayment{d.svcr, collections}); err != nil {
		return err
	}
	if err := d.svcr.gw.upload(d.ctx, http.MethodPost, fmt.Sprintf("/v1/deals/%s/reports?loanCount=%d", f.id, fixLoans), d.svcr.user, "text/csv", f.report.csv, nil); err != nil {
		return err
	}
	_, err := d.svcr.post(d.ctx, "/v1/deals/"+f.id+"/collections", map[string]string{"amount": collections.String()}, nil)
	return err
}

// quoteAll has every desk quote, each through its own bank's gateway.
func (d *demo) quoteAll(f *fixDeal, rate func(deskQuote) string) ([]string, error) {
	txs := make([]string, len(f.desks))
	fns := make([]func() error, len(f.desks))
	for i, desk := range f.desks {
		fns[i] = func() error {
			var err error
			txs[i], err = desk.post(d.ctx, f.fixingPath()+"/quotes", map[string]string{"rate": rate(fixQuotes[i])}, nil)
			return err
		}
	}
	return txs, parallel(fns...)
}

// fixingStatus reads the index's status for period 1 at the investor
// bank: every quote on the public record and what the rule makes of them.
func (d *demo) fixingStatus(f *fixDeal) (schema.FixingStatus, error) {
	var st schema.FixingStatus
	err := d.auditor.get(d.ctx, f.fixingPath(), &st)
	return st, err
}

// fixOutlier: the three desks quote, the third far above the others; the
// rule is not met, and the trustee may not certify.
func (d *demo) fixOutlier(f *fixDeal) error {
	txs, err := d.quoteAll(f, func(q deskQuote) string { return q.first })
	if err != nil {
		return err
	}
	st, err := d.fixingStatus(f)
	if err != nil {
		return err
	}
	if st.Resolution == nil || st.Resolution.Met || !strings.Contains(st.Waiting, "maxSpread") || len(st.Quotes) != len(f.desks) {
		return fmt.Errorf("the fixing status with an outlier: want the spread rule not met over %d quotes, got %+v", len(f.desks), st)
	}
	d.out.say("quotes, each through its desk's own gateway: %s · %s", quoteText(st.Quotes), txList(txs))
	d.out.say("status at %s: not met — %s", d.auditor.gw.MSP, st.Waiting)
	denied, err := d.trustee.gw.refused(d.ctx, request{method: http.MethodPost, path: fmt.Sprintf("/v1/deals/%s/periods/1/certification", f.id),
		user: d.trustee.user}, http.StatusConflict, "FIXING_UNRESOLVED")
	if err != nil {
		return err
	}
	d.out.say("%s certifying period 1: %d %s, nothing written", d.trustee, denied.Status, denied.Code)
	return nil
}

// quoteText lists quotes as source rate (postedAt).
func quoteText(quotes []schema.IndexQuote) string {
	var parts []string
	for _, q := range quotes {
		at, _ := time.Parse(time.RFC3339Nano, q.PostedAt)
		parts = append(parts, fmt.Sprintf("%s %s (%s)", q.Source, pct(q.Rate, 2), at.Format("15:04:05")))
	}
	return strings.Join(parts, " · ")
}

// fixMet: the third desk quotes again; the rule is met at the median of
// the three desks' latest quotes; the trustee certifies and class A's
// coupon is the median's, to the cent.
func (d *demo) fixMet(f *fixDeal) error {
	third := f.desks[len(f.desks)-1]
	tx, err := third.post(d.ctx, f.fixingPath()+"/quotes", map[string]string{"rate": fixQuotes[len(fixQuotes)-1].final}, nil)
	if err != nil {
		return err
	}
	st, err := d.fixingStatus(f)
	if err != nil {
		return err
	}
	res := st.Resolution
	if res == nil || !res.Met || !res.Rate.Equal(fixMedian) || len(res.Used) != len(f.desks) || len(st.Quotes) != len(f.desks)+1 {
		return fmt.Errorf("the fixing status after the third desk's new quote: want met at %s from %d sources, got %+v", fixMedian, len(f.desks), st)
	}
	d.out.say("%s quotes again %s · tx %s: its later quote supersedes, both stay on the record (%d quotes)",
		third.account(), pct(decimal.RequireFromString(fixQuotes[len(fixQuotes)-1].final), 2), shortTx(tx), len(st.Quotes))
	d.out.say("status at %s: met — median %s of %s, spread %s bp, cut-off %s",
		d.auditor.gw.MSP, pct(res.Rate, 3), strings.Join(res.Used, ", "), res.Spread.Shift(4), res.Cutoff.Format("2006-01-02 15:04 MST"))

	var cert committed
	if _, err := d.trustee.post(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/1/certification", f.id), nil, &cert); err != nil {
		return err
	}
	var published struct {
		Result json.RawMessage `json:"result"`
	}
	if err := d.auditor.get(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/1/certification", f.id), &published); err != nil {
		return err
	}
	var result waterfall.Result
	if err := json.Unmarshal(published.Result, &result); err != nil {
		return fmt.Errorf("period 1's certified result: %w", err)
	}
	want, rate, days, err := fixCoupon(f.faceA, fixMedian, f.cal.closing, f.pay)
	if err != nil {
		return err
	}
	var a *waterfall.ClassResult
	for i := range result.Classes {
		if result.Classes[i].Class == "A" {
			a = &result.Classes[i]
		}
	}
	if a == nil || a.InterestAccrued != want || a.InterestPaid != want || !a.InterestRate.Equal(rate) || a.AccrualDays != days {
		return fmt.Errorf("class A's certified interest %+v; by hand %s × (%s + %s) × %d ÷ 360 = %s", a, usd(f.faceA), fixMedian, fixMargin, days, usd(want))
	}
	after, err := d.fixingStatus(f)
	if err != nil {
		return err
	}
	if after.Final == nil || !after.Final.Rate.Equal(fixMedian) {
		return fmt.Errorf("the fixing after certification: want final %s, got %+v", fixMedian, after.Final)
	}
	d.out.say("certified by %s · tx %s: %s fixed at %s (the median, recorded with its sources); class A coupon %s + %s = %s over %d days ACT/360",
		d.trustee, shortTx(cert.TxID), fixIndex, pct(after.Final.Rate, 3), pct(fixMedian, 3), pct(decimal.RequireFromString(fixMargin), 2), pct(rate, 3), days)
	d.out.say("class A interest %s = %s × %s × %d ÷ 360, worked by hand: equal to the cent", usd(a.InterestPaid), usd(f.faceA), rate, days)
	return nil
}
