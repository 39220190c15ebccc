package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/nodes"
)

// heightsCmd prints every orderer's and peer's block height and every
// orderer's Raft role. Without -wait it reads twice a second apart and flags
// a node that did not reach, in that second, the height another node had at
// the first reading (a node only committing the newest block is not
// flagged); it fails when a node lags or there is not exactly one leader.
// With -wait D it waits up to D until every node is at one height under one
// leader, and fails naming the laggards (network.sh up).
func heightsCmd(c *consortium.Consortium, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("heights", flag.ContinueOnError)
	wait := fs.Duration("wait", 0, "wait up to this long until every node is at the same height")
	quiet := fs.Bool("q", false, "print nothing when every node is in step")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: heights [-wait D] [-q] RUNDIR")
	}
	r := nodes.NewReader(c, fs.Arg(0))
	ctx := context.Background()
	if *wait > 0 {
		got, err := nodes.Wait(ctx, r, *wait)
		if err != nil {
			nodes.Print(w, got, nodes.Lagging(got, nodes.Top(got)))
			return err
		}
		if !*quiet {
			nodes.Print(w, got, nil)
		}
		return nil
	}
	first := r.Read(ctx)
	time.Sleep(time.Second)
	second := r.Read(ctx)
	target := nodes.Top(first)
	problems := nodes.Problems(second, target)
	if len(problems) == 0 && *quiet {
		return nil
	}
	nodes.Print(w, second, nodes.Lagging(second, target))
	for _, p := range problems {
		fmt.Fprintln(w, "  ✗", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) with the channel's nodes", len(problems))
	}
	return nil
}
