package nodes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Top is the highest height any node reports.
func Top(nodes []Node) uint64 {
	var top uint64
	for _, n := range nodes {
		if n.Err == nil && n.Height > top {
			top = n.Height
		}
	}
	return top
}

// Problems lists what is wrong with the network as nodes show it: a node
// that cannot be read, no Raft leader or more than one, an orderer with no
// Raft chain, and every node below target. Reading twice a moment apart and
// passing the first reading's Top as target tells a node that is merely
// committing the latest block (it reaches target) from one that lags (it
// does not); Wait passes the current Top, which asks for equal heights.
func Problems(nodes []Node, target uint64) []string {
	var out []string
	leaders, orderers := 0, 0
	for _, n := range nodes {
		switch {
		case n.Err != nil:
			out = append(out, fmt.Sprintf("%s: %v", n.Name, n.Err))
			continue
		case n.Kind == Orderer:
			orderers++
			if n.Role == Leader {
				leaders++
			}
			if n.Role == NoRole {
				out = append(out, fmt.Sprintf("%s runs no Raft chain for the channel (relation %s, status %s)", n.Name, n.Relation, n.Status))
			}
		}
		if n.Height < target {
			out = append(out, fmt.Sprintf("%s lags: height %d, %d block(s) behind %d", n.Name, n.Height, target-n.Height, target))
		}
	}
	if orderers > 0 && leaders != 1 {
		out = append(out, fmt.Sprintf("%d Raft leader(s) among %d orderer(s), want 1", leaders, orderers))
	}
	return out
}

// Lagging names the nodes among after that are below target.
func Lagging(after []Node, target uint64) map[string]bool {
	out := map[string]bool{}
	for _, n := range after {
		if n.Err != nil || n.Height < target || (n.Kind == Orderer && n.Role == NoRole) {
			out[n.Name] = true
		}
	}
	return out
}

// ErrNotInStep is returned by Wait when the deadline passes first.
var ErrNotInStep = errors.New("nodes not in step")

// Wait reads the nodes until every one answers, exactly one orderer is Raft
// leader and every node is at the same height, or until timeout; then it
// returns the last reading, and on timeout an error naming every problem
// (the laggards with their heights).
func Wait(ctx context.Context, r *Reader, timeout time.Duration) ([]Node, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		nodes := r.Read(ctx)
		problems := Problems(nodes, Top(nodes))
		if len(problems) == 0 {
			return nodes, nil
		}
		select {
		case <-ctx.Done():
			return nodes, fmt.Errorf("%w after %s: %s", ErrNotInStep, timeout, strings.Join(problems, "; "))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Print writes one line per node: name, kind, height, role, and a flag
// when lagging names it.
func Print(w io.Writer, nodes []Node, lagging map[string]bool) {
	fmt.Fprintf(w, "%-28s %-8s %8s  %-9s %s\n", "NODE", "KIND", "HEIGHT", "RAFT", "")
	for _, n := range nodes {
		if n.Err != nil {
			fmt.Fprintf(w, "%-28s %-8s %8s  %-9s UNREADABLE: %v\n", n.Name, n.Kind, "-", "-", n.Err)
			continue
		}
		role := ""
		if n.Kind == Orderer {
			role = string(n.Role)
		}
		flag := ""
		if lagging[n.Name] {
			flag = "LAGGING"
		}
		fmt.Fprintf(w, "%-28s %-8s %8d  %-9s %s\n", n.Name, n.Kind, n.Height, role, flag)
	}
}
