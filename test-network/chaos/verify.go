package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// certificationPath matches an accepted period certification.
var certificationPath = regexp.MustCompile(`^/v1/deals/([^/]+)/periods/([0-9]+)/certification$`)

// verify proves the campaign's invariants and builds the report.
func (c *Campaign) verify(ctx context.Context, start, end ledgerView, elapsed time.Duration) (*Report, error) {
	entries, err := c.readClientLogs()
	if err != nil {
		return nil, err
	}
	c.log("verifying: %d writes in the client log, blocks %d to %d", len(entries), start.Height, end.Height-1)
	txs, err := c.scan(ctx, start.Height, end.Height)
	if err != nil {
		return nil, err
	}
	r := &Report{Seed: c.cfg.Seed, Elapsed: elapsed, Blocks: end.Height - start.Height, ErrorsByKind: map[string]int{}}
	c.mu.Lock()
	r.Faults, r.DemoRuns = append([]FaultRecord(nil), c.faults...), append([]DemoRun(nil), c.demoRuns...)
	r.Uploads = append([]UploadCheck(nil), c.uploads...)
	c.mu.Unlock()
	for i := range r.Faults {
		if t, ok := c.firstAcceptedAfter(r.Faults[i].Repaired); ok {
			r.Faults[i].Recovered = t
		}
	}

	creditResumedUploads(entries, txs)
	account(entries, txs, c.cfg.Consortium.Chaincode, r)

	// Cash: every bank reads one supply; minted − burned = outstanding,
	// covered; minted and burned moved by the accepted mints and burns.
	c.checkCash(start, end, entries, r)

	// Tranche units: issued and redeemed exactly once, conserved.
	if err := c.checkTranches(ctx, entries, r); err != nil {
		return nil, err
	}
	// Every certified period replays identically at every bank.
	if err := c.checkReplays(ctx, entries, r); err != nil {
		return nil, err
	}
	// Every upload cut by a gateway kill resumed and completed with the
	// file's root.
	for _, u := range r.Uploads {
		if u.Failure != "" {
			r.Findings = append(r.Findings, fmt.Sprintf("upload to %s cut by the gateway kill: %s", u.Pool, u.Failure))
		}
	}
	// Every bank's read model equals its rebuild from the ledger.
	if err := c.checkReadModels(ctx, r); err != nil {
		return nil, err
	}
	r.Passed = r.Lost == 0 && r.Duplicated == 0 && len(r.Findings) == 0
	return r, nil
}

// tapeUploadPath matches a loan tape upload.
var tapeUploadPath = regexp.MustCompile(`^/v1/pools/([^/?]+)/loans(\?|$)`)

// creditResumedUploads names, in the answer of an accepted tape upload,
// the chunks of its pool that attempts cut short put on the ledger: an
// upload resumed after a gateway kill answers only the chunks it
// submitted, but the chunks before are its own (the chaincode takes each
// chunk of a pool once, in order), not a write applied twice.
func creditResumedUploads(entries []LogEntry, txs []ledgerTx) {
	chunksOf := map[string][]string{}
	for _, tx := range txs {
		if tx.Valid && tx.Fn == "Pool:AddLoans" && len(tx.Args) > 0 {
			chunksOf[tx.Args[0]] = append(chunksOf[tx.Args[0]], tx.ID)
		}
	}
	for i, e := range entries {
		m := tapeUploadPath.FindStringSubmatch(e.Path)
		if m == nil || !e.Accepted() || e.Attempts < 2 {
			continue
		}
		for _, id := range chunksOf[m[1]] {
			if !slices.Contains(e.Transactions, id) {
				entries[i].Transactions = append(entries[i].Transactions, id)
			}
		}
	}
}

