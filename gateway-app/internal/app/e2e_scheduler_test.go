package app

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationScheduler: on the real network, period 1 of a deal is
// certified and paid by the trustee's scheduler alone. The trustee bank's
// gateway runs a scheduler with no deal (the test network's
// configuration); the servicer files the report and remits; the deal's
// terms fix class C's index (SOFR30A) from Org2's and Org3's rates desks,
// neither of which quotes: a fixing rule that is not met (the trustee may
// not post the index alone, the fixing status names the missing sources);
// the deal is registered with the scheduler through REST (PUT
// /v1/scheduler/deals/{deal}, bad registrations refused with the field
// named) and its clock set to the day before the determination date: it
// waits with the reasons (its date, the fixing) on /schedule, and a
// certification by hand is refused with FIXING_UNRESOLVED; the clock moved
// to the payment date (17 February 2026, the 15th rolled on the FRB
// calendar), the rule still not met raises an alert; terms without the
// rule and the trustee's fixing in, it certifies and starts paying; the gateway is killed (SIGKILL) in the middle of the
// run and restarted on the same database, which keeps the registration;
// every holder is then paid exactly what it accrued: no accrual left, no
// distribution account cash beyond the claims' floor residue, and each
// holder's cash up by its accrual. Unregistered, the deal has no schedule.
func TestIntegrationScheduler(t *testing.T) {
	tnet.RequireIntegration(t)
	began := time.Now()
	_, org1, org2, org3 := upWithBanks(t)
	step := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	e := newE2E(t, org1, org2, org3, "POOL-SCHED", "AUTO-SCHED")
	e.floatingC = true
	step("pool, deal, cash")
	e.poolAndTape()
	e.dealAndInvestors()
	e.cash()

	step("period 1 reported and remitted by the servicer")
	e.reportAndRemit(1)
	holders := map[string]*bank{e.alice: org2, e.bob: org3}
	cashBefore := map[string]money.Amount{}
	for h, b := range holders {
		cashBefore[h] = cashOf(t, b, h)
	}

	step("a fixing rule that is not met: the terms fix SOFR30A from Org2's and Org3's rates desks, neither quotes")
	dealPath := "/v1/deals/" + e.deal
	rule := map[string]any{"index": "SOFR30A", "sources": []string{"Org2MSP", "Org3MSP"}, "minSources": 2, "maxSpread": "0.0005",
		"staleDays": 5, "cutoffDaysBeforePayment": 2, "cutoffTime": "11:00"}
	org1.must(200, "PUT", dealPath+"/waterfall", "arranger", e.waterfallTerms(strings.Replace(e.definition, `"version": 1`, `"version": 2`, 1), []map[string]any{rule}))
	if r := org1.call("PUT", dealPath+"/periods/1/fixings/SOFR30A", "trustee", map[string]string{"rate": "0.0431"}); r.status != 409 || fmt.Sprint(r.field("code")) != "WRONG_STATE" {
		t.Fatalf("the trustee posting an index the terms fix from sources: %d %s", r.status, r.body)
	}
	var fs struct {
		Waiting    string
		Resolution struct {
			Met     bool
			Missing []string
		}
	}
	org3.must(200, "GET", dealPath+"/periods/1/fixings/SOFR30A", "auditor", nil).decode(t, &fs)
	if fs.Resolution.Met || strings.Join(fs.Resolution.Missing, ",") != "Org2MSP,Org3MSP" || !strings.Contains(fs.Waiting, "minSources") {
		t.Fatalf("fixing status: %+v", fs)
	}

	step("the deal registered with the trustee's scheduler through REST, clock on 2026-02-12")
	deals := "/v1/scheduler/deals/" + e.deal
	if r := org1.call("GET", "/v1/deals/"+e.deal+"/schedule", "auditor", nil); r.status != 404 {
		t.Fatalf("the schedule of a deal nobody registered: %d %s", r.status, r.body)
	}
	org1.must(200, "PUT", "/v1/scheduler/clock", "admin", map[string]string{"now": "2026-02-12T09:00:00Z"})
	for _, bad := range []struct {
		path        string
		body        map[string]any
		status      int
		code, field string
	}{
		{deals, map[string]any{"determinationDays": 29}, 400, "BAD_INPUT", "determinationDays"},
		{deals, map[string]any{"optIn": []string{"nobody"}}, 400, "BAD_INPUT", "optIn[0]"},
		{"/v1/scheduler/deals/NO-SUCH-DEAL", map[string]any{}, 404, "NOT_FOUND", ""},
	} {
		if r := org1.call("PUT", bad.path, "admin", bad.body); r.status != bad.status || fmt.Sprint(r.field("code")) != bad.code || fieldOf(r) != bad.field {
			t.Fatalf("PUT %s %v: %d %s, want %d %s on %q", bad.path, bad.body, r.status, r.body, bad.status, bad.code, bad.field)
		}
	}
	var reg struct{ Deal, Source string }
	org1.must(200, "PUT", deals, "admin", map[string]any{"determinationDays": 2}).decode(t, &reg)
	if reg.Deal != e.deal || reg.Source != "registered" {
		t.Fatalf("registration %+v", reg)
	}
	var sc struct {
		Certified int
		Next      []struct {
			Step    string
			Due     time.Time
			Waiting []string
		}
		Ran []struct {
			Step  string
			Count int
		}
		Alerts []struct{ Missing []string }
	}
	schedule := func() {
		org1.must(200, "GET", "/v1/deals/"+e.deal+"/schedule", "auditor", nil).decode(t, &sc)
	}
	waitFor(t, time.Minute, "a first pass", func() bool { schedule(); return len(sc.Next) > 0 })
	if sc.Certified != 0 || sc.Next[0].Step != "certify" || sc.Next[0].Due.Format(time.DateOnly) != "2026-02-15" ||
		!strings.Contains(strings.Join(sc.Next[0].Waiting, ";"), "fixing SOFR30A: index SOFR30A: 0 valid posting(s)") {
		t.Fatalf("before the determination date, the fixing rule not met: %+v", sc)
	}
	if r := org1.call("POST", dealPath+"/periods/1/certification", "trustee", nil); r.status != 409 || fmt.Sprint(r.field("code")) != "FIXING_UNRESOLVED" {
		t.Fatalf("certifying by hand with the fixing rule not met: %d %s", r.status, r.body)
	}

	step("clock to the payment date with the rule still not met: an alert; then terms without the rule and the trustee's fixing")
	org1.must(200, "PUT", "/v1/scheduler/clock", "admin", map[string]string{"now": "2026-02-17T09:00:00Z"})
	waitFor(t, time.Minute, "the alert", func() bool {
		schedule()
		return len(sc.Alerts) > 0 && strings.Contains(strings.Join(sc.Alerts[0].Missing, ";"), "fixing SOFR30A")
	})
	if sc.Certified != 0 {
		t.Fatalf("certified with the fixing rule not met: %+v", sc)
	}
	org1.must(200, "PUT", dealPath+"/waterfall", "arranger", e.waterfallTerms(strings.Replace(e.definition, `"version": 1`, `"version": 3`, 1), nil))
	org1.must(200, "PUT", dealPath+"/periods/1/fixings/SOFR30A", "trustee", map[string]string{"rate": "0.0431"})

	step("certify and pay at the scheduler's next pass; killed mid-run, restarted")
	waitFor(t, 2*time.Minute, "the certification", func() bool { schedule(); return sc.Certified == 1 })
	// Killed and restarted on the same database, without a configuration
	// edit: the registration is in the store, and the clock back on the
	// wall clock is past the payment date.
	org1.stop(syscall.SIGKILL)
	org1.start()
	waitFor(t, 5*time.Minute, "the payment run", func() bool {
		schedule()
		return len(sc.Next) > 0 && sc.Next[0].Step == "certify" // period 1 paid: only period 2 is next
	})
	step(fmt.Sprintf("schedule after the run: %+v", sc))

	for _, c := range []string{"A", "B", "C", "R"} {
		for h, b := range holders {
			var acc struct{ Claimable money.Amount }
			org1.must(200, "GET", "/v1/tranches/"+e.tranche(c)+"/holders/"+h+"/accrual", "trustee", nil).decode(t, &acc)
			if acc.Claimable != 0 {
				t.Errorf("tranche %s: %s still has %s to claim", c, h[:12], acc.Claimable)
			}
			_ = b
		}
		var book struct{ Balance money.Amount }
		org3.must(200, "GET", "/v1/tranches/"+e.tranche(c)+"/distribution-book", "auditor", nil).decode(t, &book)
		if book.Balance > money.Amount(len(holders)) {
			t.Errorf("tranche %s distribution account keeps %s after the run", c, book.Balance)
		}
	}
	var cert struct {
		Distributions []struct {
			Tranche string
			Payment money.Amount
		}
	}
	org3.must(200, "GET", "/v1/deals/"+e.deal+"/periods/1/certification", "auditor", nil).decode(t, &cert)
	var distributed, received money.Amount
	for _, d := range cert.Distributions {
		distributed += d.Payment
	}
	for h, b := range holders {
		received += cashOf(t, b, h) - cashBefore[h]
	}
	if received > distributed || distributed-received > money.Amount(2*len(cert.Distributions)) {
		t.Fatalf("holders received %s of %s distributed", received, distributed)
	}
	if !strings.Contains(fmt.Sprint(sc.Ran), "pay-fees") {
		t.Errorf("fees not paid: %+v", sc.Ran)
	}
	var running struct {
		Mode  string
		Deals []struct{ Deal, Source string }
	}
	org1.must(200, "GET", "/v1/scheduler/deals", "auditor", nil).decode(t, &running)
	if running.Mode != "trustee" || len(running.Deals) != 1 || running.Deals[0].Deal != e.deal || running.Deals[0].Source != "registered" {
		t.Fatalf("the deals the scheduler runs after the restart: %+v", running)
	}
	org1.must(200, "DELETE", deals, "admin", nil)
	if r := org1.call("GET", "/v1/deals/"+e.deal+"/schedule", "auditor", nil); r.status != 404 {
		t.Fatalf("the schedule of an unregistered deal: %d %s", r.status, r.body)
	}
	step("done")
}

func cashOf(t *testing.T, b *bank, holder string) money.Amount {
	var bal struct{ Balance money.Amount }
	b.must(200, "GET", "/v1/cash/balances/"+holder, "compliance", nil).decode(t, &bal)
	return bal.Balance
}

// fieldOf is the field a problem names ("" for none).
func fieldOf(r resp) string {
	if f, ok := r.field("field").(string); ok {
		return f
	}
	return ""
}
