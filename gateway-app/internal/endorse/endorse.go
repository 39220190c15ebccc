// Package endorse tells the gateway whose peers to ask for each chaincode
// function: the endorsers of a submitted transaction, so that the
// chaincode, collection and key-level policies are met and every endorser
// holds what the transaction reads, and the peer that answers a query.
//
// The table is the contracts' own, schema.Endorsement (pure schema, which
// the gateway may import); the organisations come from the consortium
// configuration on the ledger (Admin:Config), which the Resolver reads
// once and keeps until the configuration changes.
package endorse

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Kind returns the endorsement kind of a function ("Contract:Function").
func Kind(fn string) (schema.Endorsers, bool) {
	k, ok := schema.Endorsement[fn]
	return k, ok
}

// Functions lists every function of the table, sorted.
func Functions() []string { return slices.Sorted(maps.Keys(schema.Endorsement)) }

// IsQuery reports whether a kind is evaluated rather than submitted.
func IsQuery(k schema.Endorsers) bool { return k == schema.Query || k == schema.QueryOnTrustee }

// Resolver resolves functions to MSP IDs with the consortium configuration
// in force.
type Resolver struct {
	load func(ctx context.Context) (roles.OrgConfig, error)

	mu  sync.Mutex
	cfg *roles.OrgConfig
}

// NewResolver returns a resolver that reads the configuration with load
// (typically an evaluation of Admin:Config) when it first needs it.
func NewResolver(load func(ctx context.Context) (roles.OrgConfig, error)) *Resolver {
	return &Resolver{load: load}
}

// Config returns the consortium configuration, reading it on first use.
func (r *Resolver) Config(ctx context.Context) (roles.OrgConfig, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cfg != nil {
		return *r.cfg, nil
	}
	cfg, err := r.load(ctx)
	if err != nil {
		return roles.OrgConfig{}, err
	}
	r.cfg = &cfg
	return cfg, nil
}

// Invalidate forgets the configuration: the next resolution reads it
// again. The app calls it when the ledger applies a new configuration.
func (r *Resolver) Invalidate() {
	r.mu.Lock()
	r.cfg = nil
	r.mu.Unlock()
}

// Resolve names the organisations whose peers endorse fn when an identity
// of callerMSP submits it (or answer it, for a query). party is the other
// organisation some kinds need: the pool's servicer for
// trustee+servicer, the holder's custodian for trustee+custodian.
func (r *Resolver) Resolve(ctx context.Context, fn, callerMSP, party string) ([]string, error) {
	kind, ok := Kind(fn)
	if !ok {
		return nil, fmt.Errorf("endorse: %s is not in the endorsement table (schema.Endorsement)", fn)
	}
	if kind == schema.Query || kind == schema.ByOwnOrg {
		// The caller's own peer: no configuration needed.
		return []string{callerMSP}, nil
	}
	cfg, err := r.Config(ctx)
	if err != nil {
		return nil, err
	}
	return kind.Resolve(cfg, callerMSP, party)
}
