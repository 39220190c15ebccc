package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// demo carries the deal's life from step to step: the banks and the
// people acting in them, the run's IDs, the files, and what each step
// learnt that a later one needs.
type demo struct {
	ctx           context.Context
	out           *console
	runDir        string
	cleanUpFactor decimal.Decimal
	liquidation   bool   // -liquidation: a default and an auction after the year
	assetClass    string // -asset-class: auto (the whole life) or another class's deal
	classPool     *classPool
	cards         *cardTrust

	// The banks and who acts in them.
	banks                                   []*gateway
	trusteeBank, servicerBank, investorBank *gateway
	arranger, trustee, settlementAgent      *actor
	svcr                                    *actor            // the servicer
	admins, compliance                      map[string]*actor // by MSP
	auditor                                 *actor            // an investor bank's auditor: reads what every member may
	investors                               map[holder]*actor
	everyone                                []*actor // every API user but the admins
	custodians                              []string

	// This run's deal.
	runNumber      int
	poolID, dealID string
	filesDir       string
	files          poolFiles
	poolBalance    money.Amount
	faces          map[string]money.Amount // by class

	// What the periods did.
	totals   map[string]*classTotals // by class
	feesPaid map[string]money.Amount // by fee
	claimed  map[holder]money.Amount
	// cashAtRegistration is each claimant's cash when the deal was
	// registered with the trustee's scheduler (scheduled.go).
	cashAtRegistration map[holder]money.Amount
	breaches           []int // periods in which a trigger was breached
	last               waterfall.Result
	cleanedUp          bool
	// salePrice is what the liquidation auction sold the pool for.
	salePrice money.Amount
}

// classTotals add up what a class was paid over the periods.
type classTotals struct {
	interest, principal, residual money.Amount
	balance                       money.Amount
	factor                        decimal.Decimal
}

// actor is an API user of a bank acting in the story.
type actor struct {
	gw    *gateway
	user  string
	name  string   // the story's name for an investor; the API user otherwise
	key   string   // identity key MSP/id, as the chaincode names holders
	roles []string // as tokens.json lists them
}

func (a *actor) String() string { return a.name + "@" + a.gw.MSP }

// account names the API user behind an actor: investor1@Org2MSP.
func (a *actor) account() string { return a.user + "@" + a.gw.MSP }

// get, write and refused act as this actor.
func (a *actor) get(ctx context.Context, path string, out any) error {
	return a.gw.get(ctx, path, a.user, out)
}

func (a *actor) post(ctx context.Context, path string, in, out any) (string, error) {
	return a.gw.write(ctx, http.MethodPost, path, a.user, in, out)
}

func (a *actor) put(ctx context.Context, path string, in, out any) (string, error) {
	return a.gw.write(ctx, http.MethodPut, path, a.user, in, out)
}

// connect finds the banks' gateway apps and their API users, checks that
// each answers, learns every user's identity key, casts the story's
// parts, reads the consortium and picks this run's number.
func (d *demo) connect() error {
	cfgs, err := loadBanks(d.runDir)
	if err != nil {
		return err
	}
	parts, err := assignParts(cfgs)
	if err != nil {
		return err
	}
	keys, causal := &idempotencyKeys{prefix: randomHex(6)}, newCausality()
	byMSP := map[string]*gateway{}
	for _, c := range cfgs {
		g := newGateway(c, keys, causal)
		d.banks = append(d.banks, g)
		byMSP[c.MSP] = g
	}
	d.trusteeBank, d.servicerBank, d.investorBank = byMSP[parts.trustee.MSP], byMSP[parts.servicer.MSP], byMSP[parts.investor.MSP]
	heights, err := d.identify()
	if err != nil {
		return err
	}
	d.cast()
	if err := d.readConsortium(); err != nil {
		return err
	}
	for i, g := range d.banks {
		part := map[*gateway]string{d.trusteeBank: "trustee bank", d.servicerBank: "originator and servicer", d.investorBank: "investor bank"}[g]
		d.out.say("%s  %-8s %-24s chain height %d · users: %s", g.URL, g.MSP, part, heights[i], userList(g.actors))
	}
	n, err := nextRun(func(n int) (bool, error) {
		err := d.auditor.get(d.ctx, "/v1/pools/"+poolIDFor(n), nil)
		if isNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	d.runNumber, d.poolID, d.dealID = n, poolIDFor(n), dealIDFor(n)
	if d.assetClass != classAuto {
		d.dealID = fmt.Sprintf("%s-DEMO-%d", strings.ToUpper(d.assetClass), n)
	}
	d.out.say("this is run %d: pool %s, deal %s (earlier runs' deals stay on the ledger)", n, d.poolID, d.dealID)
	d.out.say("cast: alice, anna at %s · bob, carol, dave at %s · arranger, trustee, settlement agent at %s · servicer at %s",
		d.servicerBank.MSP, d.investorBank.MSP, d.trusteeBank.MSP, d.servicerBank.MSP)
	return nil
}

// identify checks that every app is ready and learns each API user's
// identity key (GET /v1/whoami: computed by the gateway from the user's
// certificate, as the chaincode computes it). It returns each bank's
// chain height.
func (d *demo) identify() ([]uint64, error) {
	heights := make([]uint64, len(d.banks))
	var fns []func() error
	for i, g := range d.banks {
		fns = append(fns, func() error {
			var ready struct {
				Height uint64 `json:"height"`
			}
			if err := g.get(d.ctx, "/readyz", "", &ready); err != nil {
				return err
			}
			heights[i] = ready.Height
			for _, u := range g.Users {
				var who struct {
					Identity struct {
						Key string `json:"key"`
					} `json:"identity"`
				}
				if err := g.get(d.ctx, "/v1/whoami", u.User, &who); err != nil {
					return err
				}
				g.actors = append(g.actors, &actor{gw: g, user: u.User, name: u.User, key: who.Identity.Key, roles: u.Roles})
			}
			return nil
		})
	}
	return heights, parallel(fns...)
}

// cast gives the story's parts to the banks' API users: the first user
// with each role.
// assignParts has checked that every part has a user.
func (d *demo) cast() {
	d.admins, d.compliance, d.investors = map[string]*actor{}, map[string]*actor{}, map[holder]*actor{}
	for _, g := range d.banks {
		d.admins[g.MSP], d.compliance[g.MSP] = g.actorWith("admin"), g.actorWith("compliance")
		for _, a := range g.actors {
			if !slices.Contains(a.roles, "admin") {
				d.everyone = append(d.everyone, a)
			}
		}
	}
	d.arranger, d.trustee, d.settlementAgent = d.trusteeBank.actorWith("arranger"), d.trusteeBank.actorWith("trustee"), d.trusteeBank.actorWith("settlement")
	d.svcr = d.servicerBank.actorWith("servicer")
	if d.auditor = d.investorBank.actorWith("auditor"); d.auditor == nil {
		d.auditor = d.compliance[d.investorBank.MSP]
	}
	// The investors are onboarded at their banks' CAs when the story
	// reaches them (onboardInvestors), not taken from the configured users.
}

// readConsortium reads the consortium configuration in force: the
// custodian banks, whose clients the tranches admit.
func (d *demo) readConsortium() error {
	var consortium struct {
		Orgs []struct {
			MSP       string `json:"msp"`
			Custodian bool   `json:"custodian"`
		} `json:"orgs"`
	}
	if err := d.auditor.get(d.ctx, "/v1/consortium", &consortium); err != nil {
		return err
	}
	for _, o := range consortium.Orgs {
		if o.Custodian {
			d.custodians = append(d.custodians, o.MSP)
		}
	}
	if len(d.custodians) == 0 {
		return fmt.Errorf("the consortium configuration names no custodian bank")
	}
	return nil
}

// actorWith is the bank's first API user holding role, or nil.
func (g *gateway) actorWith(role string) *actor {
	if as := g.actorsWith(role); len(as) > 0 {
		return as[0]
	}
	return nil
}

// actorsWith are the bank's API users holding role, in tokens.json order.
func (g *gateway) actorsWith(role string) []*actor {
	var out []*actor
	for _, a := range g.actors {
		if slices.Contains(a.roles, role) {
			out = append(out, a)
		}
	}
	return out
}

func userList(as []*actor) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.user
	}
	return strings.Join(names, " ")
}

func poolIDFor(n int) string { return fmt.Sprintf("POOL-DEMO-%d", n) }
func dealIDFor(n int) string { return fmt.Sprintf("AUTO-DEMO-%d", n) }

// nextRun returns the first run number whose pool does not exist yet.
// Runs take numbers in order, so the numbers in use are 1..k: it doubles
// until it finds a free number, then bisects, asking the ledger about
// O(log k) pools.
func nextRun(taken func(n int) (bool, error)) (int, error) {
	lo, hi := 0, 1 // lo is taken (or 0), hi is the candidate
	for {
		t, err := taken(hi)
		if err != nil {
			return 0, err
		}
		if !t {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 { // lo taken, hi free
		mid := (lo + hi) / 2
		t, err := taken(mid)
		if err != nil {
			return 0, err
		}
		if t {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// compact drops empty strings.
func compact(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
