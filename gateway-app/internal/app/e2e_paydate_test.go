package app

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationPayDate measures issue 16's figure on the real network:
// a deal whose class A has TRANCHENET_PAYDATE_HOLDERS holders (default
// 10,000) spread over the three banks, each attested by its bank's
// compliance officer and placed by the trustee, both in batches, is paid
// on its payment date by the trustee's scheduler alone, once per
// concurrency of TRANCHENET_PAYDATE_CONCURRENCY (default 32, the
// scheduler's default; "8,32" runs two periods), one period each. For
// each run it reports the time from the first payment to the last,
// payments per second, the failed claims by kind (each is retried on the
// scheduler's next pass), the CPU each network process
// burnt per second of the run (from /proc, PIDs from the run folder's
// pids/) and the box's load; and it checks that every added holder's cash
// rose by exactly floor(units × index increase) of each period and that
// the distribution account keeps no more than the floors' residue.
//
// It is a benchmark, not a test: it runs only with
// TRANCHENET_PAYDATE_BENCH=1 (and TRANCHENET_INTEGRATION=1), never in make
// test:
//
//	TRANCHENET_INTEGRATION=1 TRANCHENET_PAYDATE_BENCH=1 go test ./gateway-app/internal/app -run TestIntegrationPayDate -v -timeout 90m
//
// The added holders are identity keys (MSP/<64 hex digits>) with no
// certificate behind them: they never sign, since the trustee pays them
// (ClaimFor), and enrolling 10,000 Fabric identities would measure the CA.
func TestIntegrationPayDate(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_PAYDATE_BENCH")
	holders := tnet.EnvInt(t, "TRANCHENET_PAYDATE_HOLDERS", 10000)
	levels := tnet.EnvInts(t, "TRANCHENET_PAYDATE_CONCURRENCY", []int{32})
	began := time.Now()
	step := func(what string) { t.Logf("%7.1fs  %s", time.Since(began).Seconds(), what) }
	n, org1, org2, org3 := upWithBanks(t)
	e := newE2E(t, org1, org2, org3, "POOL-PAY", "AUTO-PAY")
	e.many = newManyHolders(holders, []*bank{org1, org2, org3})
	step("pool and tape")
	e.poolAndTape()
	step(fmt.Sprintf("deal, cast and %d more class A holders (attested, placed in batches)", holders))
	e.dealAndInvestors()
	step(fmt.Sprintf("set-up of the holders: attestation %.1fs, placement %.1fs", e.many.attestSecs, e.many.placeSecs))
	e.cash()

	cfg, err := config.Load(org1.config)
	if err != nil {
		t.Fatal(err)
	}
	a := e.tranche("A")
	var runs []payRun
	index := decimal.Zero
	for i, level := range levels {
		period := i + 1
		step(fmt.Sprintf("period %d reported and remitted", period))
		e.reportAndRemit(period)
		payDate := []string{"2026-02-17", "2026-03-16", "2026-04-15", "2026-05-15"}[i]
		org1.stop(syscall.SIGTERM)
		cfg.Scheduler = &config.Scheduler{Identity: org1.ids["trustee"], Interval: config.Duration(time.Second), Concurrency: level,
			Now: payDate + "T09:00:00Z", Deals: []config.ScheduledDeal{{Deal: e.deal, DeterminationDays: 2}}}
		if err := config.WriteFile(org1.config, cfg); err != nil {
			t.Fatal(err)
		}
		step(fmt.Sprintf("period %d: the trustee's scheduler certifies and pays, concurrency %d", period, level))
		measured := measurePayRun(t, n.Run, org1, e.deal, period, level)
		runs = append(runs, measured)
		step(measured.String())

		var book struct {
			Index   decimal.Decimal
			Balance money.Amount
		}
		org3.must(200, "GET", "/v1/tranches/"+a+"/distribution-book", "auditor", nil).decode(t, &book)
		e.many.checkPaid(t, index, book.Index)
		index = book.Index
		if book.Balance > money.Amount(holders+2) {
			t.Errorf("period %d: class A's distribution account keeps %s after the run, more than the floors' residue", period, book.Balance)
		}
	}
	t.Logf("\n%s", payRunTable(runs, holders))
}

