package main

import (
	"os"

	"github.com/tranchenet/tranchenet/collections"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// admitCmd writes to out the consortium with candidate bank name moved
// into the channel's orgs: what network.sh add-org renders the new bank's
// channel group, collections and chaincode config from, and what the run
// folder keeps once the bank has joined.
func admitCmd(c *consortium.Consortium, name, out string) error {
	next, err := c.Admit(name)
	if err != nil {
		return err
	}
	b, err := next.YAML()
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// collectionsJSON is the collection config of the consortium (the same
// generator as collections/cmd/collgen): deploy and add-org pass it to
// approveformyorg, so a network with more banks gets their registries.
func collectionsJSON(c *consortium.Consortium) ([]byte, error) {
	cs, err := collections.Generate(c)
	if err != nil {
		return nil, err
	}
	return collections.JSON(cs)
}