// account compares the client log with the ledger's transactions of the
// campaign's window: load and errors, lost and duplicated writes.
func account(entries []LogEntry, txs []ledgerTx, chaincode string, r *Report) {
	if r.ErrorsByKind == nil {
		r.ErrorsByKind = map[string]int{}
	}
	// Offered and held load, errors by kind.
	for _, e := range entries {
		r.Requests++
		r.Attempts += e.Attempts
		if e.Accepted() {
			r.Accepted++
			continue
		}
		r.ErrorsByKind[errorKind(e)]++
		if e.OutcomeUnknown() {
			r.OutcomeUnknown++
		}
	}

	// Lost: an accepted write whose transaction is not VALID on the ledger.
	byID := map[string]ledgerTx{}
	for _, tx := range txs {
		byID[tx.ID] = tx
		if tx.Valid {
			r.ValidTxs++
		}
	}
	named := map[string]bool{}
	keyTx := map[string]string{}
	for _, e := range entries {
		for _, id := range e.TxIDs() {
			named[id] = true
		}
		if !e.Accepted() {
			continue
		}
		for _, id := range e.TxIDs() {
			if tx, ok := byID[id]; !ok || !tx.Valid {
				r.Lost++
				r.Findings = append(r.Findings, fmt.Sprintf("lost: %s %s (key %s) answered %d with tx %s, which is %s on the ledger",
					e.Method, e.Path, e.Key, e.Status, id, ledgerState(tx, ok)))
			}
		}
		// Duplicated (client side): one key answered with two transactions.
		if prev, ok := keyTx[e.Bank+" "+e.Key]; ok && e.TxID != "" && prev != e.TxID {
			r.Duplicated++
			r.Findings = append(r.Findings, fmt.Sprintf("duplicated: key %s answered with tx %s and tx %s", e.Key, prev, e.TxID))
		}
		if e.TxID != "" {
			keyTx[e.Bank+" "+e.Key] = e.TxID
		}
	}

	// Duplicated (ledger side): VALID chaincode transactions no answer
	// names. A request whose outcome the client could not know may account
	// for one (or, an upload, for its chunks): beyond those, a write was
	// applied that no request asked for.
	budget, uploadsUnknown := 0, false
	for _, e := range entries {
		upload := strings.Contains(e.Path, "/loans") || strings.Contains(e.Path, "/reports")
		if e.OutcomeUnknown() {
			uploadsUnknown = uploadsUnknown || upload
			budget++
		}
		// An upload cut by a gateway kill and answered 409
		// IDEMPOTENCY_APPLIED names one of its transactions; the others
		// (its header, its chunks) are its own too.
		if upload && e.Code == "IDEMPOTENCY_APPLIED" {
			uploadsUnknown = true
		}
	}
	unnamed := map[string]int{}
	for _, tx := range txs {
		if tx.Valid && tx.Chaincode == chaincode && !named[tx.ID] {
			r.Unacknowledged++
			unnamed[tx.Fn]++
		}
	}
	if excess := r.Unacknowledged - budget; excess > 0 && !uploadsUnknown {
		r.Duplicated += excess
		r.Findings = append(r.Findings, fmt.Sprintf("duplicated: %d VALID transactions no answer names, beyond the %d requests of unknown outcome: %v", r.Unacknowledged, budget, unnamed))
	} else if r.Unacknowledged > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d VALID transaction(s) applied whose answer the client never got (requests of unknown outcome: %d): %v", r.Unacknowledged, budget, unnamed))
	}

}

func ledgerState(tx ledgerTx, found bool) string {
	if !found {
		return "absent"
	}
	return fmt.Sprintf("%s in block %d", tx.Code, tx.Block)
}

// errorKind names a final non-2xx answer: its status and problem code, or
// the transport error.
func errorKind(e LogEntry) string {
	if e.Status == 0 {
		return "no answer"
	}
	if e.Code == "" {
		return fmt.Sprintf("%d", e.Status)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Code)
}

func (c *Campaign) checkCash(start, end ledgerView, entries []LogEntry, r *Report) {
	var first *cashSupply
	for msp, s := range end.Supply {
		s := s
		if first == nil {
			first = &s
		} else if s != *first {
			r.Findings = append(r.Findings, fmt.Sprintf("cash: %s reads supply %+v, another bank %+v", msp, s, *first))
		}
	}
	if first == nil {
		return
	}
	minted, burned, outstanding := dec(first.Minted), dec(first.Burned), dec(first.Outstanding)
	if !minted.Sub(burned).Equal(outstanding) {
		r.Findings = append(r.Findings, fmt.Sprintf("cash: minted %s − burned %s ≠ outstanding %s", minted, burned, outstanding))
	}
	if !first.Covered {
		r.Findings = append(r.Findings, "cash: the reserves do not cover the tokens outstanding")
	}
	var asked = map[string]decimal.Decimal{"/v1/cash/mint": {}, "/v1/cash/burn": {}}
	for _, e := range entries {
		if _, ok := asked[e.Path]; ok && e.Accepted() {
			var body struct {
				Amount json.Number `json:"amount"`
			}
			json.Unmarshal(e.Body, &body)
			asked[e.Path] = asked[e.Path].Add(dec(body.Amount))
		}
	}
	var before cashSupply
	for _, s := range start.Supply {
		before = s
		break
	}
	r.Minted, r.Burned = minted.Sub(dec(before.Minted)), burned.Sub(dec(before.Burned))
	if !r.Minted.Equal(asked["/v1/cash/mint"]) {
		r.Duplicated++
		r.Findings = append(r.Findings, fmt.Sprintf("cash: %s minted during the campaign, the accepted mints asked for %s", r.Minted, asked["/v1/cash/mint"]))
	}
	if !r.Burned.Equal(asked["/v1/cash/burn"]) {
		r.Duplicated++
		r.Findings = append(r.Findings, fmt.Sprintf("cash: %s burned during the campaign, the accepted burns asked for %s", r.Burned, asked["/v1/cash/burn"]))
	}
}

func dec(n json.Number) decimal.Decimal {
	d, _ := decimal.NewFromString(string(n))
	return d
}

// checkReplays asks every bank to replay every period certified during the
// campaign (locally and on the chaincode).
func (c *Campaign) checkReplays(ctx context.Context, entries []LogEntry, r *Report) error {
	var periods []string
	for _, e := range entries {
		if m := certificationPath.FindStringSubmatch(e.Path); m != nil && e.Method == http.MethodPost && e.Accepted() {
			periods = append(periods, fmt.Sprintf("/v1/deals/%s/periods/%s/replay", m[1], m[2]))
		}
	}
	sort.Strings(periods)
	for _, p := range periods {
		for _, org := range c.cfg.Consortium.Orgs {
			var ans struct {
				Agree bool `json:"agree"`
			}
			if err := c.get(ctx, org.MSPID, p, &ans); err != nil {
				return err
			}
			r.Replays++
			if !ans.Agree {
				r.Findings = append(r.Findings, fmt.Sprintf("replay: %s at %s does not agree with the stored result", p, org.MSPID))
			}
		}
	}
	return nil
}
