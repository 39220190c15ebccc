package testnetwork

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	mathrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/load"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationFirstHolders is issue 17's "1,000 investors receiving
// their first units concurrently", measured (opt-in:
// TRANCHENET_FIRSTHOLDERS=1 with TRANCHENET_INTEGRATION=1; never in make
// test). On the default network it attests TRANCHENET_FIRSTHOLDERS_N
// investors (default 1,000) new to a tranche, half at each custodian bank,
// then runs, in one run and in this order:
//
//   - steady state: transfers between existing holders (each client its
//     own signer and its own receiving holder, so clients share no key);
//   - the first half of the newcomers each receiving its first units from
//     one seller (the investor alice, Token:Transfer) by as many clients;
//   - the second half placed from the issuance account by Deal:PlaceMany
//     (TRANCHENET_FIRSTHOLDERS_BATCH a transaction, default 50) by as many
//     clients;
//   - steady state again;
//   - the first half of the newcomers paid their first cash from the
//     float (Cash:Pay by the settlement agent) by as many clients.
//
// An operation that fails on a commit conflict or on endorsers that
// disagree is retried (up to maxRetries times, after a random pause of a
// growing part of a second) and counted; it fails only if it never commits. It reports, for
// each row, holders (or transfers) per second, p50/p99 of the operation
// with its retries, errors by kind and the retries by kind, and then checks
// that every newcomer holds its units.
//
// Newcomers are identity keys of the two banks (MSP/<64 hex digits>) that
// have no Fabric identity: an investor the bank holds units for needs
// none to receive them, only the compliance officer's attestation, which
// is what a real placement to a book of investors looks like and costs
// no CA enrolments.
func TestIntegrationFirstHolders(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_FIRSTHOLDERS")
	n := tnet.EnvInt(t, "TRANCHENET_FIRSTHOLDERS_N", 1000)
	batch := tnet.EnvInt(t, "TRANCHENET_FIRSTHOLDERS_BATCH", 50)
	cs := startDealNetwork(t)
	signers := []string{"alice", "anna", "bob", "carol", "dave"}
	clients := len(signers)
	tranche, perSigner := firstHoldersDeal(t, cs, signers, n)
	start := time.Now()
	newcomers := make([]string, n)
	claims := canonJSON(t, identity.ClaimsInput{InvestorType: "qib", Jurisdiction: "US", KYCExpiry: time.Now().AddDate(1, 0, 0)})
	if err := inParallel(16, n, func(i int) error {
		msp := []string{"Org2MSP", "Org3MSP"}[i%2]
		sum := sha256.Sum256([]byte(fmt.Sprintf("first holder %d", i)))
		newcomers[i] = msp + "/" + hex.EncodeToString(sum[:])
		_, err := cs.trySubmit(cs.complianceOf(msp), "Identity:Attest", []string{newcomers[i], claims},
			map[string][]byte{identity.TransientDossier: []byte(fmt.Sprintf(`{"name":"first holder %d"}`, i))}, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("attested %d newcomers, 16 at a time, in %s", n, time.Since(start).Round(time.Second))

	// Each signer's own receiving holder for the steady state: made a
	// holder by one transfer now, so the measured ones are between
	// existing holders.
	steadyTo := make([]string, clients)
	for c, s := range signers {
		inv := cs.get(s)
		sum := sha256.Sum256([]byte("steady holder " + s))
		steadyTo[c] = inv.msp + "/" + hex.EncodeToString(sum[:])
		cs.submit(cs.complianceOf(inv.msp), "Identity:Attest", []string{steadyTo[c], claims},
			map[string][]byte{identity.TransientDossier: []byte(`{"name":"steady ` + s + `"}`)}, "")
		cs.submit(inv, "Token:Transfer", []string{tranche, steadyTo[c], "1000"}, nil, "")
	}
	ctx := context.Background()
	var rows []firstHoldersRow
	steady := func(name string, total int) {
		rows = append(rows, runRetried(ctx, name, clients, total, func(ctx context.Context, c, _ int) error {
			_, _, err := cs.get(signers[c]).c.Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{tranche, steadyTo[c], "1000"},
				Endorsers: cs.endorsers(cs.get(signers[c]), "Token:Transfer", "")})
			return err
		}))
	}
	steady("steady-state transfers between existing holders", 100)

	half := n / 2
	seller := cs.get("alice")
	if int64(half)*1000 > perSigner {
		t.Fatalf("alice holds %d units, %d newcomers need %d", perSigner, half, half*1000)
	}
	rows = append(rows, runRetried(ctx, "first units from one seller (Token:Transfer)", clients, half, func(ctx context.Context, _, i int) error {
		_, _, err := seller.c.Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{tranche, newcomers[i], "1000"},
			Endorsers: cs.endorsers(seller, "Token:Transfer", "")})
		return err
	}))

	rest := newcomers[half:]
	batches := (len(rest) + batch - 1) / batch
	trustee := cs.get("trustee")
	placeMany := runRetried(ctx, fmt.Sprintf("first units by Deal:PlaceMany (%d a transaction)", batch), clients, batches, func(ctx context.Context, _, i int) error {
		var list []schema.Placement
		for _, inv := range rest[i*batch : min((i+1)*batch, len(rest))] {
			list = append(list, schema.Placement{Investor: inv, Units: 1000})
		}
		_, _, err := trustee.c.Submit(ctx, tnet.Tx{Fn: "Deal:PlaceMany", Args: []string{tranche, canonJSON(t, list)},
			Endorsers: cs.endorsers(trustee, "Deal:PlaceMany", "")})
		return err
	})
	placeMany.holders = len(rest)
	rows = append(rows, placeMany)
	steady("steady-state transfers again", 100)

	// The newcomers' first cash: Cash:Pay from the float (its shards) by
	// one settlement agent, as many clients.
	agent := cs.get("settlement")
	cs.submit(agent, "Cash:AttestReserves", []string{"1000000.00", "sha256:reserves"}, nil, "")
	cs.submit(agent, "Cash:Mint", []string{"640000.00"}, nil, "")
	pays := min(n, 500)
	rows = append(rows, runRetried(ctx, "first cash by Cash:Pay (the float in shards)", clients, pays, func(ctx context.Context, _, i int) error {
		_, _, err := agent.c.Submit(ctx, tnet.Tx{Fn: "Cash:Pay", Args: []string{newcomers[i], "100.00"},
			Endorsers: cs.endorsers(agent, "Cash:Pay", "")})
		return err
	}))
	var supply struct {
		Float money.Amount `json:"float"`
	}
	cs.evaluate(agent, "Cash:Supply", nil, &supply)
	if want := money.FromMajor(640000 - 100*int64(pays)); supply.Float != want {
		t.Errorf("the float holds %s after %d payments of 100.00 from 640000.00, want %s", supply.Float, pays, want)
	}

	for i, inv := range newcomers {
		var p struct {
			Units int64 `json:"units"`
		}
		cs.evaluate(trustee, "Token:Position", []string{tranche, inv}, &p)
		if p.Units != 1000 {
			t.Errorf("newcomer %d (%s) holds %d units, want 1000", i, inv, p.Units)
		}
	}
	t.Logf("\n%s", firstHoldersTable(rows))
	for _, r := range rows {
		if r.Errors > 0 {
			t.Errorf("%s: %d operations never committed (first: %s)", r.Name, r.Errors, r.FirstError)
		}
	}
}

