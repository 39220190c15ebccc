// Package bench measures what the REST API costs: the same read and the
// same transfer through a bank's gateway app and through the Fabric
// Gateway client directly, as the same identity against the same network,
// with test-network/load, and reports throughput, latency percentiles and
// the REST overhead as ratios (these machines drift by about ±15 %, so
// only ratios measured in one run mean much).
//
// It is a test-network tool (it was gateway-app/internal/bench): it may
// import load, tnet, the ledger schema and the core's roles, never the
// gateway's internals, since it measures the gateway from outside.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/load"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// Config says what to measure.
type Config struct {
	// Gateway is the bank's gateway app (http://127.0.0.1:8082) and Token
	// the bearer token of User, an API user acting as Identity.
	Gateway, Token string
	// Network is the test network; MSP and Identity the bank and the
	// Fabric identity (User3) the direct client acts as.
	Network  *tnet.Network
	MSP      string
	Identity string
	// Tranche is read (Token:Supply) and transferred; To receives one unit
	// per transfer from the identity, which must hold enough.
	Tranche, To string
	// Reads and Transfers are the operation counts per path; ReadClients
	// the concurrent readers (transfers run one at a time: concurrent
	// transfers from one holder conflict by design).
	Reads, Transfers, ReadClients int
}

// Pair is one operation measured both ways.
type Pair struct {
	REST   load.Report `json:"rest"`
	Direct load.Report `json:"direct"`
	// Overhead: REST p50 / direct p50, and direct rate / REST rate.
	P50Ratio        float64 `json:"p50Ratio"`
	P99Ratio        float64 `json:"p99Ratio"`
	ThroughputRatio float64 `json:"throughputRatio"`
}

// Report is a run's result.
type Report struct {
	Read     Pair `json:"read"`
	Transfer Pair `json:"transfer"`
}

// Run measures the read and the transfer both ways.
func Run(ctx context.Context, cfg Config) (Report, error) {
	direct, err := cfg.Network.Client(cfg.MSP, cfg.Identity)
	if err != nil {
		return Report{}, err
	}
	defer direct.Close()
	kind := schema.Endorsement["Token:Transfer"]
	onChain, err := roles.ParseOrgConfig(cfg.Network.Consortium.ChaincodeConfigJSON())
	if err != nil {
		return Report{}, err
	}
	endorsers, err := kind.Resolve(onChain, cfg.MSP, "")
	if err != nil {
		return Report{}, err
	}
	httpc := &http.Client{Timeout: 2 * time.Minute}
	rest := func(method, path string, body []byte) error {
		req, err := http.NewRequestWithContext(ctx, method, cfg.Gateway+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+cfg.Token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := httpc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return nil
	}
	var out Report
	reads := load.Config{Clients: cfg.ReadClients, Total: cfg.Reads, Duration: 2 * time.Minute}
	reads.Name = "read Token:Supply via REST"
	out.Read.REST = load.Run(ctx, reads, func(ctx context.Context, _, _ int) error {
		return rest("GET", "/v1/tranches/"+cfg.Tranche+"/supply", nil)
	})
	reads.Name = "read Token:Supply via the Fabric Gateway client"
	out.Read.Direct = load.Run(ctx, reads, func(ctx context.Context, _, _ int) error {
		_, err := direct.Evaluate(ctx, "Token:Supply", cfg.Tranche)
		return err
	})
	transfers := load.Config{Clients: 1, Total: cfg.Transfers, Duration: 5 * time.Minute}
	body, _ := json.Marshal(map[string]any{"to": cfg.To, "units": 1})
	transfers.Name = "transfer via REST"
	out.Transfer.REST = load.Run(ctx, transfers, func(ctx context.Context, _, _ int) error {
		return rest("POST", "/v1/tranches/"+cfg.Tranche+"/transfers", body)
	})
	transfers.Name = "transfer via the Fabric Gateway client"
	out.Transfer.Direct = load.Run(ctx, transfers, func(ctx context.Context, _, _ int) error {
		_, _, err := direct.Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{cfg.Tranche, cfg.To, "1"}, Endorsers: endorsers})
		return err
	})
	out.Read.ratios()
	out.Transfer.ratios()
	return out, nil
}

func (p *Pair) ratios() {
	if p.Direct.P50Millis > 0 {
		p.P50Ratio = round2(p.REST.P50Millis / p.Direct.P50Millis)
	}
	if p.Direct.P99Millis > 0 {
		p.P99Ratio = round2(p.REST.P99Millis / p.Direct.P99Millis)
	}
	if p.REST.PerSecond > 0 {
		p.ThroughputRatio = round2(p.Direct.PerSecond / p.REST.PerSecond)
	}
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }
