// Package clientlog is the client log a careful bank integration keeps of
// its writes, one JSON line per write's final answer: the demo writes it
// (-client-log) and the chaos campaign reads it to match the client's view
// against the ledger.
//
// It imports only the standard library.
package clientlog

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"time"
)

// Entry is one write and its final answer.
type Entry struct {
	Time     time.Time       `json:"time"`
	Bank     string          `json:"bank"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Key      string          `json:"key"` // the Idempotency-Key of every attempt
	Attempts int             `json:"attempts"`
	Status   int             `json:"status"` // 0: no answer (transport error)
	Code     string          `json:"code,omitempty"`
	TxID     string          `json:"txId,omitempty"`
	Block    string          `json:"block,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"` // a JSON request body, when small
	// Transactions are the ones an upload's answer lists (one per chunk).
	Transactions []string `json:"transactions,omitempty"`
	Error        string   `json:"error,omitempty"`
}

// Accepted reports a 2xx answer.
func (e Entry) Accepted() bool { return e.Status >= 200 && e.Status < 300 }

// OutcomeUnknown reports an answer after which the client cannot know
// whether its write committed: no answer at all, 504 (commit status
// unknown) or 409 IDEMPOTENCY_OUTCOME_UNKNOWN (the gateway died mid-request).
func (e Entry) OutcomeUnknown() bool {
	return e.Status == 0 || e.Status == 504 || e.Code == "IDEMPOTENCY_OUTCOME_UNKNOWN"
}

// TxIDs are the transactions the answer names.
func (e Entry) TxIDs() []string {
	out := slices.Clone(e.Transactions)
	if e.TxID != "" && !slices.Contains(out, e.TxID) {
		out = append(out, e.TxID)
	}
	return out
}

// Read reads a client log; a missing file is an empty log, and a line cut
// short (the writer killed mid-line) is skipped.
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}