// reportAndRemit files the next period's report as the servicer and
// remits its collections.
func (e *e2e) reportAndRemit(period int) {
	t := e.t
	rows := e.advance()
	file := reportFile(t, rows, false)
	var ru struct {
		Status     string
		Aggregates loantape.ReportAggregates
	}
	for attempt := 1; ; attempt++ {
		r := e.org2.send("POST", fmt.Sprintf("/v1/deals/%s/reports?loanCount=%d", e.deal, len(rows)), "servicer", file, "text/csv", "")
		if r.status == 502 && attempt < 4 {
			t.Logf("report upload attempt %d: %s", attempt, r.body)
			continue
		}
		r.decode(t, &ru)
		break
	}
	if ru.Status != "complete" {
		t.Fatalf("period %d report: %+v", period, ru)
	}
	a := ru.Aggregates
	e.org2.must(200, "POST", "/v1/deals/"+e.deal+"/collections", "servicer",
		map[string]string{"amount": (a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds).String()})
}

// manyHolders are class A holders beyond the cast's, at every bank.
type manyHolders struct {
	keys  []string
	banks []*bank // the bank of keys[i]
	units []int64
	// paid is each holder's cash after the last period checked.
	paid []money.Amount
	// attestSecs and placeSecs are the set-up's wall times.
	attestSecs, placeSecs float64
}

func newManyHolders(n int, banks []*bank) *manyHolders {
	m := &manyHolders{}
	for i := range n {
		b := banks[i%len(banks)]
		sum := sha256.Sum256([]byte(fmt.Sprintf("paydate holder %d", i)))
		m.keys = append(m.keys, b.msp+"/"+hex.EncodeToString(sum[:]))
		m.banks = append(m.banks, b)
		m.units = append(m.units, int64(1000+i%97))
	}
	return m
}

// unitsOf is how many of class c's units the added holders take.
func (m *manyHolders) unitsOf(class string) int64 {
	if m == nil || class != "A" {
		return 0
	}
	var sum int64
	for _, u := range m.units {
		sum += u
	}
	return sum
}

// place attests the added holders (each by its own bank's compliance
// officer, schema.MaxBatchQuery to a transaction with
// POST /v1/investors/attestations/batch, one batch per bank in flight) and
// places class A with them in batches of schema.MaxBatchQuery.
func (m *manyHolders) place(e *e2e, class string) {
	if m == nil || class != "A" {
		return
	}
	t := e.t
	start := time.Now()
	claims := map[string]any{"investorType": "qib", "jurisdiction": "US", "kycExpiry": time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}
	type batch struct {
		bank    *bank
		entries []any
	}
	var batches []batch
	byBank := map[*bank][]int{}
	var order []*bank
	for i := range m.keys {
		if byBank[m.banks[i]] == nil {
			order = append(order, m.banks[i])
		}
		byBank[m.banks[i]] = append(byBank[m.banks[i]], i)
	}
	for _, b := range order {
		holders := byBank[b]
		for lo := 0; lo < len(holders); lo += schema.MaxBatchQuery {
			next := batch{bank: b}
			for _, i := range holders[lo:min(lo+schema.MaxBatchQuery, len(holders))] {
				next.entries = append(next.entries, map[string]any{"investor": m.keys[i], "claims": claims,
					"dossier": map[string]string{"ref": fmt.Sprintf("paydate-%d", i)}})
			}
			batches = append(batches, next)
		}
	}
	fail := eachInParallel(len(order), len(batches), func(i int) string {
		body, _ := json.Marshal(map[string]any{"attestations": batches[i].entries})
		var r resp
		var err error
		for attempt := 0; attempt < 3; attempt++ { // an endorsement hiccup on a loaded box; re-attesting is harmless
			if r, err = batches[i].bank.try("POST", "/v1/investors/attestations/batch", "compliance", body, "", ""); err == nil && r.status == 200 {
				return ""
			}
		}
		return fmt.Sprintf("attestation batch %d (%s): %v %d %s", i, batches[i].bank.msp, err, r.status, r.body)
	})
	if len(fail) > 0 {
		t.Fatalf("%d of %d attestation batches failed, first: %s", len(fail), len(batches), fail[0])
	}
	m.attestSecs = time.Since(start).Seconds()
	start = time.Now()
	for lo := 0; lo < len(m.keys); lo += schema.MaxBatchQuery {
		var batch []any
		for i := lo; i < min(lo+schema.MaxBatchQuery, len(m.keys)); i++ {
			batch = append(batch, map[string]any{"investor": m.keys[i], "units": m.units[i]})
		}
		e.org1.must(200, "POST", "/v1/tranches/"+e.tranche("A")+"/placements/batch", "trustee", map[string]any{"placements": batch})
	}
	m.placeSecs = time.Since(start).Seconds()
}

