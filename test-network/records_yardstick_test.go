package testnetwork

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/plaintoken"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationRecordsYardstick measures what a loan tape's layout costs
// the peers (issue 17: 100,000 loans on the ledger in ≤ 60 s). On one
// network, in one run, the same loans (a simulated pool, each stored as
// the TapeLoan record the Pool contract keeps) go onto the ledger in the
// same chunks with the same number in flight, three ways:
//
//   - tranchenet: Pool:AddLoans, every check and record of the product,
//     then Pool:CheckTape and Pool:Seal;
//   - one key a loan: the Records yardstick's PutEach, one private key a
//     loan in the loanTape collection, each read first (the floor of the
//     product's layout: its per-loan reads and writes and nothing else);
//   - one value a chunk: PutChunk, the chunk's loans as one private value
//     (the floor of the layout the README proposes).
//
// It reports each way's time, loans a second and CPU per loan by process
// kind (from /proc), and writes the table to $TRANCHENET_RECORDS_OUT
// (default: the test's temp dir). Opt-in: TRANCHENET_RECORDS_BENCH=1 and
// TRANCHENET_INTEGRATION=1; TRANCHENET_RECORDS_BENCH_LOANS (default
// 100000), _CHUNK (512) and _INFLIGHT (6) change the run.
//
//	TRANCHENET_INTEGRATION=1 TRANCHENET_RECORDS_BENCH=1 go test ./test-network -run TestIntegrationRecordsYardstick -v -timeout 60m
func TestIntegrationRecordsYardstick(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_RECORDS_BENCH")
	loans := tnet.EnvInts(t, "TRANCHENET_RECORDS_BENCH_LOANS", []int{100_000})[0]
	chunkSize := tnet.EnvInts(t, "TRANCHENET_RECORDS_BENCH_CHUNK", []int{512})[0]
	inFlight := tnet.EnvInts(t, "TRANCHENET_RECORDS_BENCH_INFLIGHT", []int{6})[0]
	cs := startDealNetwork(t)
	if err := throughput.DeployPlainToken(context.Background(), cs.n); err != nil {
		t.Fatal(err)
	}
	tape := simulatedTape(t, 17, loans)
	chunks := (len(tape) + chunkSize - 1) / chunkSize
	chunk := func(i int) []loantape.Loan { return tape[i*chunkSize : min((i+1)*chunkSize, len(tape))] }

	servicer, arranger := cs.get("servicer"), cs.get("arranger")
	poolID := "POOL-YARD-1"
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Records yardstick pool",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2026-09-30"})}, nil, "")
	tapeEndorsers := cs.endorsers(servicer, "Pool:AddLoans", servicer.msp)
	records := servicer.c.On(plaintoken.Name)
	// recordsOf is the chunk as the Records yardstick takes it: each loan's
	// TapeLoan record, keyed as its layout keys it.
	recordsOf := func(i int, key func(l loantape.Loan) string) map[string][]byte {
		var out []plaintoken.Record
		for j, l := range chunk(i) {
			value, err := json.Marshal(schema.TapeLoan{Index: i*chunkSize + j, Chunk: i, Loan: l})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, plaintoken.Record{Key: key(l), Value: value})
		}
		raw, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return map[string][]byte{plaintoken.TransientRecords: raw}
	}
	ways := []struct {
		name   string
		submit func(i int) error
		finish func()
	}{
		{"tranchenet Pool:AddLoans", func(i int) error {
			_, err := cs.trySubmit(servicer, "Pool:AddLoans", []string{poolID, strconv.Itoa(i)}, map[string][]byte{
				pool.TransientLoans: []byte(canonJSON(t, chunk(i))), pool.TransientChunkSize: []byte(strconv.Itoa(chunkSize))}, servicer.msp)
			return err
		}, func() {
			cs.submit(servicer, "Pool:CheckTape", []string{poolID}, nil, servicer.msp)
			cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
		}},
		{"one private key a loan", func(i int) error {
			_, _, err := records.Submit(context.Background(), tnet.Tx{Fn: "Records:PutEach", Args: []string{roles.LoanTapeCollection},
				Transient: recordsOf(i, func(l loantape.Loan) string { return "each~" + l.AssetNumber }),
				Endorsers: tapeEndorsers, WaitOrgs: tapeEndorsers})
			return err
		}, nil},
		{"one private value a chunk", func(i int) error {
			_, _, err := records.Submit(context.Background(), tnet.Tx{Fn: "Records:PutChunk", Args: []string{roles.LoanTapeCollection, fmt.Sprintf("chunk~%08d", i)},
				Transient: recordsOf(i, func(l loantape.Loan) string { return l.AssetNumber }),
				Endorsers: tapeEndorsers, WaitOrgs: tapeEndorsers})
			return err
		}, nil},
	}
	procs, err := throughput.ReadProcesses(cs.n.Run)
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d loans in %d chunks of %d, %d in flight, one network, one run:\n\n", len(tape), chunks, chunkSize, inFlight)
	table.WriteString("| layout | time | loans/s | vs tranchenet | CPU ms a loan: peers · orderers · chaincode · all |\n|---|---|---|---|---|\n")
	var first float64
	for _, w := range ways {
		before, start := procs.Sample(), time.Now()
		if err := inParallel(inFlight, chunks, w.submit); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if w.finish != nil {
			w.finish()
		}
		secs := time.Since(start).Seconds()
		perLoan := throughput.PerOp(before, procs.Sample(), len(tape))
		if first == 0 {
			first = secs
		}
		kinds := cpuByKind(perLoan)
		fmt.Fprintf(&table, "| %s | %.1f s | %.0f | %.2f× the time | %.2f · %.2f · %.2f · %.2f |\n", w.name, secs, float64(len(tape))/secs,
			secs/first, kinds["peer"], kinds["orderer"], kinds["chaincode"], throughput.Total(perLoan))
		t.Logf("%s: %d loans in %.1f s", w.name, len(tape), secs)
	}
	var view schema.PoolView
	cs.evaluate(servicer, "Pool:Get", []string{poolID}, &view)
	if view.Pool.Status != schema.PoolSealed || view.Pool.LoanCount != len(tape) {
		t.Errorf("pool %s: status %s with %d loans, want sealed with %d", poolID, view.Pool.Status, view.Pool.LoanCount, len(tape))
	}
	t.Logf("\n%s", table.String())
	out := os.Getenv("TRANCHENET_RECORDS_OUT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "records.md")
	}
	if err := os.WriteFile(out, []byte(table.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cpuByKind sums per-process CPU by kind of process: peers, orderers,
// chaincode services (tranchenet's and the yardstick's), the rest.
func cpuByKind(perOp map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for name, ms := range perOp {
		kind := "other"
		switch {
		case strings.HasPrefix(name, "orderer"):
			kind = "orderer"
		case strings.HasPrefix(name, "peer"):
			kind = "peer"
		case strings.HasPrefix(name, "chaincode-") || name == throughput.PlainTokenPID:
			kind = "chaincode"
		}
		out[kind] += ms
	}
	return out
}
