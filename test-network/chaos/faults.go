package chaos

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/nodes"
)

// Kind is a kind of fault.
type Kind string

const (
	// OrdererLeader: SIGKILL the Raft leader; the other two elect another.
	OrdererLeader Kind = "orderer-leader"
	// OrdererQuorum: SIGKILL the leader, then another orderer: with 2 of 3
	// down no write can be ordered; they fail cleanly and resume.
	OrdererQuorum Kind = "orderer-quorum"
	// Peer: SIGKILL the servicer bank's first peer, its gateway's primary:
	// the gateway fails over to the bank's second peer.
	Peer Kind = "peer"
	// Chaincode: SIGKILL the chaincode service every peer calls.
	Chaincode Kind = "chaincode"
	// Gateway: SIGKILL the servicer bank's gateway app (tape and report
	// uploads, writes in flight) and start it again with its config.
	Gateway Kind = "gateway"
	// ReadOnly: make the servicer gateway's upload spool unwritable
	// (chattr +i) for a while: uploads answer 503, nothing half-written.
	ReadOnly Kind = "read-only-spool"
	// Network: network.sh down, then up and gateways: the whole network
	// restarts after real use (issue 18's stuck orderer).
	Network Kind = "network-restart"
)

// AllKinds are the faults every campaign injects at least once.
var AllKinds = []Kind{OrdererLeader, OrdererQuorum, Peer, Chaincode, Gateway, ReadOnly, Network}

// Planned is one scheduled fault.
type Planned struct {
	Kind Kind
	// After is the delay from the campaign's start.
	After time.Duration
	// Down is how long the fault lasts before the repair.
	Down time.Duration
}

// The schedule's timing: a fault lasts long enough for the load to meet
// it (a write every second per bank), and the campaign moves on as soon as
// it has recovered.
const (
	firstFault     = 20 * time.Second
	minDown        = 5 * time.Second
	maxDown        = 10 * time.Second
	minGap         = 3 * time.Second
	maxGap         = 8 * time.Second
	recoveryWindow = 3 * time.Minute // the longest wait for the first success after a repair
)

// Schedule draws the campaign's faults from seed: every kind once in a
// shuffled order (the whole-network restart last, so it follows real use),
// then further random kinds while duration lasts; outages of minDown to
// maxDown, gaps of minGap to maxGap between a repair and the next fault.
// The gaps are short because the campaign also waits, after each repair,
// until the load's writes succeed again (inject): the next fault comes
// once the previous one has recovered. The same seed and duration give
// the same schedule.
func Schedule(seed int64, duration time.Duration) []Planned {
	rng := rand.New(rand.NewSource(seed))
	kinds := append([]Kind(nil), AllKinds[:len(AllKinds)-1]...)
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	kinds = append(kinds, Network)
	var out []Planned
	at := firstFault // let the first demo run get going
	for i := 0; ; i++ {
		var k Kind
		if i < len(kinds) {
			k = kinds[i]
		} else {
			if at > duration {
				break
			}
			k = AllKinds[rng.Intn(len(AllKinds)-1)]
		}
		down := minDown + time.Duration(rng.Int63n(int64(maxDown-minDown)/int64(time.Second)+1))*time.Second
		out = append(out, Planned{Kind: k, After: at, Down: down})
		at += down + minGap + time.Duration(rng.Int63n(int64(maxGap-minGap)/int64(time.Second)+1))*time.Second
	}
	return out
}

// OnlyKinds keeps the first fault of each of kinds, in the schedule's
// order, one after another from firstFault.
func OnlyKinds(schedule []Planned, kinds []Kind) ([]Planned, error) {
	want := map[Kind]bool{}
	for _, k := range kinds {
		if !slices.Contains(AllKinds, k) {
			return nil, fmt.Errorf("unknown fault kind %q (kinds: %v)", k, AllKinds)
		}
		want[k] = true
	}
	var out []Planned
	at := firstFault
	for _, p := range schedule {
		if want[p.Kind] {
			delete(want, p.Kind)
			p.After = at
			out = append(out, p)
			at += p.Down + minGap
		}
	}
	return out, nil
}

