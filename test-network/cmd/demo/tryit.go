package main

import (
	"fmt"
	"slices"
)

// tryIt prints where the apps are and a ready-made token per role at
// each bank (to sign in to the bank's web console or to send as a bearer
// token), with curl lines to start from.
func (d *demo) tryIt() error {
	for _, g := range d.banks {
		d.out.say("%s  %s   API docs %s/docs   OpenAPI %s/openapi.json", g.MSP, g.URL, g.URL, g.URL)
		d.out.say("         web console %s/  (sign in with a token of the role below)", g.URL)
		t := &table{}
		var seen []string
		for _, u := range g.Users {
			for _, r := range u.Roles {
				if slices.Contains(seen, r) {
					continue
				}
				seen = append(seen, r)
				note := ""
				if r == "investor" {
					note = fmt.Sprintf("(user %s; %d investor users in all)", u.User, len(g.usersWith("investor")))
				} else if u.User != r {
					note = "(user " + u.User + ")"
				}
				t.add(r, u.Token, note)
			}
		}
		d.out.lines(t.lines("             "))
	}
	tok := func(a *actor) string {
		u, _ := a.gw.user(a.user)
		return u.Token
	}
	deal := "/v1/deals/" + d.dealID
	a, b := d.investors[alice], d.investors[bob]
	d.out.say("for example:")
	for _, c := range []struct {
		a    *actor
		path string
	}{
		{d.trustee, fmt.Sprintf("%s/periods/%d/certification", deal, d.last.Period)},
		{d.auditor, fmt.Sprintf("%s/periods/%d/proof-of-reserve", deal, d.last.Period)},
		{a, "/v1/investors/" + a.key + "/statement"},
		{b, "/v1/tranches/" + trancheID(d.dealID, d.tryClass()) + "/holders/" + b.key},
	} {
		d.out.say("  curl -s -H 'Authorization: Bearer %s' %s%s", tok(c.a), c.a.gw.URL, c.path)
	}
	d.out.say("every bank's users and tokens: %s", relative(tokensFile(d.runDir, "<MSP>")))
	return nil
}

// tryClass is the class whose holding the example reads: the auto deal's
// floating A-2, or another class deal's senior A.
func (d *demo) tryClass() string {
	if d.assetClass == classAuto {
		return "A-2"
	}
	return "A"
}
