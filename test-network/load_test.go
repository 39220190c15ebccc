package testnetwork

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/test-network/load"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationLoad measures DvP settlements next to plain tranche
// transfers on the real network, in one run, with 1 and with N concurrent
// clients, each client trading between its own pair of investors so that
// the figures measure the network, not MVCC conflicts between clients. It
// prints one JSON report per operation and writes them to
// $TRANCHENET_LOAD_OUT (default: the test's temp dir). It runs only with
// TRANCHENET_LOAD=1: it is a benchmark, not a test. Errors are counted in
// the report (an MVCC conflict between clients is a clean, expected
// failure: the first transfers to new holders all change the tranche
// book); it fails only if an operation never succeeds.
//
//	TRANCHENET_INTEGRATION=1 TRANCHENET_LOAD=1 go test ./test-network -run TestIntegrationLoad -v
func TestIntegrationLoad(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_LOAD")
	cs := startDealNetwork(t)
	// Four more investor pairs beside alice/bob: Org2 User5..User7 and
	// Org3 User5..User7, plus anna/carol.
	for i := 5; i <= 7; i++ {
		for _, msp := range []string{"Org2MSP", "Org3MSP"} {
			name := fmt.Sprintf("%s-user%d", msp, i)
			a := cs.connect(name, msp, fmt.Sprintf("User%d", i))
			cs.by[name] = a
			cs.submit(cs.admins[msp], "Admin:GrantRole", []string{a.key, string(roles.Investor)}, nil, "")
		}
	}
	sellers := []string{"alice", "anna", "Org2MSP-user5", "Org2MSP-user6", "Org2MSP-user7"}
	buyers := []string{"bob", "carol", "Org3MSP-user5", "Org3MSP-user6", "Org3MSP-user7"}
	tranche, _ := tradingDeal(t, cs, "POOL-LOAD-1", "DEAL-LOAD-1", 200, sellers, buyers, money.FromMajor(10_000_000))

	const perClient = 40
	ctx := context.Background()
	var reports []load.Report
	for _, clients := range []int{1, len(sellers)} {
		// Transfers: seller i -> buyer i, 1,000 units each.
		r := load.Run(ctx, load.Config{Name: fmt.Sprintf("transfer/%d", clients), Clients: clients, Total: perClient * clients, Duration: 3 * time.Minute},
			func(ctx context.Context, c, i int) error {
				s, b := cs.get(sellers[c]), cs.get(buyers[c])
				_, _, err := s.c.Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{tranche, b.key, "1000"},
					Endorsers: cs.endorsers(s, "Token:Transfer", "")})
				if err != nil {
					return fmt.Errorf("%s", tnet.ErrorText(err))
				}
				return nil
			})
		reports = append(reports, r)
		t.Log(r)

		// Settlements: instruct both sides first (not measured), then settle
		// with the same concurrency: buyer i pays seller i for 1,000 units.
		trades := make([][]core.Terms, clients)
		for c := 0; c < clients; c++ {
			s, b := cs.get(sellers[c]), cs.get(buyers[c])
			for i := 0; i < perClient; i++ {
				nonce := make([]byte, 16)
				rand.Read(nonce)
				terms := core.Terms{TradeRef: fmt.Sprintf("L%d-%d-%d", clients, c, i), Kind: core.KindTrade, Tranche: tranche,
					Seller: s.key, Buyer: b.key, Units: 1000, Cash: money.FromMajor(990), Payment: core.PaymentLedger,
					SettlementDate: time.Now().UTC().Format("2006-01-02"), Expiry: time.Now().UTC().Add(time.Hour).Truncate(time.Second),
					Nonce: hex.EncodeToString(nonce)}
				tm := map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))}
				cs.submit(s, "Settlement:InstructDeliver", []string{"false"}, tm, "")
				cs.submit(b, "Settlement:InstructReceive", []string{"false"}, tm, "")
				trades[c] = append(trades[c], terms)
			}
		}
		next := make([]int, clients)
		r = load.Run(ctx, load.Config{Name: fmt.Sprintf("settle/%d", clients), Clients: clients, Total: perClient * clients, Duration: 3 * time.Minute},
			func(ctx context.Context, c, _ int) error {
				terms := trades[c][next[c]]
				next[c]++
				b := cs.get(buyers[c])
				_, _, err := b.c.Submit(ctx, tnet.Tx{Fn: "Settlement:Settle", Args: []string{terms.TradeRef},
					Transient: map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))},
					Endorsers: cs.endorsers(b, "Settlement:Settle", "")})
				if err != nil {
					return fmt.Errorf("%s", tnet.ErrorText(err))
				}
				return nil
			})
		reports = append(reports, r)
		t.Log(r)
	}
	for _, r := range reports {
		if r.Done == 0 {
			t.Errorf("%s: no operation succeeded; first error: %s", r.Name, r.FirstError)
		}
	}
	out, _ := json.MarshalIndent(reports, "", "  ")
	t.Logf("%s", out)
	path := os.Getenv("TRANCHENET_LOAD_OUT")
	if path == "" {
		path = t.TempDir() + "/load.json"
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
