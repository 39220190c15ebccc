package main

import (
	"fmt"
	"net/http"
	"time"
)

// investorProfile is what a bank's compliance officer attests about one
// of its clients, and the dossier it keeps to itself.
type investorProfile struct {
	holder         holder
	servicerClient bool // a client of the servicer bank; else of the investor bank
	legalName      string
	lei            string
	jurisdiction   string
	kycLapsed      bool // KYC expired ten days ago
}

var profiles = []investorProfile{
	{holder: alice, servicerClient: true, legalName: "Alice Capital Management LLC", lei: "5493001KJTIIGC8Y1R12", jurisdiction: "US-NY"},
	{holder: anna, servicerClient: true, legalName: "Anna Auto Funding LLC (sponsor affiliate)", lei: "5493006MHB84DD0ZWV18", jurisdiction: "US-CA"},
	{holder: bob, legalName: "Bob Insurance Company", lei: "549300B3F2R1XPR5KH44", jurisdiction: "US-IL"},
	{holder: carol, legalName: "Carol Pension Fund", lei: "549300EX04Q2QBFQTQ27", jurisdiction: blockedJurisdiction},
	{holder: dave, legalName: "Dave Asset Management LP", lei: "549300HX3DJC74TG4332", jurisdiction: "US-NJ", kycLapsed: true},
}

// onboardInvestors: each investor's bank's compliance officer onboards it
// through its gateway (POST /v1/identities): the gateway registers it at
// the bank's Fabric CA with the certificate attribute
// tranchenet.role=investor, enrolls it with a key made in its wallet and
// answers with a new API user and its token. The investor then acts as
// itself, holding the investor role by its certificate (no grant). Names
// are fresh per run: a CA registers a name once.
func (d *demo) onboardInvestors() error {
	suffix := fmt.Sprintf("run%d.%s", d.runNumber, randomHex(2))
	got := make([]onboardedIdentity, len(profiles))
	fns := make([]func() error, len(profiles))
	bankOf := func(p investorProfile) *gateway {
		if p.servicerClient {
			return d.servicerBank
		}
		return d.investorBank
	}
	for i, p := range profiles {
		fns[i] = func() error {
			body := map[string]string{"name": string(p.holder) + "." + suffix, "role": "investor"}
			_, err := d.compliance[bankOf(p).MSP].post(d.ctx, "/v1/identities", body, &got[i])
			return err
		}
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	t := &table{}
	for i, p := range profiles {
		g, o := bankOf(p), got[i]
		if o.User == "" || o.Token == "" || o.IdentityKey == "" {
			return fmt.Errorf("POST /v1/identities at %s for %s answered no user, token or identity key", g.MSP, p.holder)
		}
		g.Users = append(g.Users, apiToken{User: o.User, Roles: []string{"investor"}, Identity: o.User, Token: o.Token})
		a := &actor{gw: g, user: o.User, name: string(p.holder), key: o.IdentityKey, roles: []string{"investor"}}
		g.actors = append(g.actors, a)
		d.investors[p.holder] = a
		t.add(string(p.holder), a.account(), "by "+d.compliance[g.MSP].String(), "cert serial "+shortTx(o.Serial))
	}
	d.out.lines(t.lines("           "))
	return nil
}

// onboardedIdentity is what POST /v1/identities answers: the identity,
// its new API user and that user's token, shown this once.
type onboardedIdentity struct {
	IdentityKey string `json:"identityKey"`
	User        string `json:"user"`
	Token       string `json:"token"`
	Serial      string `json:"serial"`
}

// attestInvestors: each bank's compliance officer attests its own
// clients. The claims go to the compliance collection every bank reads
// (the transfer rules run on them), the dossier to the bank's own
// implicit collection with only its hash public. An officer of one bank
// cannot attest another bank's client.
func (d *demo) attestInvestors() error {
	if err := d.onboardInvestors(); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	txs := make([]string, len(profiles))
	fns := make([]func() error, len(profiles))
	for i, p := range profiles {
		inv := d.investors[p.holder]
		kyc := now.AddDate(1, 0, 0)
		if p.kycLapsed {
			kyc = now.AddDate(0, 0, -10)
		}
		body := map[string]any{
			"claims": map[string]any{"investorType": "qib", "jurisdiction": p.jurisdiction, "kycExpiry": kyc,
				"accreditationExpiry": now.AddDate(2, 0, 0)},
			"dossier": map[string]string{"legalName": p.legalName, "lei": p.lei, "onboardedBy": inv.gw.MSP},
		}
		fns[i] = func() error {
			var c committed
			_, err := d.compliance[inv.gw.MSP].put(d.ctx, "/v1/investors/"+inv.key+"/attestation", body, &c)
			txs[i] = c.TxID
			return err
		}
	}
	if err := parallel(fns...); err != nil {
		return err
	}
	t := &table{}
	for i, p := range profiles {
		inv := d.investors[p.holder]
		note := "KYC valid to " + now.AddDate(1, 0, 0).Format(time.DateOnly)
		switch {
		case p.kycLapsed:
			note = "KYC lapsed " + now.AddDate(0, 0, -10).Format(time.DateOnly)
		case p.jurisdiction == blockedJurisdiction:
			note += " · jurisdiction blocked by every tranche"
		}
		t.add(string(p.holder), inv.account(), "qib "+p.jurisdiction, note, "tx "+shortTx(txs[i]))
	}
	d.out.lines(t.lines("           "))

	// Another bank's client is not this officer's to attest.
	bobKey := d.investors[bob].key
	officer := d.compliance[d.servicerBank.MSP]
	denied, err := officer.gw.refused(d.ctx, request{method: http.MethodPut, path: "/v1/investors/" + bobKey + "/attestation", user: officer.user,
		body: map[string]any{"claims": map[string]any{"investorType": "qib", "jurisdiction": "US", "kycExpiry": now.AddDate(1, 0, 0)},
			"dossier": map[string]string{"legalName": "forged"}}}, http.StatusForbidden, "FORBIDDEN")
	if err != nil {
		return err
	}
	d.out.say("%s attesting bob of %s: %d %s, nothing written", officer, d.investorBank.MSP, denied.Status, denied.Code)
	return nil
}
