package app

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
	"github.com/tranchenet/tranchenet/test-network/loansim"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationUploadBench measures loan data going onto the ledger
// through a bank's REST API on the real network (issue 17): for each tape
// size (TRANCHENET_UPLOAD_BENCH_LOANS, default 10000,100000) a loansim
// tape is uploaded once per chunk size (TRANCHENET_UPLOAD_BENCH_TAPE_CHUNKS,
// default upload.DefaultTapeChunk) and chunks-in-flight setting
// (TRANCHENET_UPLOAD_BENCH_INFLIGHT, default 1 and upload.DefaultInFlight;
// 1 is one chunk after another), each into its own pool, sealed, and its
// root compared; then a deal on the last pool takes the month's servicer
// report at each report chunk size (TRANCHENET_UPLOAD_BENCH_REPORT_CHUNKS,
// default upload.DefaultReportChunk) and setting (withdrawn between them).
// Each upload reports its time, chunks per second and the servicer
// gateway's peak RSS while it ran (sampled from /proc every 50 ms), so
// 10,000 against 100,000 loans shows whether the gateway's memory is flat
// in the file size, and the peers' own counters for it (peerCounters:
// chaincode round trips a row, seconds a proposal and a block). Then
// period 1 is certified and period 2's report timed at the last setting:
// a later month, whose balances come from period 1's report. Opt-in: it takes
// minutes and the box's load moves the figures; read the ratios.
//
//	TRANCHENET_INTEGRATION=1 TRANCHENET_UPLOAD_BENCH=1 go test ./gateway-app/internal/app -run TestIntegrationUploadBench -v -timeout 60m
func TestIntegrationUploadBench(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_UPLOAD_BENCH")
	sizes := tnet.EnvInts(t, "TRANCHENET_UPLOAD_BENCH_LOANS", []int{10000, 100000})
	inFlight := tnet.EnvInts(t, "TRANCHENET_UPLOAD_BENCH_INFLIGHT", []int{1, upload.DefaultInFlight})
	tapeChunks := tnet.EnvInts(t, "TRANCHENET_UPLOAD_BENCH_TAPE_CHUNKS", []int{upload.DefaultTapeChunk})
	reportChunks := tnet.EnvInts(t, "TRANCHENET_UPLOAD_BENCH_REPORT_CHUNKS", []int{upload.DefaultReportChunk})
	// TRANCHENET_UPLOAD_BENCH_PEER_PROFILES=DIR writes every peer's CPU
	// profile of each upload's first TRANCHENET_UPLOAD_BENCH_PROFILE_SECONDS
	// (default 30) into DIR: where a later month's extra time goes.
	profileDir := os.Getenv("TRANCHENET_UPLOAD_BENCH_PEER_PROFILES")
	if profileDir != "" && os.Getenv("TRANCHENET_PEER_PPROF") == "" {
		t.Setenv("TRANCHENET_PEER_PPROF", "6060")
	}
	n, org1, org2, org3 := upWithBanks(t)
	var profiles *throughput.Recorder // nil: none asked for
	if profileDir != "" {
		var err error
		if profiles, err = throughput.NewRecorder(n.Run, profileDir, tnet.EnvInt(t, "TRANCHENET_UPLOAD_BENCH_PROFILE_SECONDS", 30)); err != nil {
			t.Fatalf("TRANCHENET_UPLOAD_BENCH_PEER_PROFILES: %v", err)
		}
	}
	// profiled waits for an upload's profiles, once the upload is timed.
	profiled := func(label string, wait func() error) {
		if err := wait(); err != nil {
			t.Errorf("%s: %v", label, err)
		}
	}
	// The CPU each process spends on an upload (peers, orderers,
	// chaincode services, the three gateway apps) says where a slower
	// upload's time goes on this CPU-bound box.
	procs, err := throughput.ReadProcesses(n.Run)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []*bank{org1, org2, org3} {
		procs["gateway-"+b.msp] = b.cmd.Process.Pid
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load average at the start: %s", strings.TrimSpace(string(load)))

	var table []string
	var peersBefore peerCounters
	row := func(what string, loans, size, k int, m measured, chunks int) {
		t.Logf("%s of %d loans, chunks of %d, %d in flight: %s", what, loans, size, k, readPeerCounters(t, n.Consortium).since(peersBefore).describe(loans, chunks))
		perLoan := throughput.PerOp(m.cpuBefore, m.cpuAfter, loans)
		t.Logf("%s: CPU ms a loan, %.3f in all: %s", what, throughput.Total(perLoan), cpuByProcess(perLoan))
		line := fmt.Sprintf("| %s | %d | %d | %d | %d | %.1f s | %.2f | %.0f MB → %.0f MB |", what, loans, size, k, chunks, m.took.Seconds(),
			float64(chunks)/m.took.Seconds(), float64(m.rssBefore)/1024, float64(m.rssPeak)/1024)
		t.Log(line)
		table = append(table, line)
	}
	for _, loans := range sizes {
		sim, err := loansim.New(loansim.PoolSpec{Seed: uint64(loans), Loans: loans, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, loansim.DefaultAssumptions())
		if err != nil {
			t.Fatal(err)
		}
		var tape bytes.Buffer
		w := loantape.NewCSVWriter[loantape.Loan](&tape)
		for l := range sim.Tape() {
			w.Write(l)
		}
		w.Flush()
		var pool string
		var balance money.Amount
		for _, setting := range settings(tapeChunks, inFlight) {
			size, k := setting[0], setting[1]
			pool = fmt.Sprintf("POOL-UB-%d-%d-%d", loans, size, k)
			org1.must(201, "POST", "/v1/pools", "arranger", map[string]string{"id": pool, "name": "Upload bench " + pool,
				"originator": "Org2MSP", "servicer": "Org2MSP", "cutoffDate": "2025-12-31"})
			var tu upload.TapeUpload
			retries := 0
			peersBefore = readPeerCounters(t, n.Consortium)
			label := fmt.Sprintf("tape-%d-%d-%d", loans, size, k)
			wait := profiles.Start(label)
			m := measure(t, org2, procs, func() {
				// On this loaded box a private-data dissemination can fail
				// (502): the same file again submits only the chunks missing.
				for {
					r := org2.send("PUT", fmt.Sprintf("/v1/pools/%s/loans?loanCount=%d&chunkSize=%d&inFlight=%d", pool, loans, size, k), "servicer", tape.Bytes(), "text/csv", "")
					if r.status == 502 && retries < 5 {
						retries++
						t.Logf("tape %s, attempt %d: %s", pool, retries, r.body)
						continue
					}
					r.decode(t, &tu)
					if r.status != 200 || tu.Loans != loans {
						t.Fatalf("tape %s: %d %s", pool, r.status, r.body)
					}
					return
				}
			})
			profiled(label, wait)
			row(fmt.Sprintf("tape (%d resumed)", retries), loans, size, k, m, tu.Chunks)
			org2.must(200, "POST", "/v1/pools/"+pool+"/seal", "servicer", nil)
			var pv struct{ Pool struct{ MerkleRoot string } }
			org3.must(200, "GET", "/v1/pools/"+pool, "auditor", nil).decode(t, &pv)
			if pv.Pool.MerkleRoot != tu.MerkleRoot {
				t.Fatalf("pool %s sealed root %s, the gateway's %s", pool, pv.Pool.MerkleRoot, tu.MerkleRoot)
			}
			balance = tu.Balance
		}

		e := &e2e{t: t, org1: org1, org2: org2, org3: org3, pool: pool, deal: fmt.Sprintf("DEAL-UB-%d", loans), sim: sim, balance: balance}
		e.alice, e.anna = org2.key("investor1"), org2.key("investor2")
		e.bob, e.carol = org3.key("investor1"), org3.key("investor2")
		e.dealAndInvestors()
		// report uploads a period's report file of rows rows, resending
		// the same file after a failed dissemination (502: only the chunks
		// missing go again), and answers it with its time and resends.
		report := func(file []byte, rows, period, size, k int) (upload.ReportUpload, measured, int) {
			var ru upload.ReportUpload
			retries := 0
			peersBefore = readPeerCounters(t, n.Consortium)
			label := fmt.Sprintf("report-%d-period%d-%d-%d", rows, period, size, k)
			wait := profiles.Start(label)
			defer profiled(label, wait)
			m := measure(t, org2, procs, func() {
				for {
					r := org2.send("POST", fmt.Sprintf("/v1/deals/%s/reports?loanCount=%d&chunkSize=%d&inFlight=%d", e.deal, rows, size, k), "servicer", file, "text/csv", "")
					if r.status == 502 && retries < 5 {
						retries++
						t.Logf("period %d report of %s, attempt %d: %s", period, e.deal, retries, r.body)
						continue
					}
					r.decode(t, &ru)
					if r.status != 201 || ru.Status != "complete" || ru.Rows != rows || ru.Period != period {
						t.Fatalf("period %d report of %s: %d %s", period, e.deal, r.status, r.body)
					}
					return
				}
			})
			return ru, m, retries
		}
		file := reportFile(t, e.advance(), false)
		var aggregates loantape.ReportAggregates
		for i, setting := range settings(reportChunks, inFlight) {
			size, k := setting[0], setting[1]
			if i > 0 {
				org2.must(200, "POST", "/v1/deals/"+e.deal+"/periods/1/report/withdrawal", "servicer", map[string]string{"reason": "upload bench: the next setting"})
			}
			ru, m, retries := report(file, loans, 1, size, k)
			row(fmt.Sprintf("report (%d resumed)", retries), loans, size, k, m, ru.Chunks)
			aggregates = ru.Aggregates
		}
		// A later month: period 1 certified, the next report finds each
		// loan's last balance in period 1's indexes, not the tape's.
		// The servicer remits what it collected and the arranger funds the
		// deal's reserve account: cash the settlement agent mints and pays
		// them first (e2e.cash does more, and checks a fresh cash ledger's
		// supply, which a second tape size's deal would not have).
		agent, owed := "settlement", collections(aggregates)
		org1.must(200, "POST", "/v1/cash/reserves", agent, map[string]string{"amount": "100000000000.00", "evidence": "sha256:upload-bench-reserves"})
		org1.must(200, "POST", "/v1/cash/mint", agent, map[string]string{"amount": (owed + e.reserve).String()})
		org1.must(200, "POST", "/v1/cash/payments", agent, map[string]string{"to": org2.key("servicer"), "amount": owed.String()})
		org1.must(200, "POST", "/v1/cash/payments", agent, map[string]string{"to": org1.key("arranger"), "amount": e.reserve.String()})
		org1.must(200, "POST", "/v1/deals/"+e.deal+"/reserves/reserve/deposits", "arranger", map[string]string{"amount": e.reserve.String()})
		e.remitAndCertify(1, aggregates)
		size, k := reportChunks[len(reportChunks)-1], inFlight[len(inFlight)-1]
		// Loans paid off or charged off in period 1 leave the report.
		rows := e.advance()
		ru, m, retries := report(reportFile(t, rows, false), len(rows), 2, size, k)
		row(fmt.Sprintf("period 2 report (%d resumed)", retries), len(rows), size, k, m, ru.Chunks)
	}
	load, _ = os.ReadFile("/proc/loadavg")
	t.Logf("load average at the end: %s", strings.TrimSpace(string(load)))
	t.Logf("\n| upload | loans | chunk size | in flight | chunks | time | chunks/s | servicer gateway RSS before → peak |\n|---|---|---|---|---|---|---|---|\n%s", strings.Join(table, "\n"))
}

// measured is one upload: its wall time, the gateway's resident memory
// before it and at its peak (kB), and the processes' CPU time before and
// after it.
type measured struct {
	took                time.Duration
	rssBefore, rssPeak  int
	cpuBefore, cpuAfter throughput.CPU
}

// measure runs upload while sampling b's gateway process's VmRSS, and
// the CPU time of procs around it.
func measure(t *testing.T, b *bank, procs throughput.Processes, run func()) measured {
	t.Helper()
	pid := b.cmd.Process.Pid
	m := measured{rssBefore: rssKB(pid), cpuBefore: procs.Sample()}
	m.rssPeak = m.rssBefore
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				m.rssPeak = max(m.rssPeak, rssKB(pid))
			}
		}
	}()
	began := time.Now()
	run()
	m.took = time.Since(began)
	m.cpuAfter = procs.Sample()
	close(done)
	wg.Wait()
	return m
}

// cpuByProcess lists the processes' shares, largest first.
func cpuByProcess(perLoan map[string]float64) string {
	names := slices.Collect(maps.Keys(perLoan))
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(perLoan[b], perLoan[a]) })
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %.3f", name, perLoan[name])
	}
	return strings.Join(parts, ", ")
}

// rssKB reads a process's resident set size in kB (0 if unreadable).
func rssKB(pid int) int {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return n
		}
	}
	return 0
}

// settings is every (chunk size, chunks in flight) pair, sizes outer.
func settings(sizes, inFlight []int) [][2]int {
	var out [][2]int
	for _, size := range sizes {
		for _, k := range inFlight {
			out = append(out, [2]int{size, k})
		}
	}
	return out
}