// checkPaid checks every added holder's cash: it holds class A only and
// started with none, so after the periods up to the one whose index is
// now it holds Σ floor(units × index increase) of each period, to the
// cent (nothing paid twice, nothing missed).
func (m *manyHolders) checkPaid(t *testing.T, before, now decimal.Decimal) {
	t.Helper()
	if m.paid == nil {
		m.paid = make([]money.Amount, len(m.keys))
	}
	bad := eachInParallel(16, len(m.keys), func(i int) string {
		due := money.Amount(decimal.NewFromInt(m.units[i]).Mul(now.Sub(before)).Shift(2).Floor().IntPart())
		r, err := m.banks[i].try("GET", "/v1/cash/balances/"+m.keys[i], "compliance", nil, "", "")
		var bal struct{ Balance money.Amount }
		if err == nil && r.status == 200 {
			err = json.Unmarshal(r.body, &bal)
		}
		switch {
		case err != nil || r.status != 200:
			return fmt.Sprintf("cash of %s: %v %d %s", m.keys[i][:16], err, r.status, r.body)
		case bal.Balance != m.paid[i]+due:
			return fmt.Sprintf("%s holds %s, want %s + %s", m.keys[i][:16], bal.Balance, m.paid[i], due)
		}
		m.paid[i] = bal.Balance // each i is one goroutine's
		return ""
	})
	if len(bad) > 0 {
		t.Fatalf("%d of %d holders not paid exactly their accrual, first: %s", len(bad), len(m.keys), bad[0])
	}
}

