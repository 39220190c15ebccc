package chaos

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Report is a campaign's result.
type Report struct {
	Seed    int64
	Elapsed time.Duration
	Blocks  uint64

	// Requests are the writes the load made (one per Idempotency-Key),
	// Attempts the HTTP requests including retries, Accepted the 2xx
	// final answers.
	Requests, Attempts, Accepted int
	// ErrorsByKind counts final non-2xx answers by status and code.
	ErrorsByKind   map[string]int
	OutcomeUnknown int

	Faults   []FaultRecord
	DemoRuns []DemoRun

	ValidTxs       int
	Unacknowledged int // VALID transactions no answer names
	Lost           int
	Duplicated     int
	Minted, Burned decimal.Decimal
	Tranches       int // tranches whose supply was checked
	Replays        int

	// Uploads are the tape uploads cut by a gateway kill.
	Uploads []UploadCheck
	// ReadModels compares every bank's read model with its rebuild.
	ReadModels []ReadModelCheck
	Findings   []string // every violated invariant
	Notes      []string
	Passed     bool
}

// Print writes the report as the README shows it.
func (r *Report) Print(w io.Writer) {
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(w, "chaos campaign, seed %d: %s, %d blocks\n", r.Seed, r.Elapsed.Round(time.Second), r.Blocks)
	fmt.Fprintf(w, "  load offered  %.2f req/s (%d HTTP requests, retries included)\n", float64(r.Attempts)/secs, r.Attempts)
	fmt.Fprintf(w, "  load held     %.2f req/s (%d of %d writes accepted)\n", float64(r.Accepted)/secs, r.Accepted, r.Requests)
	ok := 0
	for _, d := range r.DemoRuns {
		if d.OK {
			ok++
		}
	}
	fmt.Fprintf(w, "  demo runs     %d, %d completed\n", len(r.DemoRuns), ok)
	for i, d := range r.DemoRuns {
		if !d.OK {
			fmt.Fprintf(w, "    run %d ended: %s\n", i+1, d.Failure)
		}
	}
	fmt.Fprintf(w, "  faults injected: %d\n", len(r.Faults))
	fmt.Fprintf(w, "    %-16s %-44s %8s %12s\n", "FAULT", "TARGET", "DOWN", "RECOVERY")
	for _, f := range r.Faults {
		rec := "none"
		if d := f.RecoveryTime(); d >= 0 {
			rec = d.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(w, "    %-16s %-44s %8s %12s", f.Kind, clip(f.Target, 44), f.Repaired.Sub(f.Injected).Round(time.Second), rec)
		if f.Err != "" {
			fmt.Fprintf(w, "  (%s)", clip(f.Err, 120))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  client-visible final errors by kind:")
	kinds := make([]string, 0, len(r.ErrorsByKind))
	for k := range r.ErrorsByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "    %-40s %d\n", k, r.ErrorsByKind[k])
	}
	if len(kinds) == 0 {
		fmt.Fprintln(w, "    none")
	}
	fmt.Fprintf(w, "  ledger: %d VALID transactions; cash minted %s, burned %s during the campaign; %d tranche supplies and %d period replays checked at every bank\n",
		r.ValidTxs, r.Minted, r.Burned, r.Tranches, r.Replays)
	for _, u := range r.Uploads {
		if u.Failure != "" {
			fmt.Fprintf(w, "  upload to %s cut at chunk %d: FAILED: %s\n", u.Pool, u.Chunks, u.Failure)
			continue
		}
		fmt.Fprintf(w, "  upload to %s cut by the gateway kill at chunk %d of %d: resumed at chunk %d (%d attempts, one key), %d loans, root %s… = the file's\n",
			u.Pool, u.Chunks, (u.Loans+uploadChunk-1)/uploadChunk, u.ResumedAt, u.Attempts, u.Loans, u.Root[:min(16, len(u.Root))])
	}
	for _, m := range r.ReadModels {
		state := "equals its rebuild"
		if m.Difference != "" {
			state = "DIFFERS from its rebuild"
		}
		fmt.Fprintf(w, "  read model of %s: %d keys at block %d %s\n", m.Bank, m.Keys, m.Checkpoint, state)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintf(w, "  lost = %d, duplicated = %d\n", r.Lost, r.Duplicated)
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  ✗ %s\n", f)
	}
	if r.Passed {
		fmt.Fprintln(w, "  ✓ every invariant holds")
	}
}
