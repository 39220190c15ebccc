package chaos

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/test-network/clientlog"
)

// DemoRun is one run of the load.
type DemoRun struct {
	Start, End time.Time
	OK         bool
	// Failure is the demo's failure line when it met a final error.
	Failure string
}

// How the load behaves as a client: a write is retried while its answer is
// retryable for up to retryFor (longer than any fault lasts), and a demo
// run is given up after runTimeout.
const (
	retryFor   = 4 * time.Minute
	runTimeout = 20 * time.Minute
	// quickFailure: a run that fails sooner is followed by this pause.
	quickFailure = 15 * time.Second
)

// load runs the demo again and again until faultsDone is closed, then lets
// the run in progress finish.
func (c *Campaign) load(ctx context.Context, faultsDone <-chan struct{}) {
	for i := 1; ; i++ {
		select {
		case <-faultsDone:
			return
		default:
		}
		run := DemoRun{Start: time.Now()}
		c.log("load: demo run %d starts", i)
		out, err := c.demo(ctx)
		run.End, run.OK = time.Now(), err == nil
		if err != nil {
			run.Failure = failureLine(out, err)
			c.log("load: demo run %d ended with a final error after %s: %s", i, run.End.Sub(run.Start).Round(time.Second), run.Failure)
		} else {
			c.log("load: demo run %d completed in %s", i, run.End.Sub(run.Start).Round(time.Second))
		}
		c.mu.Lock()
		c.demoRuns = append(c.demoRuns, run)
		c.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		if !run.OK && run.End.Sub(run.Start) < quickFailure {
			// It could not even start (a gateway or the chaincode is
			// down): wait rather than spin.
			select {
			case <-ctx.Done():
				return
			case <-faultsDone:
				return
			case <-time.After(quickFailure):
			}
		}
	}
}

func (c *Campaign) demo(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, c.demoBin, "-run", c.cfg.Run, "-retry-for", retryFor.String(),
		"-client-log", c.clientLog, "-timeout", runTimeout.String())
	cmd.Env = append(os.Environ(), "TRANCHENET_RUN="+c.cfg.Run)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// failureLine is the first line of the demo's failure report ("✗ ..."), or
// the process error.
func failureLine(out string, err error) string {
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "✗") {
			// The step, then the first line of the cause.
			for _, next := range lines[i+1:] {
				if n := strings.TrimSpace(next); n != "" {
					return clip(t+" — "+n, 400)
				}
			}
			return clip(t, 400)
		}
	}
	return err.Error()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// LogEntry is one line of the demo's client log.
type LogEntry = clientlog.Entry

// readClientLogs reads the demo's, the heartbeat's and the faults' client logs, in
// the order of their answers.
func (c *Campaign) readClientLogs() ([]LogEntry, error) {
	var all []LogEntry
	for _, path := range []string{c.clientLog, c.heartbeatLog, c.faultLog} {
		entries, err := clientlog.Read(path)
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	return all, nil
}

// firstAcceptedAfter is the time of the first 2xx answer logged after t.
func (c *Campaign) firstAcceptedAfter(t time.Time) (time.Time, bool) {
	entries, err := c.readClientLogs()
	if err != nil {
		return time.Time{}, false
	}
	for _, e := range entries {
		if e.Accepted() && e.Time.After(t) {
			return e.Time, true
		}
	}
	return time.Time{}, false
}
