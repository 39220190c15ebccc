// Command demo runs a whole asset-backed securities deal's life through
// the three banks' gateway apps, by their REST APIs only, on the test
// network that `make demo` brings up:
//
//	roles granted by each bank's admin
//	a 1,000-loan auto pool originated by the servicer bank, its EX-102 tape uploaded and sealed
//	a deal with notes A-1, A-2 (floating), A-3, B, C and a residual certificate, with transfer rules and a waterfall
//	investors at two banks onboarded at their banks' CAs (POST /v1/identities) and attested
//	(one in a blocked jurisdiction, one with lapsed KYC)
//	primary issuance delivery-versus-payment against the cash token
//	a secondary DvP trade between banks, and a trade a transfer rule refuses
//	twelve monthly servicer reports (prepayments, delinquencies, defaults, recoveries; a stress month breaches a trigger),
//	each certified (the waterfall runs on chain), claimed by holders, with its proof of reserve
//	the clean-up call that ends the deal (or, with a market 10 % factor, the pay-down status)
//	an indenture deal (the waterfall's hand-worked AUTO RECEIVABLES TRUST 2026-A) on a dozen loans for two periods,
//	each trustee statement printed and checked against the hand-worked figures to the cent
//	a floating-rate deal whose index is fixed from several sources: each bank's rates desk onboarded at run time
//	(POST /v1/identities, role rates) quotes through its own gateway; the median certified, its coupon checked to the cent
//
// and ends with the URLs of the apps and a token per role to try the API
// with curl. Every step prints what happened, its transaction IDs and the
// numbers; the first failure stops the demo with the step, the gateway's
// problem+json and the log file to read.
//
//	go run ./test-network/cmd/demo [-run test-network/.run] [-cleanup-factor 0.65] [-liquidation]
//	go run ./test-network/cmd/demo -asset-class mortgage|leases|cards
//
// With -asset-class mortgage or leases the same banks, roles and investors
// are set up, then a pool of that class goes up in its servicer's own file
// layout (Schedule AL residential rows; equipment-lease rows valued at the
// deal's discount rate) and backs a deal of the class's usual structure
// (shifting-interest senior/subordinate; sequential on the discounted
// pool) for three monthly reports, certified, replayed and claimed
// (assetclass.go). With cards, a credit-card master trust's six
// pool-level monthly reports are allocated on chain among its two series
// and the seller, and the series deal is certified from its share
// (assetclass_cards.go).
//
// It needs the network, the chaincode and the gateway apps running
// (test-network/network.sh up, deploy, gateways) and may be run again and
// again: each run takes fresh pool, deal and trade IDs (a run number found
// on the ledger), and roles already granted are left as they are.
//
// Files: main.go runs the steps in order; scenario.go is the deal as data
// and pool.go the servicer's simulated files; gateway.go, sync.go and
// tokens.go are the REST client (tokens, idempotency keys, retries, and
// causality across the banks' peers); steps.go and format.go print
// progress and failures; the other files are the stages of the deal's
// life: roles, origination, investors, cash, issuance, trading, periods,
// claims, finish, indenture, fixings and tryit.
//
// As a test-network tool it may import loansim, clientlog, the pure core and
// the run folder's layout (network/consortium.RunFolder); it talks
// to the gateways over HTTP only, never to the contracts or the gateway's
// internals.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/shopspring/decimal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runDir := fs.String("run", defaultRunDir(), "the test network's run folder (network.sh's TRANCHENET_RUN)")
	factor := fs.String("cleanup-factor", defaultCleanUpFactor.String(),
		"the deal's clean-up call factor: the servicer calls in the last period if the pool factor is at or below it (0: no call)")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long")
	liquidation := fs.Bool("liquidation", false, "after the year, declare an event of default and sell the pool by sealed bids (no clean-up call)")
	retryFor := fs.Duration("retry-for", 0, "retry a retryable answer for this long instead of a few times (the chaos campaign)")
	logPath := fs.String("client-log", "", "append every write's final answer to this file as JSON lines (the chaos campaign)")
	assetClass := fs.String("asset-class", classAuto, "auto: the whole deal's life; mortgage, leases or cards: the same banks and investors, then a deal of that class (three periods; cards: a master trust's series for six months)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cleanUp, err := decimal.NewFromString(*factor)
	if err != nil || cleanUp.IsNegative() || cleanUp.GreaterThan(decimal.NewFromInt(1)) {
		fmt.Fprintf(stderr, "demo: -cleanup-factor %q: want a fraction from 0 to 1\n", *factor)
		return 2
	}
	if *liquidation {
		cleanUp = decimal.Zero // the pool is still there to sell
	}
	client.retryFor = *retryFor
	if *logPath != "" {
		if client.log, err = openClientLog(*logPath); err != nil {
			fmt.Fprintln(stderr, "demo:", err)
			return 2
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	out := newConsole(stdout)
	fmt.Fprintln(stdout, "tranchenet demo: a deal's whole life through the three banks' gateway apps (REST only)")
	switch *assetClass {
	case classAuto, classMortgage, classLeases, classCards:
	default:
		fmt.Fprintf(stderr, "demo: -asset-class %q: want %s, %s, %s or %s\n", *assetClass, classAuto, classMortgage, classLeases, classCards)
		return 2
	}
	d := &demo{ctx: ctx, out: out, runDir: *runDir, cleanUpFactor: cleanUp, liquidation: *liquidation, assetClass: *assetClass}
	if err := d.runSteps(d.steps()); err != nil {
		report(stdout, err, d.logs())
		return 1
	}
	fmt.Fprintf(stdout, "\n✓ the deal's life ran in %.1fs\n", out.elapsed().Seconds())
	return 0
}

// steps is the deal's life in order.
func (d *demo) steps() []step {
	if d.assetClass != classAuto {
		s := []step{
			{"Gateway apps, identities and a fresh run number", (*demo).connect},
			{"Roles granted on chain by each bank's admin", (*demo).grantRoles},
			{"Investors onboarded at their banks' CAs and attested by their own banks' compliance officers", (*demo).attestInvestors},
		}
		s = append(s, d.classSteps()...)
		return append(s, step{"Try it yourself", (*demo).tryIt})
	}
	s := []step{
		{"Gateway apps, identities and a fresh run number", (*demo).connect},
		{"Roles granted on chain by each bank's admin", (*demo).grantRoles},
		{"Loan pool: 1,000 auto loans originated by the servicer bank, tape uploaded and sealed", (*demo).originatePool},
		{"Deal: notes A-1 A-2 A-3 B C and a certificate, transfer rules, waterfall", (*demo).structureDeal},
		{"Investors onboarded at their banks' CAs and attested by their own banks' compliance officers", (*demo).attestInvestors},
		{"Cash token: reserves attested, minted, paid to the buyers", (*demo).fundCash},
		{"Primary issuance, delivery versus payment", (*demo).issue},
		{"Secondary trade between banks, delivery versus payment", (*demo).trade},
		{"A trade refused by a transfer rule", (*demo).refusedTrade},
		{"Amendment: the Controlling Class's holders at two banks raise a trigger; the trustee executes it", (*demo).amend},
	}
	for p := 1; p <= periods; p++ {
		s = append(s, step{periodTitle(p), func(d *demo) error { return d.period(p) }})
		if p == pricingAfter {
			s = append(s, step{"Pricing: the notes projected from the certified state, through the waterfall the ledger runs", (*demo).priceDeal})
		}
	}
	s = append(s, step{"End of the deal's first year: clean-up call or pay-down", (*demo).finish})
	if d.liquidation {
		s = append(s, step{"Liquidation: event of default, the Controlling Class directs a sale, sealed-bid auction, DvP", (*demo).liquidate},
			step{finalDistributionTitle, (*demo).finalDistribution})
	}
	return append(s,
		step{indentureTitle, (*demo).indentureDeal},
		step{fixingsTitle, (*demo).fixingsDeal},
		step{"Try it yourself", (*demo).tryIt},
	)
}

// defaultRunDir is network.sh's run folder: TRANCHENET_RUN, or
// test-network/.run of the repository the demo runs in.
func defaultRunDir() string {
	if dir := os.Getenv("TRANCHENET_RUN"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("test-network", ".run")
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "test-network", "network.sh")); err == nil {
			return filepath.Join(dir, "test-network", ".run")
		}
		if filepath.Dir(dir) == dir {
			return filepath.Join(wd, "test-network", ".run")
		}
	}
}

// logs are the gateway apps' log files, for a failure that names no app.
func (d *demo) logs() []string {
	var out []string
	for _, g := range d.banks {
		out = append(out, g.Log)
	}
	return out
}

// randomHex returns n random bytes in hex: trade nonces and the
// idempotency key prefix.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("crypto/rand failed")) // it does not, since Go 1.24
	}
	return hex.EncodeToString(b)
}
