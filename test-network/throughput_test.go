package testnetwork

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	gwconfig "github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
	"github.com/tranchenet/tranchenet/test-network/load"
	"github.com/tranchenet/tranchenet/test-network/plaintoken"
	"github.com/tranchenet/tranchenet/test-network/throughput"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationThroughput is the throughput benchmark of issue 17. It
// deploys the plain token (test-network/plaintoken) beside tranchenet with
// the trustee-only endorsement of a tranche transfer, sets up one trading
// pair of investors per client (a seller at the second bank, a buyer at the
// third, each its own Fabric identity, so clients never touch each other's
// keys), and at each client count runs, interleaved: plain transfer, the
// plain token's private twins (a transfer and a swap, its balances in the
// registry collections a tranche position and a cash account live in),
// compliant transfer, DvP settle, position read and plain balance read
// through the Fabric Gateway client with the gateway apps stopped; then the
// same with the three gateway apps (and their event listeners) running,
// and the tranchenet workloads through the apps' REST APIs. Each run
// reports TPS, p50/p99, errors by kind and CPU per process per operation
// from /proc. It prints the README's tables and writes the JSON to
// $TRANCHENET_THROUGHPUT_OUT (default: the test's temp dir).
//
// It is a benchmark, not a test: it runs only with TRANCHENET_THROUGHPUT=1
// (and TRANCHENET_INTEGRATION=1), never in make test, and fails only when
// an operation never succeeds. TRANCHENET_THROUGHPUT_LEVELS overrides the
// client counts (default 1,8,32,64), TRANCHENET_THROUGHPUT_BATCH the
// orderer's block cut (e.g. 500ms/10; default: the consortium's),
// TRANCHENET_THROUGHPUT_WINDOWS the gateway apps' listener batch windows,
// each optionally with the event stream after a slash, and the trustee
// bank's own after another (e.g. 0s,250ms,250ms/chaincode-events,
// /blocks/chaincode-events: the apps-on phase once per entry, in one run;
// default: once, with the apps' own default),
// TRANCHENET_THROUGHPUT_OPS the
// operations each client makes a phase (default 4, at least 10 with one
// client), TRANCHENET_THROUGHPUT_ROUNDS the rounds of (apps off, apps on)
// at each level, odd rounds apps on first (default 1; with more, the
// apps' cost is also read as the median of the rounds' ratios),
// TRANCHENET_THROUGHPUT_ONLY a comma list of the workloads to measure
// (e.g. "plain transfer,DvP settle"; default all). TRANCHENET_THROUGHPUT_PEER_PROFILES=DIR writes a CPU profile of
// every peer for each write phase into DIR (the phase's first
// TRANCHENET_THROUGHPUT_PROFILE_SECONDS, default 10; size the phase with
// TRANCHENET_THROUGHPUT_OPS so it lasts longer), the peers serving profiles
// from TRANCHENET_PEER_PPROF's port on (default 6060).
//
//	TRANCHENET_INTEGRATION=1 TRANCHENET_THROUGHPUT=1 go test ./test-network -run TestIntegrationThroughput -v -timeout 60m
func TestIntegrationThroughput(t *testing.T) {
	tnet.RequireBenchmark(t, "TRANCHENET_THROUGHPUT")
	levels := tnet.EnvInts(t, "TRANCHENET_THROUGHPUT_LEVELS", []int{1, 8, 32, 64})
	pairs := 0
	for _, n := range levels {
		pairs = max(pairs, n)
	}
	// One seller and one buyer identity per client, after the cast's eight
	// and the few the gateway apps give their other roles' API users.
	t.Setenv("TRANCHENET_CONSORTIUM", consortiumWithUsers(t, tnet.ConsortiumPath(), 16+pairs))
	profiles := os.Getenv("TRANCHENET_THROUGHPUT_PEER_PROFILES")
	if profiles != "" && os.Getenv("TRANCHENET_PEER_PPROF") == "" {
		t.Setenv("TRANCHENET_PEER_PPROF", "6060")
	}
	cs := startDealNetwork(t)
	ctx := context.Background()
	if err := throughput.DeployPlainToken(ctx, cs.n); err != nil {
		t.Fatal(err)
	}
	// The apps run once per listener batch window asked for (e.g.
	// "0s,250ms"); by default once, with their configured window.
	windows := []string{""}
	if w := os.Getenv("TRANCHENET_THROUGHPUT_WINDOWS"); w != "" {
		windows = strings.Split(w, ",")
	}
	// Operations a client a phase: short phases keep the run short, but a
	// phase of a few seconds cannot resolve a 10 % difference.
	opsEach := tnet.EnvInts(t, "TRANCHENET_THROUGHPUT_OPS", []int{4})[0]
	// Rounds of (apps off, apps on) a level: one phase of a workload moves
	// by ±25 % with the box's noise alone, so a ratio of apps on to off is
	// read as the median over rounds, each round's two phases side by side.
	rounds := max(tnet.EnvInts(t, "TRANCHENET_THROUGHPUT_ROUNDS", []int{1})[0], 1)
	// The tranche operations a seller makes at most: per round and level,
	// a compliant transfer and a DvP each phase without the apps, and with
	// them per window, each directly and through REST.
	sellerOps := rounds * len(levels) * max(opsEach, 10) * (2 + 4*len(windows))
	b := setUpThroughput(t, cs, pairs, sellerOps)
	if only := os.Getenv("TRANCHENET_THROUGHPUT_ONLY"); only != "" {
		b.only = strings.Split(only, ",")
	}
	if profiles != "" {
		b.profileTo(t, profiles, tnet.EnvInt(t, "TRANCHENET_THROUGHPUT_PROFILE_SECONDS", 10))
	}
	var result throughput.Result
	for _, clients := range levels {
		for round := range rounds {
			result.Measures = append(result.Measures, b.round(t, clients, opsEach, round, windows)...)
		}
	}
	for _, m := range result.Measures {
		if m.Done == 0 {
			t.Errorf("%s %s (apps %v, %d clients): no operation succeeded; first error: %s", m.Workload, m.Path, m.Apps, m.Clients, m.FirstError)
		}
	}
	table := result.Markdown()
	t.Logf("\n%s", table)
	out, _ := json.MarshalIndent(result, "", "  ")
	path := os.Getenv("TRANCHENET_THROUGHPUT_OUT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "throughput.json")
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(path, ".json")+".md", []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
}

// round measures one level once with the gateway apps stopped, then once
// with them running per listener window asked for; odd rounds the other
// way round. The order alternates because the run drifts (in one round,
// apps off first, every tranchenet workload ran 1.23-1.43x faster in the
// apps-on phase that followed, which the apps cannot cause), and a fixed
// order would charge that drift to one side. With an even number of
// rounds, each side comes first as often as the other.
func (b *bench) round(t *testing.T, clients, ops, round int, windows []string) []throughput.Measure {
	t.Helper()
	run := b.cs.n.Run
	if clients == 1 {
		ops = max(ops, 10)
	}
	// A phase's settlements are instructed before it (not measured): ops a
	// client for the apps-off phase; 2*ops for each apps-on phase (directly
	// and through REST), instructed with the apps running, as a bank's
	// trades are, so that each bank's listener reads its side's terms when
	// it sees the instruction, not at the settlement. (When the apps were
	// started after the instructions, every settlement made each party's
	// listener read its terms again: a cost a gateway running all along
	// does not have.)
	trades := b.instruct(t, clients, ops)
	var out []throughput.Measure
	appsOff := func() {
		stopGateways(t, run)
		out = append(out, b.phase(t, clients, ops, 0, "", trades)...)
	}
	appsOn := func() {
		for i, window := range windows {
			label := setListenerWindow(t, b.cs.n, window)
			startGateways(t, run)
			trades := b.instruct(t, clients, 2*ops)
			waitGatewaysIdle(t, run)
			out = append(out, b.phase(t, clients, ops, 1+i, label, trades)...)
			stopGateways(t, run)
		}
	}
	if round%2 == 0 {
		appsOff()
		appsOn()
	} else {
		appsOn()
		appsOff()
	}
	for i := range out {
		out[i].Round = round
	}
	return out
}

// measures says whether the run measures the workload: all of them unless
// TRANCHENET_THROUGHPUT_ONLY names some.
func (b *bench) measures(workload string) bool {
	return len(b.only) == 0 || slices.Contains(b.only, workload)
}

// consortiumWithUsers copies the consortium file with users raised to n at
// every bank but the trustee's, which the benchmark's investors do not need.
func consortiumWithUsers(t *testing.T, path string, n int) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := consortium.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	trustee := c.Trustee().MSPID
	msp := regexp.MustCompile(`^\s*mspID:\s*(\S+)`)
	users := regexp.MustCompile(`^(\s*users:\s*)\d+\s*$`)
	lines := strings.Split(string(raw), "\n")
	current := ""
	for i, l := range lines {
		if m := msp.FindStringSubmatch(l); m != nil {
			current = m[1]
		}
		if m := users.FindStringSubmatch(l); m != nil && current != trustee {
			lines[i] = m[1] + strconv.Itoa(n)
		}
	}
	text := strings.Join(lines, "\n")
	// TRANCHENET_THROUGHPUT_BATCH=500ms/10 measures another block cut.
	if b := os.Getenv("TRANCHENET_THROUGHPUT_BATCH"); b != "" {
		timeout, count, ok := strings.Cut(b, "/")
		batch := regexp.MustCompile(`batch: \{[^}]*\}`)
		if !ok || !batch.MatchString(text) {
			t.Fatalf("TRANCHENET_THROUGHPUT_BATCH %q: want TIMEOUT/COUNT, and a batch line in %s", b, path)
		}
		text = batch.ReplaceAllString(text, fmt.Sprintf("batch: {timeout: %s, maxMessageCount: %s}", timeout, count))
	}
	out := filepath.Join(t.TempDir(), "consortium.yaml")
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// unitsPerOp are the units a transfer or a settlement moves (for 9.90 of
// cash): the tranche's minimum denomination.
const unitsPerOp = 1000

// pair is one client's trading pair: the seller delivers units (and plain
// tokens) to the buyer.
type pair struct {
	seller, buyer           *actor
	sellerPlain, buyerPlain string // plain token accounts
}

type bench struct {
	cs      *cast
	tranche string
	pairs   []pair
	tokens  map[string]string // Fabric identity key -> the gateway app's API token
	urls    map[string]string // MSP -> gateway app URL
	only    []string          // the workloads measured; all when empty

	profiles *throughput.Recorder // peer CPU profiles of each write phase; nil: none asked for
}

// profileTo makes every write phase write a CPU profile of each peer into
// dir.
func (b *bench) profileTo(t *testing.T, dir string, secs int) {
	t.Helper()
	r, err := throughput.NewRecorder(b.cs.n.Run, dir, secs)
	if err != nil {
		t.Fatalf("TRANCHENET_THROUGHPUT_PEER_PROFILES: %v", err)
	}
	b.profiles = r
	t.Logf("profiling %d peers for %d s of each write phase into %s", r.Peers(), secs, dir)
}

// setUpThroughput connects and entitles the pairs and sets up a deal whose
// tranche the sellers hold (sellerOps operations' units each), the
// buyers' cash and everyone's plain tokens, in parallel where keys allow.
func setUpThroughput(t *testing.T, cs *cast, n, sellerOps int) *bench {
	t.Helper()
	start := time.Now()
	b := &bench{cs: cs, pairs: make([]pair, n)}
	sellerIDs, buyerIDs := investorIdentities(t, cs, "Org2MSP", n), investorIdentities(t, cs, "Org3MSP", n)
	err := inParallel(16, n, func(i int) error {
		var err error
		p := &b.pairs[i]
		if p.seller, err = connectActor(cs, fmt.Sprintf("seller%d", i), "Org2MSP", sellerIDs[i]); err != nil {
			return err
		}
		if p.buyer, err = connectActor(cs, fmt.Sprintf("buyer%d", i), "Org3MSP", buyerIDs[i]); err != nil {
			return err
		}
		for _, a := range []*actor{p.seller, p.buyer} {
			admin := cs.admins[a.msp]
			if _, _, err := admin.c.Submit(context.Background(), tnetSubmit(cs, admin, "Admin:GrantRole", a.key, string(roles.Investor))); err != nil {
				return fmt.Errorf("grant %s: %s", a.name, tnet.ErrorText(err))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sellers, buyers []*actor
	for _, p := range b.pairs {
		sellers, buyers = append(sellers, p.seller), append(buyers, p.buyer)
	}
	b.tranche = b.deal(t, sellers, buyers, sellerOps)
	err = inParallel(16, n, func(i int) error {
		p := &b.pairs[i]
		for _, acct := range []struct {
			a   *actor
			out *string
		}{{p.seller, &p.sellerPlain}, {p.buyer, &p.buyerPlain}} {
			raw, err := acct.a.c.On(plaintoken.Name).Evaluate(context.Background(), "Token:WhoAmI")
			if err != nil {
				return err
			}
			*acct.out = string(raw)
		}
		mints := []struct {
			a  *actor
			tx tnet.Tx
		}{
			{p.seller, tnet.Tx{Fn: "Token:Mint", Args: []string{"1000000000"}}},
			{p.seller, tnet.Tx{Fn: "Token:PrivateMint", Args: []string{roles.RegistryCollection(p.seller.msp), "1000000000"}}},
			{p.buyer, tnet.Tx{Fn: "Token:PrivateMint", Args: []string{roles.RegistryCollection(p.buyer.msp), "1000000000"}}},
		}
		for _, m := range mints {
			m.tx.Endorsers = []string{cs.n.Consortium.Trustee().MSPID}
			if _, _, err := m.a.c.On(plaintoken.Name).Submit(context.Background(), m.tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("throughput set-up: %d trading pairs in %s", n, time.Since(start).Round(time.Second))
	return b
}

// deal creates a pool, a deal with one note tranche held by the sellers in
// equal parts, attests every investor and pays the buyers cash.
func (b *bench) deal(t *testing.T, sellers, buyers []*actor, sellerOps int) string {
	t.Helper()
	cs := b.cs
	trustee, agent := cs.get("trustee"), cs.get("settlement")
	poolID, dealID := "POOL-TPUT-1", "DEAL-TPUT-1"
	// A simulated loan carries about 20,000 of face (the tranche issues
	// 90 % of the pool in units of 1): enough loans for every seller's
	// operations, at least the 600 of a short run.
	loans := max(600, sellerOps*len(sellers)*unitsPerOp/20_000)
	balance := sealedPool(t, cs, poolID, "Throughput pool", 7, loans)
	officers := map[string]*actor{"Org2MSP": cs.get("org2-compliance"), "Org3MSP": cs.get("org3-compliance")}
	investors := append(append([]*actor{}, sellers...), buyers...)
	claims := canonJSON(t, identity.ClaimsInput{InvestorType: "qib", Jurisdiction: "US", KYCExpiry: time.Now().AddDate(1, 0, 0)})
	if err := inParallel(16, len(investors), func(i int) error {
		inv := investors[i]
		_, err := cs.trySubmit(officers[inv.msp], "Identity:Attest", []string{inv.key, claims},
			map[string][]byte{identity.TransientDossier: []byte(`{"name":"` + inv.name + `"}`)}, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tranche, units := issueNoteDeal(t, cs, poolID, dealID, "Throughput deal", balance)
	perSeller := units / int64(len(sellers)) / 1000 * 1000
	if perSeller < int64(sellerOps*unitsPerOp) {
		t.Fatalf("each seller holds %d units, fewer than its %d operations of %d need: more loans", perSeller, sellerOps, unitsPerOp)
	}
	placeStart := time.Now()
	if err := inParallel(16, len(sellers), func(i int) error {
		_, err := cs.trySubmit(trustee, "Deal:Place", []string{tranche, sellers[i].key, fmt.Sprint(perSeller)}, nil, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("placed %d units with each of %d new holders, 16 at a time, in %s", perSeller, len(sellers), time.Since(placeStart).Round(time.Millisecond))
	cashEach := money.FromMajor(200_000)
	total := money.Amount(int64(cashEach) * int64(len(buyers)))
	cs.submit(agent, "Cash:AttestReserves", []string{(total * 2).String(), "sha256:reserves"}, nil, "")
	cs.submit(agent, "Cash:Mint", []string{total.String()}, nil, "")
	if err := inParallel(16, len(buyers), func(i int) error {
		_, err := cs.trySubmit(agent, "Cash:Pay", []string{buyers[i].key, cashEach.String()}, nil, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tranche
}

// investorIdentities are n Fabric identities (UserN) of a bank that its
// gateway app's configuration gives to investor API users, after the
// cast's User1..User8, so that REST calls act as the same identities.
func investorIdentities(t *testing.T, cs *cast, msp string, n int) []string {
	t.Helper()
	cfg, _, err := gatewayconfig.ForOrg(cs.n.Consortium, cs.n.Run, msp)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range cfg.Users {
		num, _ := strconv.Atoi(strings.TrimPrefix(u.Identity, "User"))
		if len(u.Roles) == 1 && u.Roles[0] == string(roles.Investor) && num > 8 && len(out) < n {
			out = append(out, u.Identity)
		}
	}
	if len(out) < n {
		t.Fatalf("%s's gateway configuration has %d investor identities beyond User8, want %d", msp, len(out), n)
	}
	return out
}

// connectActor is cast.connect for goroutines: it returns its error.
func connectActor(cs *cast, name, msp, user string) (*actor, error) {
	c, err := cs.n.Client(msp, user)
	if err != nil {
		return nil, err
	}
	raw, err := c.Evaluate(context.Background(), "Admin:WhoAmI")
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%s WhoAmI: %s", name, tnet.ErrorText(err))
	}
	var who struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(raw, &who); err != nil {
		c.Close()
		return nil, err
	}
	a := &actor{name: name, msp: msp, key: who.Key, c: c, user: user}
	cs.t.Cleanup(c.Close)
	return a, nil
}

// inParallel runs fn(0..n-1) with the given number of workers; an
// operation that fails on a commit conflict is retried after a random
// pause (up to 60 times).
func inParallel(workers, n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var err error
				for attempt := 0; attempt < 60; attempt++ {
					if err = fn(i); err == nil || !conflict(err) {
						break
					}
					// Workers writing one shared key would collide again
					// at once: back off a random part of a block.
					time.Sleep(time.Duration(50+mathrand.IntN(400)) * time.Millisecond)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("item %d: %s", i, tnet.ErrorText(err))
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func conflict(err error) bool {
	k := throughput.ErrorKind(err)
	return k == "MVCC_READ_CONFLICT" || k == "PHANTOM_READ_CONFLICT" || k == "endorsements differ"
}

// trade is one instructed settlement, settled by its buyer.
type trade struct {
	terms core.Terms
	pair  int
}

// instruct has each of the first clients' pairs instruct count settlements
// (both sides), and returns them by client.
func (b *bench) instruct(t *testing.T, clients, count int) [][]trade {
	t.Helper()
	cs := b.cs
	out := make([][]trade, clients)
	if !b.measures(throughput.DvPSettle) {
		return out
	}
	err := inParallel(clients, clients, func(c int) error {
		p := b.pairs[c]
		for len(out[c]) < count {
			nonce := make([]byte, 16)
			rand.Read(nonce)
			terms := core.Terms{TradeRef: fmt.Sprintf("T%d-%d-%s", clients, c, hex.EncodeToString(nonce[:4])), Kind: core.KindTrade, Tranche: b.tranche,
				Seller: p.seller.key, Buyer: p.buyer.key, Units: unitsPerOp, Cash: money.Cents(990), Payment: core.PaymentLedger,
				SettlementDate: time.Now().UTC().Format("2006-01-02"), Expiry: time.Now().UTC().Add(2 * time.Hour).Truncate(time.Second),
				Nonce: hex.EncodeToString(nonce)}
			tm := map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))}
			if _, err := cs.trySubmit(p.seller, "Settlement:InstructDeliver", []string{"false"}, tm, ""); err != nil {
				return err
			}
			if _, err := cs.trySubmit(p.buyer, "Settlement:InstructReceive", []string{"false"}, tm, ""); err != nil {
				return err
			}
			out[c] = append(out[c], trade{terms: terms, pair: c})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// phase runs every workload once at one client count, interleaved, with
// the gateway apps stopped (phase 0) or running (then also through their
// REST APIs) with the listener window named window. Phase 0 settles each
// client's ops instructed trades, each later phase its 2*ops (directly,
// then through REST).
func (b *bench) phase(t *testing.T, clients, ops, phase int, window string, trades [][]trade) []throughput.Measure {
	t.Helper()
	cs := b.cs
	ctx := context.Background()
	// The plain token's policy is the trustee's peers, as for a tranche transfer.
	trustee := cs.endorsers(b.pairs[0].seller, "Token:Transfer", "")
	settleEndorsers := cs.endorsers(b.pairs[0].buyer, "Settlement:Settle", "")
	// Each client settles its own instructed trades in order.
	apps := phase > 0
	tradeNext := make([]int, clients)
	nextTrade := func(c int) core.Terms {
		tr := trades[c][tradeNext[c]]
		tradeNext[c]++
		return tr.terms
	}
	type workload struct {
		name, path string
		reads      bool
		op         load.Op
	}
	workloads := []workload{
		{throughput.PlainTransfer, throughput.Direct, false, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, _, err := p.seller.c.On(plaintoken.Name).Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{p.buyerPlain, "1"},
				Endorsers: trustee, WaitOrgs: trustee})
			return err
		}},
		{throughput.PrivateTransfer, throughput.Direct, false, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, _, err := p.seller.c.On(plaintoken.Name).Submit(ctx, tnet.Tx{Fn: "Token:PrivateTransfer",
				Args:      []string{roles.RegistryCollection(p.seller.msp), roles.RegistryCollection(p.buyer.msp), p.buyerPlain, "1"},
				Endorsers: trustee, WaitOrgs: trustee})
			return err
		}},
		{throughput.PrivateDvP, throughput.Direct, false, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, _, err := p.seller.c.On(plaintoken.Name).Submit(ctx, tnet.Tx{Fn: "Token:PrivateSwap",
				Args:      []string{roles.RegistryCollection(p.seller.msp), roles.RegistryCollection(p.buyer.msp), p.buyerPlain, "1", "1"},
				Endorsers: trustee, WaitOrgs: trustee})
			return err
		}},
		{throughput.CompliantTransfer, throughput.Direct, false, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, _, err := p.seller.c.Submit(ctx, tnet.Tx{Fn: "Token:Transfer", Args: []string{b.tranche, p.buyer.key, strconv.Itoa(unitsPerOp)},
				Endorsers: trustee, WaitOrgs: trustee})
			return err
		}},
		{throughput.DvPSettle, throughput.Direct, false, func(ctx context.Context, c, _ int) error {
			terms := nextTrade(c)
			payload, _, err := b.pairs[c].buyer.c.Submit(ctx, tnet.Tx{Fn: "Settlement:Settle", Args: []string{terms.TradeRef},
				Transient: map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))},
				Endorsers: settleEndorsers, WaitOrgs: settleEndorsers})
			return settled(terms.TradeRef, payload, err)
		}},
		{throughput.PositionRead, throughput.Direct, true, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, err := p.seller.c.Evaluate(ctx, "Token:Position", b.tranche, p.seller.key)
			return err
		}},
		{throughput.BalanceRead, throughput.Direct, true, func(ctx context.Context, c, _ int) error {
			p := b.pairs[c]
			_, err := p.seller.c.On(plaintoken.Name).Evaluate(ctx, "Token:Balance", p.sellerPlain)
			return err
		}},
	}
	if apps {
		b.loadTokens(t)
		workloads = append(workloads,
			workload{throughput.CompliantTransfer, throughput.REST, false, func(ctx context.Context, c, _ int) error {
				p := b.pairs[c]
				body, _ := json.Marshal(map[string]any{"to": p.buyer.key, "units": unitsPerOp})
				return b.rest(ctx, p.seller, "POST", "/v1/tranches/"+b.tranche+"/transfers", body)
			}},
			workload{throughput.DvPSettle, throughput.REST, false, func(ctx context.Context, c, _ int) error {
				terms := nextTrade(c)
				body, err := b.restAnswer(ctx, b.pairs[c].buyer, "POST", "/v1/settlements/"+terms.TradeRef+"/settle", []byte(`{}`))
				return settled(terms.TradeRef, body, err)
			}},
			workload{throughput.PositionRead, throughput.REST, true, func(ctx context.Context, c, _ int) error {
				p := b.pairs[c]
				return b.rest(ctx, p.seller, "GET", "/v1/tranches/"+b.tranche+"/holders/"+p.seller.key, nil)
			}},
		)
	}
	procs, err := throughput.ReadProcesses(cs.n.Run)
	if err != nil {
		t.Fatal(err)
	}
	// The network's idle CPU, subtracted from each run's.
	idleFrom, idleSecs := procs.Sample(), 3.0
	time.Sleep(time.Duration(idleSecs * float64(time.Second)))
	idle := throughput.IdleRate(idleFrom, procs.Sample(), idleSecs)
	var out []throughput.Measure
	for _, w := range workloads {
		if !b.measures(w.name) {
			continue
		}
		cfg := load.Config{Name: fmt.Sprintf("%s %s apps=%v%s %d", w.name, w.path, apps, windowLabel(window), clients), Clients: clients,
			Duration: 90 * time.Second, Classify: throughput.ErrorKind}
		if w.reads {
			cfg.Total = max(100, clients*20)
		} else {
			// Writes run per client: a settle takes the client's next
			// instructed trade, and a fast client must not run out.
			cfg.PerClient = ops
		}
		// The reads are too quick to profile a phase of.
		var profiles *throughput.Recorder
		if !w.reads {
			profiles = b.profiles
		}
		profiled := profiles.Start(cfg.Name)
		before := procs.Sample()
		r := load.Run(ctx, cfg, w.op)
		perOp := throughput.PerOpAboveIdle(before, procs.Sample(), r.Done, idle, r.Seconds)
		if err := profiled(); err != nil {
			t.Errorf("%s: %v", cfg.Name, err)
		}
		t.Log(r)
		out = append(out, throughput.Measure{Workload: w.name, Path: w.path, Apps: apps, Window: window, Report: r, CPUPerOp: perOp, CPUTotal: throughput.Total(perOp)})
	}
	return out
}

func windowLabel(window string) string {
	if window == "" {
		return ""
	}
	return " window=" + window
}

// parseListenerSpec reads a TRANCHENET_THROUGHPUT_WINDOWS entry,
// "[window][/stream[/trustee's stream]]": the window (nil: the app's
// default), the banks' and the trustee's streams ("": the default) and
// the label the measures carry.
func parseListenerSpec(spec string) (window *time.Duration, stream, trusteeStream, label string, err error) {
	win, streams, _ := strings.Cut(spec, "/")
	stream, trusteeStream, split := strings.Cut(streams, "/")
	if !split {
		trusteeStream = stream
	}
	label = "default " + gwconfig.DefaultBatchWindow.String()
	if win != "" {
		d, err := time.ParseDuration(win)
		if err != nil {
			return nil, "", "", "", fmt.Errorf("%q: %v", spec, err)
		}
		label, window = win, &d
	}
	if stream != "" {
		label += " " + stream
	}
	if split {
		label += ", trustee " + trusteeStream
	}
	return window, stream, trusteeStream, label, nil
}

// setListenerWindow sets events.batchWindow and events.stream in every
// bank's gateway app configuration (network.sh gateways writes them once,
// then reuses them) from a TRANCHENET_THROUGHPUT_WINDOWS entry,
// "[window][/stream[/trustee's stream]]", and returns the label the apps
// will run with: the window given, or the app's default when it is empty,
// and the streams when given.
func setListenerWindow(t *testing.T, n *tnet.Network, spec string) string {
	t.Helper()
	w, stream, trusteeStream, label, err := parseListenerSpec(spec)
	if err != nil {
		t.Fatalf("TRANCHENET_THROUGHPUT_WINDOWS: %v", err)
	}
	trusteeConfig := filepath.Join(n.Run, "orgs", n.Consortium.Trustee().MSPID, "gateway", "config.yaml")
	configs := filepath.Join(n.Run, "orgs", "*", "gateway", "config.yaml")
	if paths, _ := filepath.Glob(configs); len(paths) == 0 {
		// network.sh gateways writes them when it first starts the apps.
		startGateways(t, n.Run)
		stopGateways(t, n.Run)
	}
	paths, err := filepath.Glob(configs)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no gateway configurations in %s (network.sh gateways writes them): %v", n.Run, err)
	}
	for _, path := range paths {
		s := stream
		if path == trusteeConfig {
			s = trusteeStream
		}
		if err := gatewayconfig.SetListener(path, w, s); err != nil {
			t.Fatal(err)
		}
	}
	return label
}

// loadTokens reads the gateway apps' URLs and API tokens (network.sh
// gateways writes them) and maps each Fabric identity key to its token.
func (b *bench) loadTokens(t *testing.T) {
	t.Helper()
	if b.tokens != nil {
		return
	}
	b.tokens, b.urls = map[string]string{}, map[string]string{}
	users := map[string]string{} // MSP/UserN -> token
	for _, msp := range []string{"Org2MSP", "Org3MSP"} {
		raw, err := os.ReadFile(filepath.Join(b.cs.n.Run, "orgs", msp, "gateway", "tokens.json"))
		if err != nil {
			t.Fatal(err)
		}
		var issued struct {
			Listen string `json:"listen"`
			Tokens []struct {
				User, Identity, Token string
				Roles                 []string
			} `json:"tokens"`
		}
		if err := json.Unmarshal(raw, &issued); err != nil {
			t.Fatal(err)
		}
		b.urls[msp] = "http://" + issued.Listen
		for _, tok := range issued.Tokens {
			if len(tok.Roles) == 1 && tok.Roles[0] == string(roles.Investor) {
				users[msp+"/"+tok.Identity] = tok.Token
			}
		}
	}
	for _, p := range b.pairs {
		for _, a := range []*actor{p.seller, p.buyer} {
			tok, ok := users[a.msp+"/"+a.user]
			if !ok {
				t.Fatalf("no investor API user with identity %s at %s", a.user, a.msp)
			}
			b.tokens[a.key] = tok
		}
	}
}

var restClient = &http.Client{Timeout: 2 * time.Minute}

// rest calls a's bank's gateway app as a's API user.
func (b *bench) rest(ctx context.Context, a *actor, method, path string, body []byte) error {
	_, err := b.restAnswer(ctx, a, method, path, body)
	return err
}

// restAnswer is rest with the answer's body.
func (b *bench) restAnswer(ctx context.Context, a *actor, method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, b.urls[a.msp]+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.tokens[a.key])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := restClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: HTTP %d %s", method, path, res.StatusCode, text)
	}
	return text, nil
}

// settled passes on a Settle call's error, else checks that it committed
// a settlement, not a refusal: a rule or balance that refuses the delivery
// commits status failed (which Settle answers, not as an error), a
// cheaper transaction that must not count as a DvP.
func settled(tradeRef string, answer []byte, err error) error {
	if err != nil {
		return err
	}
	var step schema.SettlementStep
	if err := json.Unmarshal(answer, &step); err != nil {
		return fmt.Errorf("settle %s: answer %q: %v", tradeRef, answer, err)
	}
	if step.Status != core.Settled {
		return fmt.Errorf("settle %s: status %s (%s, rule %d), not settled", tradeRef, step.Status, step.Code, step.Rule)
	}
	return nil
}

// startGateways starts the three gateway apps and waits until their
// listeners have caught up (the apps' CPU falls quiet).
func startGateways(t *testing.T, run string) {
	t.Helper()
	if _, err := tnet.Script(context.Background(), run, "gateways"); err != nil {
		t.Fatal(err)
	}
	waitGatewaysIdle(t, run)
}

// waitGatewaysIdle waits until the gateway apps have caught up with the
// ledger (their CPU falls idle), at most 3 minutes.
func waitGatewaysIdle(t *testing.T, run string) {
	t.Helper()
	procs, err := throughput.ReadProcesses(run)
	if err != nil {
		t.Fatal(err)
	}
	for name := range procs {
		if !strings.HasPrefix(name, "gateway-") {
			delete(procs, name)
		}
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		before := procs.Sample()
		time.Sleep(2 * time.Second)
		busy := throughput.Total(throughput.PerOp(before, procs.Sample(), 1))
		if busy < 100 { // under 5 % of a core over 2 s
			return
		}
	}
	t.Log("the gateway apps were still busy after 3 minutes; measuring anyway")
}

// stopGateways stops the gateway apps this benchmark (or network.sh)
// started, by their recorded PIDs, and waits until they are gone.
func stopGateways(t *testing.T, run string) {
	t.Helper()
	procs, err := throughput.ReadProcesses(run)
	if err != nil {
		t.Fatal(err)
	}
	for name, pid := range procs {
		if !strings.HasPrefix(name, "gateway-") {
			continue
		}
		_ = syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		if syscall.Kill(pid, 0) == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if err := os.Remove(filepath.Join(run, "pids", name+".pid")); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
}
