package main

import (
	"fmt"
	"slices"
	"strings"
)

// grantRoles has each bank's admin grant its API users their roles on
// chain: the gateway checks a user's role locally, the chaincode checks
// the on-chain grant. Grants already on the ledger (an earlier run) are
// left alone.
func (d *demo) grantRoles() error {
	type grant struct {
		a    *actor
		role string
	}
	var todo []grant
	held := 0
	for _, a := range d.everyone {
		var have struct {
			Roles []string `json:"roles"`
		}
		err := d.admins[a.gw.MSP].get(d.ctx, "/v1/identities/"+a.key+"/roles", &have)
		if err != nil && !isNotFound(err) {
			return err
		}
		for _, r := range a.roles {
			if slices.Contains(have.Roles, r) {
				held++
			} else {
				todo = append(todo, grant{a, r})
			}
		}
	}
	txs := make([]string, len(todo))
	fns := make([]func() error, len(todo))
	for i, g := range todo {
		fns[i] = func() error {
			tx, err := d.admins[g.a.gw.MSP].put(d.ctx, "/v1/identities/"+g.a.key+"/roles/"+g.role, nil, nil)
			if hasCode(err, "ALREADY_EXISTS") {
				return nil // granted meanwhile: the state we want
			}
			txs[i] = tx
			return err
		}
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	perBank := map[string]int{}
	for _, g := range todo {
		perBank[g.a.gw.MSP]++
	}
	var parts []string
	for _, g := range d.banks {
		parts = append(parts, fmt.Sprintf("%s %d", g.MSP, perBank[g.MSP]))
	}
	d.out.say("%d grants submitted (%s), %d already on the ledger · %s", len(todo), strings.Join(parts, ", "), held, txList(compact(txs)))
	return nil
}
