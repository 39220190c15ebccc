package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/test-network/clientlog"
)

// clientPolicy is how the demo behaves as a client under faults (the chaos
// campaign, test-network/chaos, runs the demo as its load): how long a
// write is retried, and where every write's final answer is logged. The
// zero value is the plain demo: a few retries and no log.
type clientPolicy struct {
	// retryFor, when set, retries a retryable answer until this long has
	// passed since the first attempt, instead of maxAttempts times.
	retryFor time.Duration
	log      *clientLog
}

// client is the policy of this process, set once from the flags.
var client clientPolicy

// clientLog appends one JSON line per write: the request, its
// Idempotency-Key and its final answer (status, problem code, transaction
// and block), so the campaign can match the client's view against the
// ledger.
type clientLog struct {
	mu sync.Mutex
	f  *os.File
}

func openClientLog(path string) (*clientLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("client log: %w", err)
	}
	return &clientLog{f: f}, nil
}

// write logs a write's final answer (r and err as gateway.do returns them).
func (l *clientLog) write(g *gateway, req request, key string, attempts int, payload []byte, r reply, err error) {
	if l == nil || req.method == http.MethodGet {
		return
	}
	e := clientlog.Entry{Time: time.Now().UTC(), Bank: g.MSP, Method: req.method, Path: req.path, Key: key, Attempts: attempts,
		Status: r.status, TxID: r.header.Get("X-Transaction-Id"), Block: r.header.Get("X-Block-Number")}
	if req.raw == nil && len(payload) <= 4096 && json.Valid(payload) {
		e.Body = payload
	}
	var listed struct {
		Transactions []string `json:"transactions"`
	}
	if err == nil && json.Unmarshal(r.body, &listed) == nil {
		e.Transactions = listed.Transactions
	}
	if ce, ok := err.(*callError); ok {
		e.Status, e.Code = ce.status, ce.code()
		if ce.problem != nil && e.TxID == "" {
			e.TxID = ce.problem.TxID
		}
		if ce.transportErr != nil {
			e.Error = ce.transportErr.Error()
		}
	} else if err != nil {
		e.Error = err.Error()
	}
	line, _ := json.Marshal(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.Write(append(line, '\n'))
}