// String lists a schedule.
func (p Planned) String() string {
	return fmt.Sprintf("%s@%s(down %s)", p.Kind, p.After.Round(time.Second), p.Down)
}

// FaultRecord is what happened to one fault.
type FaultRecord struct {
	Kind     Kind
	Target   string // the node or process
	Injected time.Time
	Repaired time.Time // the repair command returned
	// Recovered is the first 2xx answer after the repair; zero if none
	// came before the load ended.
	Recovered time.Time
	Err       string // the injection or repair failed
}

// RecoveryTime is from the repair to the first 2xx answer after it.
func (f FaultRecord) RecoveryTime() time.Duration {
	if f.Recovered.IsZero() {
		return -1
	}
	return f.Recovered.Sub(f.Repaired)
}

// inject runs the schedule.
func (c *Campaign) inject(ctx context.Context, began time.Time, schedule []Planned) {
	for _, p := range schedule {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(began.Add(p.After))):
		}
		rec := FaultRecord{Kind: p.Kind, Injected: time.Now()}
		c.log("fault: %s", p.Kind)
		repair, target, err := c.break_(ctx, p.Kind)
		rec.Target = target
		if err != nil {
			rec.Err = err.Error()
			c.log("fault %s could not be injected: %v", p.Kind, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(p.Down):
		}
		if repair != nil {
			if err := repair(ctx); err != nil {
				rec.Err = strings.TrimSpace(rec.Err + " repair: " + err.Error())
				c.log("fault %s: repair failed: %v", p.Kind, err)
			}
		}
		rec.Repaired = time.Now()
		c.log("fault %s on %s repaired after %s", p.Kind, target, rec.Repaired.Sub(rec.Injected).Round(time.Second))
		// Back to back, but never onto a fault that has not recovered.
		if t, ok := c.waitRecovered(ctx, rec.Repaired); ok {
			c.log("fault %s recovered %s after its repair", p.Kind, t.Sub(rec.Repaired).Round(100*time.Millisecond))
		}
		c.mu.Lock()
		c.faults = append(c.faults, rec)
		c.mu.Unlock()
	}
}

// The repairs start only what a fault stopped, and wait until it serves:
// network.sh up starts the nodes and chaincode services that are not
// running and waits until every node is in step under one leader; gateways
// starts the gateway apps that are not running and waits until they are
// ready. A fault that stops no gateway app does not pay for gateways (it
// rebuilds the app before it looks), nor one that stops only an app for up.

