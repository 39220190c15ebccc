package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationFixings: on the real network and through the three
// banks' gateway apps only, an index fixed from several sources whose rule
// is met. The scheduler test's deal (class C floating on SOFR30A + 2 %)
// takes terms fixing SOFR30A from the three banks (at least two quotes
// within 5 bp, quoted within 14 days before the cut-off at 11:00 UTC two
// days before the payment date), with its dates moved so that the first
// payment is a week from now: quotes carry the transaction's real time,
// and the rule's window is measured from the payment date. Each bank's
// admin onboards a rates desk at its bank's CA (POST /v1/identities, role
// rates, carried in its certificate); an investor may not quote, nor a
// desk a rate of 150 %. Each desk quotes through its own bank's gateway, the
// third 19 bp above the others: the status read at another bank names the
// spread rule and certification is refused with FIXING_UNRESOLVED. The
// third desk quotes again; the status shows the median (4.32 %) of the
// three sources with all four quotes on the record, certification takes
// it (class C's coupon 6.32 %, its interest face × rate × 30/360 days to
// the cent), and a quote after certification is refused.
func TestIntegrationFixings(t *testing.T) {
	tnet.RequireIntegration(t)
	began := time.Now()
	_, org1, org2, org3 := upWithBanks(t)
	banks := []*bank{org1, org2, org3}
	step := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	e := newE2E(t, org1, org2, org3, "POOL-FIX", "AUTO-FIX")
	e.floatingC = true
	step("pool, deal, cash; period 1 reported and remitted")
	e.poolAndTape()
	e.dealAndInvestors()
	e.cash()
	e.reportAndRemit(1)

	step("terms: SOFR30A fixed from the three banks, the first payment a week from now")
	now := time.Now().UTC()
	closing, firstPay := now.AddDate(0, 0, -20).Format(time.DateOnly), now.AddDate(0, 0, 7).Format(time.DateOnly)
	def := strings.NewReplacer(`"version": 1`, `"version": 2`, `"closingDate": "2026-01-20"`, `"closingDate": "`+closing+`"`,
		`"firstPaymentDate": "2026-02-15"`, `"firstPaymentDate": "`+firstPay+`"`).Replace(e.definition)
	rule := map[string]any{"index": "SOFR30A", "sources": []string{"Org1MSP", "Org2MSP", "Org3MSP"}, "minSources": 2, "maxSpread": "0.0005",
		"staleDays": 14, "cutoffDaysBeforePayment": 2, "cutoffTime": "11:00"}
	org1.must(200, "PUT", "/v1/deals/"+e.deal+"/waterfall", "arranger", e.waterfallTerms(def, []map[string]any{rule}))

	step("each bank's admin onboards a rates desk through its own gateway")
	desks := make([]string, len(banks))
	for i, b := range banks {
		r := b.must(201, "POST", "/v1/identities", "admin", map[string]string{"name": "rates-desk-" + strings.ToLower(b.msp), "role": "rates"})
		var o struct{ IdentityKey, User, Token, Role string }
		r.decode(t, &o)
		if o.Role != "rates" || !strings.HasPrefix(o.IdentityKey, b.msp+"/") || o.Token == "" {
			t.Fatalf("%s onboarding a rates desk: %s", b.msp, r.body)
		}
		b.tokens[o.User], b.roles[o.User], b.keys[o.User] = o.Token, []string{"rates"}, o.IdentityKey
		desks[i] = o.User
	}
	if r := org1.call("POST", "/v1/identities", "admin", map[string]string{"name": "a-trustee", "role": "trustee"}); r.status != 400 || fieldOf(r) != "role" {
		t.Fatalf("onboarding a trustee: %d %s", r.status, r.body)
	}

	quotes := "/v1/deals/" + e.deal + "/periods/1/fixings/SOFR30A"
	quote := func(i int, rate string) {
		banks[i].must(200, "POST", quotes+"/quotes", desks[i], map[string]string{"rate": rate})
	}
	status := func(b *bank) schema.FixingStatus {
		var st schema.FixingStatus
		b.must(200, "GET", quotes, "auditor", nil).decode(t, &st)
		return st
	}
	if r := org3.call("POST", quotes+"/quotes", "investor1", map[string]string{"rate": "0.0431"}); r.status != 403 {
		t.Fatalf("an investor quoting: %d %s", r.status, r.body)
	}
	if r := org2.call("POST", quotes+"/quotes", desks[1], map[string]string{"rate": "1.5"}); r.status != 400 || fieldOf(r) != "rate" {
		t.Fatalf("a quote of 150 %%: %d %s", r.status, r.body)
	}

	step("the three desks quote, the third 19 bp above: the spread rule is not met")
	for i, rate := range []string{"0.0431", "0.0433", "0.0450"} {
		quote(i, rate)
	}
	st := status(org2)
	if st.Resolution == nil || st.Resolution.Met || len(st.Quotes) != 3 || len(st.Resolution.Used) != 3 ||
		!strings.Contains(st.Waiting, "spread 0.0019") || !strings.Contains(st.Waiting, "maxSpread 0.0005") {
		t.Fatalf("the status with an outlier: %+v", st)
	}
	for i, q := range st.Quotes {
		if q.PostedTx == "" || !strings.HasPrefix(q.PostedBy, q.Source+"/") {
			t.Fatalf("quote %d on the record: %+v", i, q)
		}
	}
	if r := org1.call("POST", "/v1/deals/"+e.deal+"/periods/1/certification", "trustee", nil); r.status != 409 ||
		fmt.Sprint(r.field("code")) != "FIXING_UNRESOLVED" || !strings.Contains(string(r.body), "maxSpread") {
		t.Fatalf("certifying with the spread rule not met: %d %s", r.status, r.body)
	}

	step("the third desk quotes again: met at the median of the three")
	quote(2, "0.0432")
	st = status(org1)
	median := decimal.RequireFromString("0.0432")
	if st.Resolution == nil || !st.Resolution.Met || !st.Resolution.Rate.Equal(median) || len(st.Quotes) != 4 ||
		strings.Join(st.Resolution.Used, ",") != "Org1MSP,Org2MSP,Org3MSP" || !st.Resolution.Spread.Equal(decimal.RequireFromString("0.0002")) || st.Waiting != "" {
		t.Fatalf("the status after the third desk's new quote: %+v", st)
	}

	step("certified at the median; class C's coupon checked to the cent")
	org1.must(200, "POST", "/v1/deals/"+e.deal+"/periods/1/certification", "trustee", nil)
	var cert struct{ Result json.RawMessage }
	org3.must(200, "GET", "/v1/deals/"+e.deal+"/periods/1/certification", "auditor", nil).decode(t, &cert)
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	// Class C accrues 30/360 over the nominal dates: closing to the
	// unadjusted first payment date.
	start, end := mustDate(t, closing), mustDate(t, firstPay)
	days, basis, err := daycount.Thirty360.Fraction(start, end)
	if err != nil {
		t.Fatal(err)
	}
	rate := median.Add(decimal.RequireFromString("0.02"))
	want, err := money.FromDecimalExact(e.faces["C"].Decimal().Mul(rate).Mul(decimal.NewFromInt(days)).DivRound(decimal.NewFromInt(basis), 2))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range res.Classes {
		if c.Class == "C" {
			found = true
			if !c.InterestRate.Equal(rate) || c.AccrualDays != days || c.InterestAccrued != want {
				t.Fatalf("class C certified at %s over %d days: %s; by hand %s × %s × %d/%d = %s", c.InterestRate, c.AccrualDays, c.InterestAccrued,
					e.faces["C"], rate, days, basis, want)
			}
		}
	}
	if !found {
		t.Fatalf("no class C in the certified result %s", cert.Result)
	}
	st = status(org2)
	if st.Final == nil || !st.Final.Rate.Equal(median) || st.Final.Resolution == nil || len(st.Final.Resolution.Used) != 3 {
		t.Fatalf("the final fixing: %+v", st.Final)
	}
	if r := org2.call("POST", quotes+"/quotes", desks[1], map[string]string{"rate": "0.0440"}); r.status != 409 || fmt.Sprint(r.field("code")) != "WRONG_STATE" {
		t.Fatalf("a quote after certification: %d %s", r.status, r.body)
	}
	step(fmt.Sprintf("done: class C %s at %s for %d days", want, rate, days))
}

func mustDate(t *testing.T, s string) daycount.Date {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return daycount.NewDate(d.Year(), d.Month(), d.Day())
}
