package scheduler

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// testClock is a clock the test moves.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time { return c.now }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(9 * time.Hour)
}

func openBook(t *testing.T, dir string) (*store.DB, store.ScheduleBook) {
	t.Helper()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db, db.Schedule()
}

func trusteeConfig(concurrency int, optIn ...string) config.Scheduler {
	return config.Scheduler{Identity: "User2", Concurrency: concurrency, Interval: config.Duration(time.Minute),
		Deals: []config.ScheduledDeal{{Deal: "AUTO-1", DeterminationDays: 2, OptIn: optIn}}}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func view(t *testing.T, s *Scheduler) Schedule {
	t.Helper()
	v, ok, err := s.View("AUTO-1")
	if err != nil || !ok {
		t.Fatalf("view: %v %v", ok, err)
	}
	return v
}

func checkPaid(t *testing.T, f *fakeLedger, periods int) {
	t.Helper()
	owed := f.owed(periods)
	for h, want := range owed {
		if got := f.cash[h]; got != want {
			t.Errorf("holder %s received %s, is owed %s", h[:8], got, want)
		}
	}
	if len(f.cash) != len(owed) {
		t.Errorf("%d holders received cash, %d are owed", len(f.cash), len(owed))
	}
}

// The trustee's scheduler waits for the determination date (payment date
// 2026-05-15, two days before), certifies, waits for the payment date,
// then pays every holder and the fees once: a later pass submits nothing.
func TestCertifiesOnTheDeterminationDateThenPaysOnThePaymentDate(t *testing.T) {
	f := newFakeLedger(t, false)
	f.holders(30)
	f.report(1, schema.ReportComplete)
	clock := &testClock{day("2026-05-10")}
	_, book := openBook(t, t.TempDir())
	s := New(trusteeConfig(4), f, book, clock, quiet(), nil)
	ctx := context.Background()

	s.Pass(ctx)
	v := view(t, s)
	if f.certifyCalls != 0 || len(v.Next) != 1 || v.Next[0].Step != "certify" || !v.Next[0].Due.Equal(day("2026-05-13").Truncate(24*time.Hour)) || len(v.Alerts) != 0 {
		t.Fatalf("before the determination date: %+v (certify calls %d)", v, f.certifyCalls)
	}
	clock.now = day("2026-05-13")
	s.Pass(ctx)
	v = view(t, s)
	if v.Certified != 1 || f.claimCalls != 0 || len(v.Next) != 1 || v.Next[0].Step != "pay" {
		t.Fatalf("on the determination date: %+v", v)
	}
	clock.now = day("2026-05-15")
	s.Pass(ctx)
	v = view(t, s)
	checkPaid(t, f, 1)
	claims := f.claimCalls
	if claims != 45 || f.feePaid != 12345 {
		t.Fatalf("claims %d (want 30 on A + 15 on B), fees paid %s", claims, f.feePaid)
	}
	steps := []string{}
	for _, r := range v.Ran {
		steps = append(steps, r.Step)
	}
	if !slices.Equal(steps, []string{"certify", "pay-holders", "pay-fees"}) || v.Ran[1].Count != 45 {
		t.Fatalf("ran %+v", v.Ran)
	}
	s.Pass(ctx)
	if f.claimCalls != claims || f.certifyCalls != 1 {
		t.Fatalf("a second pass submitted again: claims %d, certify %d", f.claimCalls, f.certifyCalls)
	}
	// Period 2's report is late: a month after period 1's payment date,
	// less two days, the scheduler alerts, on the gateway's event stream
	// too, once however many passes find it still late.
	hub := alerts.NewHub()
	stream, stop := hub.Subscribe()
	defer stop()
	s.PublishAlerts(hub)
	clock.now = day("2026-06-14")
	s.Pass(ctx)
	s.Pass(ctx)
	v = view(t, s)
	if len(v.Alerts) != 1 || !strings.Contains(v.Alerts[0].Missing[0], "report for period 2 is not submitted") {
		t.Fatalf("late report: %+v", v.Alerts)
	}
	if len(stream) != 1 {
		t.Fatalf("%d alerts on the stream, want 1", len(stream))
	}
	if a := <-stream; a.Deal != "AUTO-1" || a.Period != 2 || a.Step != v.Alerts[0].Step || !a.Due.Equal(v.Alerts[0].Due) ||
		!slices.Equal(a.Missing, v.Alerts[0].Missing) || a.Source != "scheduler" || !a.Raised.Equal(clock.now) {
		t.Fatalf("streamed alert %+v, schedule's %+v", a, v.Alerts[0])
	}
}

// A gateway killed in the middle of a payment-date run (after 100 of 450
// claims, the 101st committed but unheard) and restarted on the same
// database pays every holder exactly what it is owed: nobody twice,
// nobody missed.
func TestRestartMidPaymentPaysNobodyTwiceAndMissesNobody(t *testing.T) {
	f := newFakeLedger(t, false)
	f.holders(300)
	f.report(1, schema.ReportComplete)
	clock := &testClock{day("2026-05-15")}
	dir := t.TempDir()
	db, book := openBook(t, dir)
	ctx, kill := context.WithCancel(context.Background())
	f.crashAfter, f.crash = 100, kill
	New(trusteeConfig(8), f, book, clock, quiet(), nil).Pass(ctx)
	if f.status.Period != 1 || f.claimCalls != 101 {
		t.Fatalf("before the kill: period %d, claims %d", f.status.Period, f.claimCalls)
	}
	pending := 0
	keys, _ := book.Keys("step/AUTO-1/0001/claim/")
	for _, k := range keys {
		var r StepRecord
		if _, err := book.Get(k, &r); err != nil {
			t.Fatal(err)
		}
		if r.State == Pending {
			pending++
		}
	}
	if pending == 0 {
		t.Fatalf("no claim left pending by the kill (%d recorded)", len(keys))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	f.crash = nil
	_, book = openBook(t, dir)
	s := New(trusteeConfig(8), f, book, clock, quiet(), nil)
	s.Pass(context.Background())
	checkPaid(t, f, 1)
	if f.certifyCalls != 1 {
		t.Fatalf("certified %d times", f.certifyCalls)
	}
	// The restarted run re-submitted only what was pending or not started.
	if f.claimCalls > 450+pending {
		t.Fatalf("%d claims submitted for 450 positions (%d pending at the kill)", f.claimCalls, pending)
	}
	var paid StepRecord
	if found, _ := book.Get(StepKey("AUTO-1", 1, "paid"), &paid); !found || paid.State != Done {
		t.Fatalf("period not recorded paid: %+v", paid)
	}
}

// A floating class whose index's rule is not met: on the determination
// date certification waits, the alert names the rule and the missing
// sources; once the sources quote, the next pass certifies.
func TestFixingRuleNotMetWaitsWithTheReasonThenCertifies(t *testing.T) {
	f := newFakeLedger(t, true)
	f.holders(6)
	f.report(1, schema.ReportComplete)
	clock := &testClock{day("2026-05-13")}
	_, book := openBook(t, t.TempDir())
	s := New(trusteeConfig(2), f, book, clock, quiet(), nil)
	s.Pass(context.Background())
	v := view(t, s)
	if f.certifyCalls != 0 || len(v.Alerts) != 1 || !strings.Contains(strings.Join(v.Alerts[0].Missing, ";"), "fixing SOFR30A: index SOFR30A: 0 valid posting(s)") ||
		!strings.Contains(v.Alerts[0].Missing[0], "missing: Org1MSP, Org2MSP") {
		t.Fatalf("rule not met: %+v (certify calls %d)", v, f.certifyCalls)
	}
	f.mu.Lock()
	f.fixStatus[1] = schema.FixingStatus{Index: "SOFR30A", Resolution: &fixing.Resolution{Index: "SOFR30A", Met: true}}
	f.mu.Unlock()
	s.Pass(context.Background())
	if v = view(t, s); v.Certified != 1 || len(v.Alerts) != 0 {
		t.Fatalf("rule met: %+v", v)
	}
}

// An incomplete report keeps certification waiting with the chunks count;
// a bank that is not the trustee only claims for its opted-in clients.
func TestIncompleteReportWaitsAndOptInClaims(t *testing.T) {
	f := newFakeLedger(t, false)
	f.holders(3)
	f.report(1, schema.ReportOpen)
	clock := &testClock{day("2026-05-14")}
	_, book := openBook(t, t.TempDir())
	s := New(trusteeConfig(2), f, book, clock, quiet(), nil)
	s.Pass(context.Background())
	if v := view(t, s); len(v.Alerts) != 1 || !strings.Contains(v.Alerts[0].Missing[0], "report attempt 1 is open: 2 of 2 chunks in") {
		t.Fatalf("open report: %+v", v)
	}
	f.report(1, schema.ReportComplete)
	s.Pass(context.Background())

	// The investor bank's gateway: its client (holder index 0) opted in.
	client := ""
	for h := range f.units["AUTO-1-B"] {
		client = h
	}
	f2 := newFakeLedger(t, false)
	f2.units, f2.perUnit, f2.index, f2.certs, f2.status = f.units, f.perUnit, map[string]int64{}, f.certs, f.status
	for tr := range f.index {
		f2.index[tr] = f.index[tr]
	}
	clock.now = day("2026-05-15")
	cfg := config.Scheduler{Concurrency: 2, Deals: []config.ScheduledDeal{{Deal: "AUTO-1", OptIn: []string{client}}}}
	_, book2 := openBook(t, t.TempDir())
	bank := New(cfg, f2, book2, clock, quiet(), nil)
	bank.Pass(context.Background())
	want := money.Amount(f.units["AUTO-1-A"][client]*7 + f.units["AUTO-1-B"][client]*3)
	if got := f2.cash[client]; got != want || len(f2.cash) != 1 || f2.certifyCalls != 0 {
		t.Fatalf("opt-in claims paid %v (want %s to %s only), certify calls %d", f2.cash, want, client[:8], f2.certifyCalls)
	}
	if v := view(t, bank); v.Mode != "claims" || len(v.Ran) != 1 || v.Ran[0].Step != "claim-opt-in" {
		t.Fatalf("bank schedule %+v", v)
	}
}

func openBookB(b *testing.B) (*store.DB, store.ScheduleBook) {
	db, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, db.Schedule()
}
