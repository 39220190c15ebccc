package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/clientlog"
)

// Under the chaos campaign's policy a write is retried past maxAttempts
// while the answers stay retryable, a 502 with Retry-After included, and
// its final answer is logged once with its key, attempts and transaction.
func TestCampaignPolicyRetriesUntilAFinalAnswerAndLogsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "client.jsonl")
	l, err := openClientLog(path)
	if err != nil {
		t.Fatal(err)
	}
	saved := client
	client = clientPolicy{retryFor: time.Minute, log: l}
	t.Cleanup(func() { client = saved })

	var answers []func(http.ResponseWriter)
	for i := 0; i < maxAttempts; i++ {
		answers = append(answers, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			problemAnswer(502, `{"status":502,"code":"PEER_ERROR","detail":"ProposalResponsePayloads do not match"}`)(w)
		})
	}
	f := &fakeBank{answers: append(answers, okAnswer("7", `{"txId":"tx-7","block":7}`))}
	g := testBanks(t, f)[0]
	tx, err := g.write(context.Background(), http.MethodPost, "/v1/cash/mint", "alice", map[string]any{"amount": "10.00"}, nil)
	if err != nil || tx != "tx-7" {
		t.Fatalf("tx %q, err %v", tx, err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	var lines []clientlog.Entry
	for sc.Scan() {
		var e clientlog.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, e)
	}
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	e := lines[0]
	if e.Status != 200 || e.TxID != "tx-7" || e.Block != "7" || e.Attempts != maxAttempts+1 || e.Key != f.keys[0] || e.Path != "/v1/cash/mint" || string(e.Body) != `{"amount":"10.00"}` {
		t.Fatalf("log line %+v", e)
	}
}
