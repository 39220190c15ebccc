package throughput

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/test-network/load"
)

func TestErrorKinds(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New("transaction 3fa9 invalid: MVCC_READ_CONFLICT"), "MVCC_READ_CONFLICT"},
		{errors.New("transaction 3fa9 invalid: PHANTOM_READ_CONFLICT"), "PHANTOM_READ_CONFLICT"},
		{errors.New("rpc error: ProposalResponsePayloads do not match"), "endorsements differ"},
		{fmt.Errorf("submit: %w", context.DeadlineExceeded), "timeout"},
		{errors.New("chaincode response 500, [RULE_MAX_HOLDERS] rule 14: tranche T would have 4 holders"), "RULE_MAX_HOLDERS"},
		{errors.New(`POST /v1/x: HTTP 422 {"code":"RULE_JURISDICTION_BLOCKED","status":422}`), "RULE_JURISDICTION_BLOCKED"},
		{errors.New("connection refused"), "other"},
	} {
		if got := ErrorKind(c.err); got != c.want {
			t.Errorf("ErrorKind(%q) = %q, want %q", c.err, got, c.want)
		}
	}
}

// This process's own CPU time grows as it works, and PerOp divides the
// growth by the operations.
func TestCPUOfAProcess(t *testing.T) {
	procs := Processes{"self": os.Getpid()}
	before := procs.Sample()
	x := 0
	for i := 0; i < 50_000_000; i++ {
		x += i % 7
	}
	after := procs.Sample()
	if x == 0 || after["self"] <= before["self"] {
		t.Fatalf("CPU before %v after %v", before, after)
	}
	per := PerOp(before, after, 10)
	want := round(1000*(after["self"]-before["self"])/10, 2)
	if per["self"] != want || Total(per) != want {
		t.Errorf("per op %v, total %v, want %v", per, Total(per), want)
	}
	idle := IdleRate(CPU{"self": 1}, CPU{"self": 1.5}, 10) // 0.05 CPU-s/s
	if got := PerOpAboveIdle(CPU{"self": 2}, CPU{"self": 3}, 100, idle, 4); got["self"] != 8 {
		t.Errorf("1 s used over 4 s with 0.2 s idle, 100 ops: %v ms per op, want 8", got["self"])
	}
	if len(PerOp(before, after, 0)) != 0 {
		t.Error("no operations: no CPU per operation")
	}
}

// The table's ratios are throughputs of the same run: compliant 80 TPS
// against plain 100 is 0.80 and against the private twin's 50 is 1.60
// (DvP's 70 against its twin's 35 is 2.00), the apps' cost is read per
// listener window, and a missing measure is a dash.
func TestMarkdownRatios(t *testing.T) {
	m := func(w, path string, apps bool, tps float64) Measure {
		window := ""
		if apps {
			window = "250ms"
		}
		return Measure{Workload: w, Path: path, Apps: apps, Window: window, Report: load.Report{Clients: 32, Done: 100, PerSecond: tps}}
	}
	off := func(w, path string, tps float64) Measure {
		x := m(w, path, true, tps)
		x.Window = "0s"
		return x
	}
	r := Result{Measures: []Measure{
		m(PlainTransfer, Direct, false, 100), m(PrivateTransfer, Direct, false, 50), m(PrivateDvP, Direct, false, 35),
		m(CompliantTransfer, Direct, false, 80), m(DvPSettle, Direct, false, 70),
		m(PositionRead, Direct, false, 600), m(BalanceRead, Direct, false, 1000),
		m(CompliantTransfer, Direct, true, 76), m(CompliantTransfer, REST, true, 76),
		off(CompliantTransfer, Direct, 60), off(CompliantTransfer, REST, 30),
	}}
	md := r.Markdown()
	for _, want := range []string{"| 32 | 0.80 (80.0 vs 100.0) | 0.70 (70.0) | 0.60 (600.0 vs 1000.0/s)", "| 32 | 0.50 (50.0) | 1.60 | 0.35 (35.0) | 2.00 |", "| 32 | 250ms | — · 0.95 · — | 1.00 · — · — |", "| 32 | 0s | — · 0.75 · — | 0.50 · — · — |"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

// Rounds of apps off and on are paired round by round, and the median of
// the rounds' ratios is what the table leads with: a single noisy round
// (here the second, 0.50) does not decide it. Beside it, the CPU an
// operation cost without the apps over with them (40 over 50 ms: 0.80). A
// single-round run has no such table.
func TestMarkdownMedianOfRounds(t *testing.T) {
	m := func(w string, apps bool, round int, tps float64) Measure {
		window := ""
		if apps {
			window = "250ms"
		}
		// CPU an op: 40 ms without the apps, 50 ms with them.
		cpu := 40.0
		if apps {
			cpu = 50
		}
		return Measure{Workload: w, Path: Direct, Apps: apps, Window: window, Round: round, Report: load.Report{Clients: 64, Done: 100, PerSecond: tps}, CPUTotal: cpu}
	}
	r := Result{Measures: []Measure{
		m(DvPSettle, false, 0, 50), m(DvPSettle, true, 0, 46),
		m(DvPSettle, false, 1, 60), m(DvPSettle, true, 1, 30),
		m(DvPSettle, false, 2, 40), m(DvPSettle, true, 2, 38),
	}}
	each, median, ok := r.AppsRatios(DvPSettle, 64, "250ms")
	if !ok || len(each) != 3 || median != 0.92 {
		t.Fatalf("ratios %v, median %v, ok %v; want three rounds, median 0.92", each, median, ok)
	}
	if want := "| 64 | 250ms | — · — · **0.92** (0.92, 0.50, 0.95) | — · **0.80** (0.80, 0.80, 0.80) |"; !strings.Contains(r.Markdown(), want) {
		t.Errorf("table lacks %q:\n%s", want, r.Markdown())
	}
	if _, _, ok := r.AppsRatios(CompliantTransfer, 64, "250ms"); ok {
		t.Error("a workload never measured has no ratio")
	}
	single := Result{Measures: r.Measures[:2]}
	if strings.Contains(single.Markdown(), "median of rounds") {
		t.Error("a single round prints a median table")
	}
}
