// Command collgen writes the private data collection config of a consortium.
//
//	go run ./collections/cmd/collgen -consortium network/consortium.yaml -o collections/test-network.json
//
// It imports collections and the consortium description only.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tranchenet/tranchenet/collections"
	"github.com/tranchenet/tranchenet/network/consortium"
)

func main() {
	in := flag.String("consortium", "network/consortium.yaml", "consortium description")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "collgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	c, err := consortium.Load(in)
	if err != nil {
		return err
	}
	cs, err := collections.Generate(c)
	if err != nil {
		return err
	}
	b, err := collections.JSON(cs)
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
