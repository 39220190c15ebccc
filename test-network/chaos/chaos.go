// Package chaos is the fault campaign of issue 18: it keeps a steady mixed
// load on the banks' REST APIs and meanwhile, on a schedule drawn from a
// seed, kills orderers (the Raft leader, then two of three), a bank's peer,
// the chaincode service and a gateway app, makes a gateway's upload spool
// unwritable, and takes the whole network down and up; then it proves from
// the ledger, through every bank, that nothing was lost or applied twice.
//
// The load is the demo (test-network/cmd/demo) run again and again: roles,
// a 1,000-loan tape uploaded in chunks, a deal, cash minted and paid,
// primary DvP issuance, secondary DvP trades, claims and a servicer report
// uploaded and certified every period. It runs as a careful bank
// integration would: an Idempotency-Key on every write, retried while the
// answer is retryable (-retry-for), each final answer logged with its
// transaction IDs (-client-log). A demo run that meets a final error ends,
// its error is counted, and the next run starts.
//
// The proofs (verify.go): every node at one height under one leader; every
// transaction a 2xx answer named is VALID on the ledger (lost = 0); no key
// answered with two different transactions, and no VALID transaction of
// the window that no answer names beyond the requests whose outcome the
// client could not know (duplicated = 0); the cash token's minted and
// burned moved by exactly the amounts of the accepted mints and burns, and
// every bank reads the same supply, covered; every certified period's
// replay agrees at every bank.
//
// As a test-network tool it may import tnet, nodes, the consortium
// description, the gateway's configuration format, Fabric's protos and the
// standard library; it talks to the gateways over HTTP only.
package chaos

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/nodes"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// Config is one campaign.
type Config struct {
	Run        string // the network's run folder (up, deployed, gateways running)
	Consortium *consortium.Consortium
	Seed       int64
	// Duration is how long faults are injected; the load runs until the
	// last fault has recovered and the demo run in progress has ended.
	Duration time.Duration
	// Kinds, when not empty, runs only these fault kinds, once each
	// (OnlyKinds).
	Kinds []Kind
	// Work is a folder for the demo binary and the client log.
	Work string
	// Log receives progress lines.
	Log func(format string, args ...any)
}

// Campaign is a running campaign.
type Campaign struct {
	cfg    Config
	net    *tnet.Network
	reader *nodes.Reader
	rng    *rand.Rand
	log    func(format string, args ...any)

	demoBin, clientLog, heartbeatLog string
	// faultLog is the client log of the writes the faults make (the
	// aimed gateway kill's upload and burst).
	faultLog   string
	faultLogMu sync.Mutex
	// followUps are those writes, which run past their fault's repair.
	followUps sync.WaitGroup

	mu       sync.Mutex
	faults   []FaultRecord
	demoRuns []DemoRun
	uploads  []UploadCheck
}

// New prepares a campaign on the running network in cfg.Run.
func New(cfg Config) (*Campaign, error) {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	n, err := tnet.Attach(cfg.Run)
	if err != nil {
		return nil, err
	}
	if cfg.Consortium == nil {
		cfg.Consortium = n.Consortium
	}
	if err := os.MkdirAll(cfg.Work, 0o755); err != nil {
		return nil, err
	}
	return &Campaign{cfg: cfg, net: n, reader: nodes.NewReader(cfg.Consortium, cfg.Run), rng: rand.New(rand.NewSource(cfg.Seed)),
		log: cfg.Log, demoBin: filepath.Join(cfg.Work, "demo"), clientLog: filepath.Join(cfg.Work, "client-log.jsonl"),
		heartbeatLog: filepath.Join(cfg.Work, "heartbeat-log.jsonl"), faultLog: filepath.Join(cfg.Work, "fault-log.jsonl")}, nil
}

// Run runs the campaign and returns its report; the error is a failure to
// run it (a broken network, a proof that could not be read), never a
// finding: findings are in the report (Report.Passed).
func (c *Campaign) Run(ctx context.Context) (*Report, error) {
	schedule := Schedule(c.cfg.Seed, c.cfg.Duration)
	if len(c.cfg.Kinds) > 0 {
		var err error
		if schedule, err = OnlyKinds(schedule, c.cfg.Kinds); err != nil {
			return nil, err
		}
	}
	c.log("building the load (the demo)")
	build := exec.CommandContext(ctx, "go", "build", "-o", c.demoBin, "./test-network/cmd/demo")
	build.Dir = tnet.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the demo: %v\n%s", err, out)
	}
	os.Remove(c.clientLog)
	os.Remove(c.heartbeatLog)
	os.Remove(c.faultLog)
	if _, err := nodes.Wait(ctx, c.reader, time.Minute); err != nil {
		return nil, fmt.Errorf("the network is not in step before the campaign: %w", err)
	}
	start, err := c.ledgerView(ctx)
	if err != nil {
		return nil, err
	}
	began := time.Now()

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	loadDone := make(chan struct{})
	faultsDone := make(chan struct{})
	beatCtx, stopBeat := context.WithCancel(loadCtx)
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		c.heartbeat(beatCtx, c.heartbeatLog)
	}()
	go func() {
		defer close(loadDone)
		c.load(loadCtx, faultsDone)
	}()

	c.log("fault schedule (seed %d): %s", c.cfg.Seed, schedule)
	c.inject(ctx, began, schedule)
	c.followUps.Wait()
	close(faultsDone)
	<-loadDone
	stopBeat()
	<-beatDone
	elapsed := time.Since(began)

	c.log("load ended; waiting for every node to be in step")
	if _, err := nodes.Wait(ctx, c.reader, 2*time.Minute); err != nil {
		return nil, fmt.Errorf("after the campaign: %w", err)
	}
	end, err := c.ledgerView(ctx)
	if err != nil {
		return nil, err
	}
	return c.verify(ctx, start, end, elapsed)
}

// script runs network.sh in the campaign's run folder.
func (c *Campaign) script(ctx context.Context, args ...string) error {
	_, err := tnet.Script(ctx, c.cfg.Run, args...)
	return err
}