// firstHoldersDeal issues a note tranche and places with each signer
// units for the steady state, and with the first (alice) enough for the
// newcomers she sells to (n/2 × 1,000 units); the issuance account keeps
// at least n/2 × 1,000 for the placements. It returns the tranche and the
// first signer's units.
func firstHoldersDeal(t *testing.T, cs *cast, signers []string, n int) (string, int64) {
	t.Helper()
	balance := sealedPool(t, cs, "POOL-FH-1", "First holders pool", 11, 250)
	claims := canonJSON(t, identity.ClaimsInput{InvestorType: "qib", Jurisdiction: "US", KYCExpiry: time.Now().AddDate(1, 0, 0)})
	for _, name := range signers {
		inv := cs.get(name)
		cs.submit(cs.complianceOf(inv.msp), "Identity:Attest", []string{inv.key, claims},
			map[string][]byte{identity.TransientDossier: []byte(`{"name":"` + name + `"}`)}, "")
	}
	tranche, units := issueNoteDeal(t, cs, "POOL-FH-1", "DEAL-FH-1", "First holders deal", balance)
	first := int64(n/2+1) * 1000
	steady := int64(300 * 1000)
	if need := first + steady*int64(len(signers)-1) + int64(n-n/2)*1000; units < need {
		t.Fatalf("the pool backs %d units, the measurement needs %d", units, need)
	}
	trustee := cs.get("trustee")
	for i, name := range signers {
		u := steady
		if i == 0 {
			u = first + steady
		}
		cs.submit(trustee, "Deal:Place", []string{tranche, cs.get(name).key, fmt.Sprint(u)}, nil, "")
	}
	return tranche, first + steady
}

// firstHoldersRow is one row of the measurement: the load report with the
// retries by kind and, for batches, the holders they placed.
type firstHoldersRow struct {
	load.Report
	retries map[string]int
	holders int // 0: one per operation
}

// maxRetries bounds the retries of one operation: with five clients
// racing for one key, 40 left one of 500 transfers unsettled (p99 15 s).
const maxRetries = 200

// runRetried runs op total times with clients goroutines, each operation
// retried on a commit conflict or disagreeing endorsers.
func runRetried(ctx context.Context, name string, clients, total int, op load.Op) firstHoldersRow {
	var mu sync.Mutex
	retries := map[string]int{}
	var attempts atomic.Int64
	r := load.Run(ctx, load.Config{Name: name, Clients: clients, Total: total, Duration: 30 * time.Minute, Classify: throughput.ErrorKind},
		func(ctx context.Context, c, i int) error {
			for try := 0; ; try++ {
				attempts.Add(1)
				err := op(ctx, c, i)
				if err == nil || !conflict(err) || try == maxRetries {
					return err
				}
				mu.Lock()
				retries[throughput.ErrorKind(err)]++
				mu.Unlock()
				// Clients racing for one key (the seller's position, the
				// issuance account) collide again at once: back off a
				// random part of a growing number of blocks.
				time.Sleep(time.Duration(50+mathrand.IntN(150*min(try+1, 8))) * time.Millisecond)
			}
		})
	return firstHoldersRow{Report: r, retries: retries}
}

func firstHoldersTable(rows []firstHoldersRow) string {
	out := "| workload | clients | done | holders or transfers /s | p50 / p99 ms (with retries) | retries by kind | errors |\n|---|---|---|---|---|---|---|\n"
	for _, r := range rows {
		perSecond := r.PerSecond
		if r.holders > 0 && r.Seconds > 0 {
			perSecond = float64(r.holders) / r.Seconds
		}
		out += fmt.Sprintf("| %s | %d | %d | %.1f | %.0f / %.0f | %v | %d %v |\n", r.Name, r.Clients, r.Done, perSecond,
			r.P50Millis, r.P99Millis, r.retries, r.Errors, r.ErrorKinds)
	}
	return out
}
