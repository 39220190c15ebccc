// Command gateway-bench measures the REST API's overhead on a running test
// network: the same read (Token:Supply) and the same transfer
// (Token:Transfer, one unit) through a bank's gateway app and through the
// Fabric Gateway client directly, as the same identity. It prints JSON:
// throughput, p50/p90/p99 latency per path and the REST/direct ratios.
//
//	./test-network/network.sh up && ./test-network/network.sh deploy && ./test-network/network.sh gateways
//	(set up a deal whose tranche the user holds, e.g. with the e2e test's steps)
//	go run ./test-network/cmd/gateway-bench -org Org2MSP -user investor1 -tranche AUTO-1-A -to Org3MSP/<id>
//
// The gateway's URL and the user's token and identity come from the run
// folder's orgs/<MSP>/gateway/tokens.json, as network.sh gateways writes them.
//
// It imports bench, tnet and the run folder layout (consortium); the gateway binary does not contain it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/bench"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gateway-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	runDir := flag.String("run", filepath.Join(tnet.RepoRoot(), "test-network", ".run"), "test network run folder (TRANCHENET_RUN)")
	org := flag.String("org", "Org2MSP", "the bank")
	user := flag.String("user", "investor1", "the API user (an investor holding units of the tranche)")
	tranche := flag.String("tranche", "", "tranche to read and transfer")
	to := flag.String("to", "", "identity key receiving one unit per transfer")
	reads := flag.Int("reads", 400, "reads per path")
	transfers := flag.Int("transfers", 30, "transfers per path")
	clients := flag.Int("clients", 4, "concurrent readers")
	flag.Parse()
	if *tranche == "" || *to == "" {
		return fmt.Errorf("-tranche and -to are required")
	}
	raw, err := os.ReadFile(filepath.Join(consortium.RunFolder(*runDir).Gateway(*org), "tokens.json"))
	if err != nil {
		return err
	}
	var issued struct {
		Listen string `json:"listen"`
		Tokens []struct {
			User, Identity, Token string
		} `json:"tokens"`
	}
	if err := json.Unmarshal(raw, &issued); err != nil {
		return err
	}
	cfg := bench.Config{Gateway: "http://" + issued.Listen, MSP: *org, Tranche: *tranche, To: *to,
		Reads: *reads, Transfers: *transfers, ReadClients: *clients}
	for _, tok := range issued.Tokens {
		if tok.User == *user {
			cfg.Token, cfg.Identity = tok.Token, tok.Identity
		}
	}
	if cfg.Token == "" {
		return fmt.Errorf("no API user %q in %s's tokens", *user, *org)
	}
	if cfg.Network, err = tnet.Attach(*runDir); err != nil {
		return err
	}
	report, err := bench.Run(context.Background(), cfg)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}
