package chaos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// ReadModelCheck is one bank's read model compared with its rebuild.
type ReadModelCheck struct {
	Bank       string
	Checkpoint uint64 // the block of the listener's checkpoint both reached
	Keys       int    // keys compared (store.DumpReadModel's lines)
	// Difference is the first difference, "" when they agree.
	Difference string
}

// checkReadModels proves that every bank's read model (the gateway app's
// database, fed by its event listener through every fault, from its
// checkpoint after every restart) equals a rebuild from the ledger: each
// gateway app is let catch up and stopped, `gateway-app rebuild` replays
// the chain through the same listener code into a fresh database up to the
// stopped app's checkpoint, `gateway-app dump` writes both canonically, and
// the dumps are compared key by key. The apps are started again after.
func (c *Campaign) checkReadModels(ctx context.Context, r *Report) error {
	bin := filepath.Join(c.cfg.Run, "bin", "gateway-app")
	orgs := c.cfg.Consortium.Orgs
	for _, org := range orgs {
		c.waitListenerSettled(ctx, org.MSPID)
	}
	for _, org := range orgs {
		if err := c.stopGateway(org); err != nil {
			return err
		}
	}
	checks := make([]ReadModelCheck, len(orgs))
	errs := make([]error, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		wg.Go(func() { checks[i], errs[i] = c.rebuildAndCompare(ctx, bin, org) })
	}
	wg.Wait()
	if err := c.script(ctx, "gateways"); err != nil {
		errs = append(errs, fmt.Errorf("restart the gateway apps: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, ch := range checks {
		r.ReadModels = append(r.ReadModels, ch)
		if ch.Difference != "" {
			r.Findings = append(r.Findings, fmt.Sprintf("read model of %s differs from its rebuild at block %d: %s", ch.Bank, ch.Checkpoint, ch.Difference))
		}
	}
	return nil
}

// rebuildAndCompare dumps a stopped gateway's read model, rebuilds it from
// the chain and compares.
func (c *Campaign) rebuildAndCompare(ctx context.Context, bin string, org consortium.Org) (ReadModelCheck, error) {
	check := ReadModelCheck{Bank: org.MSPID}
	cfgPath := filepath.Join(consortium.RunFolder(c.cfg.Run).Gateway(org.MSPID), "config.yaml")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return check, err
	}
	into := filepath.Join(c.cfg.Work, "rebuild-"+org.MSPID)
	os.RemoveAll(into)
	defer os.RemoveAll(into)
	live, err := run(ctx, bin, "dump", "-data", cfg.DataDir)
	if err != nil {
		return check, fmt.Errorf("%s: dump the read model: %w", org.MSPID, err)
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	out, err := run(rctx, bin, "rebuild", "-config", cfgPath, "-into", into)
	if err != nil {
		return check, fmt.Errorf("%s: rebuild the read model: %w", org.MSPID, err)
	}
	var res struct {
		Checkpoint struct {
			Block uint64 `json:"block"`
		} `json:"checkpoint"`
	}
	json.Unmarshal(out, &res)
	check.Checkpoint = res.Checkpoint.Block
	rebuilt, err := run(ctx, bin, "dump", "-data", into)
	if err != nil {
		return check, fmt.Errorf("%s: dump the rebuilt read model: %w", org.MSPID, err)
	}
	check.Keys, check.Difference, err = CompareDumps(live, rebuilt)
	c.log("read model of %s: %d keys at block %d compared with its rebuild: %s", org.MSPID, check.Keys, check.Checkpoint,
		map[bool]string{true: "equal", false: check.Difference}[check.Difference == ""])
	return check, err
}

// run runs a command and returns its standard output.
func run(ctx context.Context, bin string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, clip(strings.TrimSpace(stderr.String()), 600))
	}
	return stdout.Bytes(), nil
}

// dumpLine is a line of `gateway-app dump` (store.DumpLine).
type dumpLine struct {
	Bucket string          `json:"bucket"`
	Key    string          `json:"key"`
	Value  json.RawMessage `json:"value"`
}

// CompareDumps compares two read model dumps (`gateway-app dump`, one JSON
// line a key): keys is the number of keys of the live one, difference the
// first difference in (bucket, key) order, naming the bucket and the key,
// or "" when they hold the same keys with the same values.
func CompareDumps(live, rebuilt []byte) (keys int, difference string, err error) {
	a, err := parseDump(live)
	if err != nil {
		return 0, "", fmt.Errorf("the live dump: %w", err)
	}
	b, err := parseDump(rebuilt)
	if err != nil {
		return len(a), "", fmt.Errorf("the rebuilt dump: %w", err)
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].less(b[j]):
			return len(a), fmt.Sprintf("bucket %s key %s: only in the live read model (%s)", a[i].Bucket, a[i].Key, clip(string(a[i].Value), 200)), nil
		case i == len(a) || b[j].less(a[i]):
			return len(a), fmt.Sprintf("bucket %s key %s: only in the rebuild (%s)", b[j].Bucket, b[j].Key, clip(string(b[j].Value), 200)), nil
		case !bytes.Equal(a[i].Value, b[j].Value):
			return len(a), fmt.Sprintf("bucket %s key %s: live %s, rebuilt %s", a[i].Bucket, a[i].Key, clip(string(a[i].Value), 200), clip(string(b[j].Value), 200)), nil
		}
		i, j = i+1, j+1
	}
	return len(a), "", nil
}

func (l dumpLine) less(o dumpLine) bool {
	if l.Bucket != o.Bucket {
		return l.Bucket < o.Bucket
	}
	return l.Key < o.Key
}

func parseDump(raw []byte) ([]dumpLine, error) {
	var out []dumpLine
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l dumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if l.Bucket == "" {
			return nil, fmt.Errorf("line %d: no bucket", n)
		}
		l.Value = bytes.TrimSpace(l.Value)
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out, sc.Err()
}

// waitListenerSettled waits (at most a minute) until a gateway's listener
// checkpoint has stopped moving: with the load ended it has applied the
// chain's last events.
func (c *Campaign) waitListenerSettled(ctx context.Context, msp string) {
	var last uint64
	still := 0
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && still < 3; {
		var ready struct {
			Events struct {
				Checkpoint struct {
					Block  uint64 `json:"block"`
					Events uint64 `json:"events"`
				} `json:"checkpoint"`
			} `json:"events"`
		}
		if err := c.get(ctx, msp, "/readyz", &ready); err == nil {
			if n := ready.Events.Checkpoint.Events; n == last && n > 0 {
				still++
			} else {
				last, still = n, 0
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// stopGateway stops a bank's gateway app gracefully (SIGTERM, by its PID
// file) and waits until it has exited and closed its database.
func (c *Campaign) stopGateway(org consortium.Org) error {
	name := "gateway-" + org.MSPID
	pid, err := c.pid(name)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return nil // not running: nothing holds its database
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if !alive(pid) {
			return nil
		}
	}
	return fmt.Errorf("%s (%d) still running a minute after SIGTERM", name, pid)
}

// alive reports whether a process runs (a zombie, exited but not yet
// reaped, does not).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: the state follows the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
