package consortium

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// Candidate returns the candidate bank with the given name or MSP ID.
func (c *Consortium) Candidate(name string) (Org, bool) {
	for _, o := range c.Candidates {
		if o.Name == name || o.MSPID == name {
			return o, true
		}
	}
	return Org{}, false
}

// Admit returns the consortium as it is once the candidate bank name (its
// name or MSP ID) has joined the channel: the bank moves from Candidates to
// the end of Orgs, so every rendering made from the result (channel
// config, collections, the chaincode's consortium config, gateway
// configs) includes it and the members keep their order. c is unchanged.
func (c *Consortium) Admit(name string) (*Consortium, error) {
	for _, o := range c.Orgs {
		if o.Name == name || o.MSPID == name {
			return nil, fmt.Errorf("%s is already a member of channel %s", name, c.Channel)
		}
	}
	joining, ok := c.Candidate(name)
	if !ok {
		var known []string
		for _, o := range c.Candidates {
			known = append(known, o.Name)
		}
		return nil, fmt.Errorf("no candidate bank %q in the consortium file (candidates: %v)", name, known)
	}
	next := *c
	next.Orgs = append(slices.Clone(c.Orgs), joining)
	next.Candidates = slices.DeleteFunc(slices.Clone(c.Candidates), func(o Org) bool { return o.Name == joining.Name })
	if err := next.Validate(); err != nil {
		return nil, fmt.Errorf("admitting %s: %w", name, err)
	}
	return &next, nil
}

// YAML renders the consortium in the format Parse reads (the run folder
// keeps the consortium a network runs after add-org in this form).
func (c *Consortium) YAML() ([]byte, error) {
	b, err := yaml.Marshal(c)
	if err != nil {
		return nil, err
	}
	header := []byte("# The consortium this network runs: written by `network.sh add-org` from the\n# consortium file with the admitted candidates moved into orgs. Do not edit.\n")
	return append(header, b...), nil
}
