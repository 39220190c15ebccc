package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The demo is a list of steps run in order. Each prints its name when it
// starts (so progress shows while a long step runs) and one or more
// indented lines of what it did. The first failure stops the demo with
// the step's name, the error (the gateway's problem+json in full) and the
// log file to read next.

// step is one stage of the deal's life.
type step struct {
	name string
	run  func(*demo) error
}

// console prints the demo's progress.
type console struct {
	w     io.Writer
	start time.Time
	mu    sync.Mutex
}

func newConsole(w io.Writer) *console { return &console{w: w, start: time.Now()} }

func (c *console) elapsed() time.Duration { return time.Since(c.start) }

// header announces a step.
func (c *console) header(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "\n[%6.1fs] ▸ %s\n", c.elapsed().Seconds(), name)
}

// say prints one indented line of a step's result.
func (c *console) say(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "           "+format+"\n", args...)
}

// lines prints lines as they are (already laid out).
func (c *console) lines(ls []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range ls {
		fmt.Fprintln(c.w, l)
	}
}

// stepError is a failed step.
type stepError struct {
	step    string
	elapsed time.Duration
	err     error
}

func (e *stepError) Error() string { return fmt.Sprintf("step %q: %v", e.step, e.err) }
func (e *stepError) Unwrap() error { return e.err }

// runSteps runs the steps in order and stops at the first failure.
func (d *demo) runSteps(steps []step) error {
	for _, s := range steps {
		if err := d.ctx.Err(); err != nil {
			return &stepError{step: s.name, elapsed: d.out.elapsed(), err: err}
		}
		d.out.header(s.name)
		if err := s.run(d); err != nil {
			return &stepError{step: s.name, elapsed: d.out.elapsed(), err: err}
		}
	}
	return nil
}

// report writes a failure so that a person knows where to look: the
// step, the request and the gateway's problem (all of it), and the log
// of the gateway app that answered (or of every app, when the failure
// came from elsewhere).
func report(w io.Writer, err error, logs []string) {
	var se *stepError
	name, elapsed := "setup", time.Duration(0)
	if errors.As(err, &se) {
		name, elapsed, err = se.step, se.elapsed, se.err
	}
	fmt.Fprintf(w, "\n✗ FAILED at step %q after %.1fs\n", name, elapsed.Seconds())
	var ce *callError
	if !errors.As(err, &ce) {
		fmt.Fprintf(w, "  %v\n", err)
		if len(logs) > 0 {
			fmt.Fprintf(w, "  logs: %s\n", strings.Join(relativeAll(logs), ", "))
		}
		return
	}
	fmt.Fprintf(w, "  %s %s as API user %q of %s\n", ce.method, ce.url, ce.user, ce.bank)
	switch {
	case ce.transportErr != nil:
		fmt.Fprintf(w, "  → no answer: %v (is the gateway app running? test-network/network.sh status)\n", ce.transportErr)
	case ce.problem != nil:
		fmt.Fprintf(w, "  → %s\n", ce.problem.summary())
		for _, e := range ce.problem.Errors {
			fmt.Fprintf(w, "    row %d loan %s field %s rule %s: %s\n", e.Row, e.AssetNumber, e.Field, e.Rule, e.Detail)
		}
		var pretty map[string]any
		if json.Unmarshal(ce.body, &pretty) == nil {
			b, _ := json.MarshalIndent(pretty, "    ", "  ")
			fmt.Fprintf(w, "  problem+json:\n    %s\n", b)
		}
	default:
		fmt.Fprintf(w, "  → HTTP %d: %s\n", ce.status, clip(string(ce.body), 500))
	}
	fmt.Fprintf(w, "  log: %s\n", relative(ce.log))
}

// relative shortens a path to the working directory when it is under it.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

func relativeAll(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = relative(p)
	}
	return out
}

// parallel runs the functions at once and returns the first error (in
// argument order, so that the error shown does not depend on timing).
// Use it only for writes that touch different keys: the ledger would
// refuse concurrent writes to one key with an MVCC conflict.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