// eachInParallel runs do(0..n-1) on workers goroutines and returns the
// non-empty answers (the failures).
func eachInParallel(workers, n int, do func(i int) string) []string {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		out  []string
		work = make(chan int)
	)
	for range workers {
		wg.Go(func() {
			for i := range work {
				if msg := do(i); msg != "" {
					mu.Lock()
					out = append(out, msg)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// payRun is one payment date measured.
type payRun struct {
	Period, Concurrency int
	Payments            int // pay-holders claims done
	Failed              int // pay-holders claims failed (retried next pass)
	FailedBy            map[string]int
	FirstToLast         float64            // seconds from the first payment seen to the last
	CertifyToLast       float64            // seconds from the clock set to the last payment
	CPU                 map[string]float64 // CPU seconds per second from the first payment to the last
	LoadBefore          string
	LoadAfter           string
	BoxBusy             float64 // share of the box's CPU busy during the run
}

func (r payRun) rate() float64 {
	if r.FirstToLast <= 0 {
		return 0
	}
	return float64(r.Payments) / r.FirstToLast
}

func (r payRun) String() string {
	return fmt.Sprintf("period %d, concurrency %d: %d payments in %.1fs (%.1f/s), %d failed %v; CPU/s %v; load %s → %s",
		r.Period, r.Concurrency, r.Payments, r.FirstToLast, r.rate(), r.Failed, r.FailedBy, r.CPU, r.LoadBefore, r.LoadAfter)
}

// measurePayRun starts the trustee's gateway (its scheduler configured
// for the payment date) and watches its metrics until the period is paid.
func measurePayRun(t *testing.T, run string, trustee *bank, deal string, period, concurrency int) payRun {
	t.Helper()
	out := payRun{Period: period, Concurrency: concurrency, FailedBy: map[string]int{}, LoadBefore: loadAvg()}
	logStart := fileSize(trustee.logPath)
	procs, err := throughput.ReadProcesses(run)
	if err != nil {
		t.Fatal(err)
	}
	before, boxBefore := procs.Sample(), boxCPU()
	started := time.Now()
	trustee.start()
	var first, last time.Time
	var atFirst, atLast throughput.CPU // the processes' CPU at the first and the last payment
	lastDone := 0
	var sc struct {
		Next []struct {
			Period int
			Step   string
		}
	}
	waitFor(t, 60*time.Minute, fmt.Sprintf("period %d paid", period), func() bool {
		time.Sleep(400 * time.Millisecond)
		done, failed := schedulerCounts(trustee)
		now := time.Now()
		if done > lastDone {
			if first.IsZero() {
				first, atFirst = now, procs.Sample()
			}
			last, lastDone, atLast = now, done, procs.Sample()
		}
		out.Failed = failed
		r, err := trustee.try("GET", "/v1/deals/"+deal+"/schedule", "auditor", nil, "", "")
		if err != nil || r.status != 200 || json.Unmarshal(r.body, &sc) != nil {
			return false
		}
		return len(sc.Next) > 0 && sc.Next[0].Period > period
	})
	after, boxAfter := procs.Sample(), boxCPU()
	secs := time.Since(started).Seconds()
	out.LoadAfter = loadAvg()
	out.Payments = lastDone
	out.FirstToLast = last.Sub(first).Seconds()
	out.CertifyToLast = last.Sub(started).Seconds()
	out.CPU = map[string]float64{}
	window := out.FirstToLast
	if window <= 0 { // one payment, or none: the whole run
		atFirst, atLast, window = before, after, secs
	}
	for name, rate := range throughput.IdleRate(atFirst, atLast, window) {
		out.CPU[name] = float64(int(rate*100+0.5)) / 100
	}
	if total := boxAfter[0] - boxBefore[0]; total > 0 {
		out.BoxBusy = float64(boxAfter[1]-boxBefore[1]) / float64(total)
	}
	for _, kind := range failedClaims(trustee.logPath, logStart) {
		out.FailedBy[kind]++
	}
	return out
}

// schedulerCounts reads the pay-holders claims done and failed from the
// gateway's metrics.
func schedulerCounts(b *bank) (done, failed int) {
	r, err := b.try("GET", "/metrics", "", nil, "", "")
	if err != nil || r.status != 200 {
		return 0, 0
	}
	for _, l := range strings.Split(string(r.body), "\n") {
		if !strings.HasPrefix(l, "tranchenet_scheduler_steps_total{") || !strings.Contains(l, `step="pay-holders"`) {
			continue
		}
		f := strings.Fields(l)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		switch {
		case strings.Contains(l, `outcome="done"`):
			done = int(v)
		case strings.Contains(l, `outcome="failed"`):
			failed = int(v)
		}
	}
	return done, failed
}

// failedClaims classifies the "scheduler: claim failed" log lines written
// after offset.
func failedClaims(path string, offset int64) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.Contains(l, "claim failed") {
			continue
		}
		kind := "other"
		for _, k := range []string{"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "ENDORSEMENT_POLICY_FAILURE", "DeadlineExceeded", "Unavailable", "ResourceExhausted", "timeout"} {
			if strings.Contains(l, k) {
				kind = k
				break
			}
		}
		out = append(out, kind)
	}
	return out
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	return strings.Join(f[:3], " ")
}

// boxCPU is /proc/stat's total and busy jiffies of all CPUs.
func boxCPU() [2]int64 {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return [2]int64{}
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	var total, idle int64
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseInt(f, 10, 64)
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	return [2]int64{total, total - idle}
}

// payRunTable renders the runs as the README's table.
func payRunTable(runs []payRun, holders int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| concurrency | holders paid | first → last payment | payments/s | failed (retried) | trustee peer CPU | its chaincode | orderers | other peers | box busy | load before → after |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		var peer, cc, ord, others float64
		var names []string
		for name := range r.CPU {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v := r.CPU[name]
			switch {
			case strings.HasPrefix(name, "peer0.org1"):
				peer += v
			case strings.Contains(name, "chaincode") && strings.Contains(strings.ToLower(name), "org1"):
				cc += v
			case strings.HasPrefix(name, "orderer"):
				ord += v
			case strings.HasPrefix(name, "peer"):
				others += v
			}
		}
		failed := fmt.Sprint(r.Failed)
		if len(r.FailedBy) > 0 {
			failed += fmt.Sprint(" ", r.FailedBy)
		}
		fmt.Fprintf(&b, "| %d | %d (+%d cast) | %.1f s | %.1f | %s | %.2f | %.2f | %.2f | %.2f | %.0f %% | %s → %s |\n",
			r.Concurrency, holders, r.Payments-holders, r.FirstToLast, r.rate(), failed, peer, cc, ord, others, 100*r.BoxBusy, r.LoadBefore, r.LoadAfter)
	}
	return b.String()
}