// waitRecovered waits (at most recoveryWindow) for the first 2xx answer
// after t.
func (c *Campaign) waitRecovered(ctx context.Context, t time.Time) (time.Time, bool) {
	for deadline := time.Now().Add(recoveryWindow); ; {
		if at, ok := c.firstAcceptedAfter(t); ok {
			return at, true
		}
		if time.Now().After(deadline) {
			return time.Time{}, false
		}
		select {
		case <-ctx.Done():
			return time.Time{}, false
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// restartNodes brings back the stopped nodes and chaincode services.
func (c *Campaign) restartNodes(ctx context.Context) error { return c.script(ctx, "up") }

// restartGateways brings back the stopped gateway apps.
func (c *Campaign) restartGateways(ctx context.Context) error { return c.script(ctx, "gateways") }

// restartNetwork brings every stopped process of the network back with
// the same configuration.
func (c *Campaign) restartNetwork(ctx context.Context) error {
	if err := c.restartNodes(ctx); err != nil {
		return err
	}
	return c.restartGateways(ctx)
}

// break_ injects a fault and returns its repair.
func (c *Campaign) break_(ctx context.Context, k Kind) (repair func(context.Context) error, target string, err error) {
	servicer := c.servicer()
	switch k {
	case OrdererLeader, OrdererQuorum:
		leader, follower, err := c.ordererRoles(ctx)
		if err != nil {
			return c.restartNodes, "", err
		}
		if err := c.kill(leader); err != nil {
			return c.restartNodes, leader, err
		}
		if k == OrdererLeader {
			return c.restartNodes, leader, nil
		}
		time.Sleep(3 * time.Second)
		return c.restartNodes, leader + "+" + follower, c.kill(follower)
	case Peer:
		name := servicer.PeerHost(servicer.Peers[0])
		return c.restartNodes, name, c.kill(name)
	case Chaincode:
		// One service for every peer, or one per bank: every PID file
		// network.sh keeps for a chaincode service.
		files, _ := filepath.Glob(filepath.Join(c.cfg.Run, "pids", "chaincode*.pid"))
		if len(files) == 0 {
			return c.restartNodes, "chaincode", fmt.Errorf("no chaincode service PID file in %s", filepath.Join(c.cfg.Run, "pids"))
		}
		var names []string
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".pid")
			if err := c.kill(name); err != nil {
				return c.restartNodes, name, err
			}
			names = append(names, name)
		}
		return c.restartNodes, strings.Join(names, "+"), nil
	case Gateway:
		c.mu.Lock()
		n := len(c.faults) + 1
		c.mu.Unlock()
		target, err := c.aimedGatewayKill(ctx, n)
		return c.restartGateways, target, err
	case ReadOnly:
		dir, err := c.spoolDir(servicer)
		if err != nil {
			return nil, "", err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, dir, err
		}
		if out, err := exec.CommandContext(ctx, "chattr", "+i", dir).CombinedOutput(); err != nil {
			return nil, dir, fmt.Errorf("chattr +i %s: %v: %s", dir, err, out)
		}
		return func(ctx context.Context) error {
			if out, err := exec.CommandContext(ctx, "chattr", "-i", dir).CombinedOutput(); err != nil {
				return fmt.Errorf("chattr -i %s: %v: %s", dir, err, out)
			}
			return nil
		}, dir, nil
	case Network:
		if err := c.script(ctx, "down"); err != nil {
			return c.restartNetwork, "network", err
		}
		return c.restartNetwork, "network", nil
	}
	return nil, "", fmt.Errorf("unknown fault %q", k)
}

// servicer is the org whose gateway uploads tapes and reports.
func (c *Campaign) servicer() consortium.Org {
	for _, o := range c.cfg.Consortium.Orgs {
		if o.HasRole(consortium.OrgRoleServicer) {
			return o
		}
	}
	return c.cfg.Consortium.Orgs[0]
}

// spoolDir is an org's gateway upload spool (dataDir/uploads).
func (c *Campaign) spoolDir(org consortium.Org) (string, error) {
	cfg, err := config.Load(filepath.Join(consortium.RunFolder(c.cfg.Run).Gateway(org.MSPID), "config.yaml"))
	if err != nil {
		return "", err
	}
	return filepath.Join(cfg.DataDir, "uploads"), nil
}

// ordererRoles names the Raft leader and a follower.
func (c *Campaign) ordererRoles(ctx context.Context) (leader, follower string, err error) {
	for _, n := range c.reader.Read(ctx) {
		switch {
		case n.Kind != nodes.Orderer || n.Err != nil:
		case n.Role == nodes.Leader && leader == "":
			leader = n.Name
		case n.Role == nodes.Follower && follower == "":
			follower = n.Name
		}
	}
	if leader == "" || follower == "" {
		return "", "", fmt.Errorf("no Raft leader and follower to kill (leader %q, follower %q)", leader, follower)
	}
	return leader, follower, nil
}

// pid reads the PID file network.sh keeps for a process it started.
func (c *Campaign) pid(name string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(c.cfg.Run, "pids", name+".pid"))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return 0, fmt.Errorf("%s: PID file: %w", name, err)
	}
	return pid, nil
}

// kill sends SIGKILL to a process network.sh started, by its PID file.
func (c *Campaign) kill(name string) error {
	pid, err := c.pid(name)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill -9 %s (%d): %w", name, pid, err)
	}
	return nil
}
