package chaos

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
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

// Schedule draws the campaign's faults from seed: every kind once in a
// shuffled order (the whole-network restart last, so it follows real use),
// then further random kinds while duration lasts; gaps of 20–40 s between
// repairs and the next fault, outages of 8–20 s. The same seed and
// duration give the same schedule.
func Schedule(seed int64, duration time.Duration) []Planned {
	rng := rand.New(rand.NewSource(seed))
	kinds := append([]Kind(nil), AllKinds[:len(AllKinds)-1]...)
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	kinds = append(kinds, Network)
	var out []Planned
	at := 30 * time.Second // let the first demo run get going
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
		down := time.Duration(8+rng.Intn(13)) * time.Second
		out = append(out, Planned{Kind: k, After: at, Down: down})
		at += down + time.Duration(20+rng.Intn(21))*time.Second
	}
	return out
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
		c.mu.Lock()
		c.faults = append(c.faults, rec)
		c.mu.Unlock()
	}
}

// restartNetwork brings every stopped process of the network back with
// the same configuration (network.sh up starts only what is not running,
// and waits until every node is in step; gateways likewise).
func (c *Campaign) restartNetwork(ctx context.Context) error {
	if err := c.script(ctx, "up"); err != nil {
		return err
	}
	return c.script(ctx, "gateways")
}

// break_ injects a fault and returns its repair.
func (c *Campaign) break_(ctx context.Context, k Kind) (repair func(context.Context) error, target string, err error) {
	servicer := c.servicer()
	switch k {
	case OrdererLeader, OrdererQuorum:
		leader, follower, err := c.ordererRoles(ctx)
		if err != nil {
			return c.restartNetwork, "", err
		}
		if err := c.kill(leader); err != nil {
			return c.restartNetwork, leader, err
		}
		if k == OrdererLeader {
			return c.restartNetwork, leader, nil
		}
		time.Sleep(3 * time.Second)
		return c.restartNetwork, leader + "+" + follower, c.kill(follower)
	case Peer:
		name := servicer.PeerHost(servicer.Peers[0])
		return c.restartNetwork, name, c.kill(name)
	case Chaincode:
		// One service for every peer, or one per bank: every PID file
		// network.sh keeps for a chaincode service.
		files, _ := filepath.Glob(filepath.Join(c.cfg.Run, "pids", "chaincode*.pid"))
		if len(files) == 0 {
			return c.restartNetwork, "chaincode", fmt.Errorf("no chaincode service PID file in %s", filepath.Join(c.cfg.Run, "pids"))
		}
		var names []string
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".pid")
			if err := c.kill(name); err != nil {
				return c.restartNetwork, name, err
			}
			names = append(names, name)
		}
		return c.restartNetwork, strings.Join(names, "+"), nil
	case Gateway:
		name := "gateway-" + servicer.MSPID
		return c.restartNetwork, name, c.kill(name)
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

// kill sends SIGKILL to a process network.sh started, by its PID file.
func (c *Campaign) kill(name string) error {
	raw, err := os.ReadFile(filepath.Join(c.cfg.Run, "pids", name+".pid"))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return fmt.Errorf("%s: PID file: %w", name, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill -9 %s (%d): %w", name, pid, err)
	}
	return nil
}
