package app

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationScheduler: on the real network, period 1 of a deal is
// certified and paid by the trustee's scheduler alone. The servicer files
// the report and remits; the trustee's gateway, restarted with a scheduler
// whose clock is set to the day before the determination date, waits with
// the reason on /schedule; the clock moved to the payment date (17
// February 2026, the 15th rolled on the FRB calendar), it certifies and
// starts paying; the gateway is killed (SIGKILL) in the middle of the run
// and restarted on the same database; every holder is then paid exactly
// what it accrued: no accrual left, no distribution account cash beyond
// the claims' floor residue, and each holder's cash up by its accrual.
func TestIntegrationScheduler(t *testing.T) {
	tnet.RequireIntegration(t)
	began := time.Now()
	var bin string
	built := make(chan struct{})
	go func() { defer close(built); bin = buildGateway(t) }()
	n := tnet.UpForTest(t)
	<-built
	org1, org2, org3 := startBank(t, bin, n.Run, "Org1MSP"), startBank(t, bin, n.Run, "Org2MSP"), startBank(t, bin, n.Run, "Org3MSP")
	step := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	grantRoles(t, []*bank{org1, org2, org3})
	e := &e2e{t: t, org1: org1, org2: org2, org3: org3, pool: "POOL-SCHED", deal: "AUTO-SCHED"}
	e.alice, e.anna = org2.key("investor1"), org2.key("investor2")
	e.bob, e.carol = org3.key("investor1"), org3.key("investor2")
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

	step("the trustee's gateway restarted with its scheduler, clock on 2026-02-12")
	org1.stop(syscall.SIGTERM)
	cfg, err := config.Load(org1.config)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Scheduler = &config.Scheduler{Identity: org1.ids["trustee"], Interval: config.Duration(time.Second), Concurrency: 4,
		Now: "2026-02-12T09:00:00Z", Deals: []config.ScheduledDeal{{Deal: e.deal, DeterminationDays: 2}}}
	if err := config.WriteFile(org1.config, cfg); err != nil {
		t.Fatal(err)
	}
	org1.start()
	var sc struct {
		Certified int
		Next      []struct {
			Step string
			Due  time.Time
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
	if sc.Certified != 0 || sc.Next[0].Step != "certify" || sc.Next[0].Due.Format(time.DateOnly) != "2026-02-15" {
		t.Fatalf("before the determination date: %+v", sc)
	}

	step("clock to the payment date: certify and pay; killed mid-run, restarted")
	org1.must(200, "PUT", "/v1/scheduler/clock", "admin", map[string]string{"now": "2026-02-17T09:00:00Z"})
	waitFor(t, 2*time.Minute, "the certification", func() bool { schedule(); return sc.Certified == 1 })
	org1.stop(syscall.SIGKILL)
	cfg.Scheduler.Now = "2026-02-17T09:00:00Z"
	if err := config.WriteFile(org1.config, cfg); err != nil {
		t.Fatal(err)
	}
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
	step("done")
}

func cashOf(t *testing.T, b *bank, holder string) money.Amount {
	var bal struct{ Balance money.Amount }
	b.must(200, "GET", "/v1/cash/balances/"+holder, "compliance", nil).decode(t, &bal)
	return bal.Balance
}
