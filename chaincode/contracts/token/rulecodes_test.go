package token_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// TestEveryRuleCodeIsTriggered drives each of the fourteen transfer rules
// to refuse a movement through the contract router: placements
// (Deal:Place, rules for issuance), transfers (Token:Transfer) and
// redemptions (Token:Redeem), on a tranche whose terms use every rule.
// Each step breaks exactly the rule it names; the test then requires that
// every rule code of package rules was seen, with its rule number, and
// that each refused call changed nothing.
func TestEveryRuleCodeIsTriggered(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	lockup := contracttest.Start.AddDate(0, 1, 0)
	tr := w.Tranche("STRICT-A", "A", 1, money.FromMajor(300_000))
	tr.Rules = rules.TrancheRules{
		EligibleInvestorTypes: []string{"qib"},
		AllowedJurisdictions:  []string{"US", "GB"},
		BlockedJurisdictions:  []string{"US-NY"},
		RequireAccreditation:  true,
		MinHolding:            1000,
		MinDenomination:       1000,
		DenominationIncrement: 500,
		MaxBalancePerHolder:   100_000,
		MaxHolders:            2,
		LockupUntil:           lockup,
		ConsortiumMSPs:        w.Net.Config.Custodians(),
	}
	w.SealedPool("POOL-STRICT", 11, 30, 15) // a pool backs one deal
	w.CreateDeal(deal.DealInput{ID: "STRICT", Name: "strict deal", Pool: "POOL-STRICT",
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{tr}})
	w.Must(w.Arranger, "Deal:Issue", tr.ID, "250000")

	// "US" is too coarse where US-NY is blocked (rule 4): investors are in California.
	alice, bob := f.Investors[0], f.Investors[2]
	w.Attest(alice, contracttest.Claims("US-CA"))
	w.Attest(bob, contracttest.Claims("US-CA"))
	investor := func(msp, name string, edit func(*identity.ClaimsInput)) *stubtest.Identity {
		id := w.Investor(msp, name)
		c := contracttest.Claims("US-CA")
		edit(&c)
		w.Attest(id, c)
		return id
	}
	retail := investor(w.Net.Investors, "retail", func(c *identity.ClaimsInput) { c.InvestorType = "retail" })
	newYorker := investor(w.Net.Investors, "nyc", func(c *identity.ClaimsInput) { c.Jurisdiction = "US-NY" })
	lapsed := investor(w.Net.Servicer, "lapsed", func(c *identity.ClaimsInput) { c.KYCExpiry = contracttest.Start.Add(-time.Hour) })
	unaccredited := investor(w.Net.Investors, "unaccredited", func(c *identity.ClaimsInput) { c.AccreditationExpiry = time.Time{} })
	carol := investor(w.Net.Servicer, "carol", func(*identity.ClaimsInput) {})
	unattested := w.Investor(w.Net.Investors, "unattested")

	place := func(to *stubtest.Identity, units int64) step {
		return step{w.Trustee, "Deal:Place", []string{tr.ID, w.Key(to), fmt.Sprint(units)}}
	}
	transfer := func(from, to *stubtest.Identity, units int64) step {
		return step{from, "Token:Transfer", []string{tr.ID, w.Key(to), fmt.Sprint(units)}}
	}
	redeem := func(from *stubtest.Identity, units int64) step {
		return step{w.Trustee, "Token:Redeem", []string{tr.ID, w.Key(from), fmt.Sprint(units)}}
	}
	seen := map[errs.Code]int{}
	refuse := func(code errs.Code, s step) {
		t.Helper()
		r := w.Refused(code, s.id, s.fn, s.args...)
		seen[code] = r.Rule()
	}

	// Placements, before the lock-up ends.
	w.Must(w.Trustee, "Token:Pause", tr.ID)
	refuse(errs.RulePaused, place(alice, 10_000))
	w.Must(w.Trustee, "Token:Resume", tr.ID)
	refuse(errs.RuleNotConsortium, place(w.Foreign, 10_000))
	refuse(errs.RuleInvestorType, place(retail, 10_000))
	refuse(errs.RuleJurisdictionBlocked, place(newYorker, 10_000))
	refuse(errs.RuleNotAttested, place(unattested, 10_000))
	refuse(errs.RuleKYCExpired, place(lapsed, 10_000))
	refuse(errs.RuleAccreditationExpired, place(unaccredited, 10_000))
	refuse(errs.RuleDenomination, place(alice, 1200))
	refuse(errs.RuleMinHolding, redeemAfter(w, place(alice, 10_000), redeem(alice, 9500)))
	refuse(errs.RuleMaxBalance, place(alice, 95_000))
	w.Must(w.Trustee, "Deal:Place", tr.ID, w.Key(bob), "10000")
	refuse(errs.RuleMaxHolders, place(carol, 10_000))
	// Transfers.
	refuse(errs.RuleLockup, transfer(alice, bob, 1000))
	w.Advance(lockup.Sub(w.Now()) + time.Second)
	w.Must(w.Trustee, "Identity:Freeze", w.Key(bob), "sanctions screening hit")
	refuse(errs.RuleFrozen, transfer(bob, alice, 1000))
	w.Must(w.Trustee, "Identity:Unfreeze", w.Key(bob))
	refuse(errs.RuleInsufficientUnits, transfer(bob, alice, 10_500))
	w.Must(bob, "Token:Transfer", tr.ID, w.Key(alice), "1500")

	for _, r := range rules.Rules() {
		got, ok := seen[r.Code]
		switch {
		case !ok:
			t.Errorf("rule %d (%s) was never triggered", r.Number, r.Code)
		case got != r.Number:
			t.Errorf("%s came with rule number %d, want %d", r.Code, got, r.Number)
		}
	}
	if len(rules.Rules()) != 14 {
		t.Errorf("package rules has %d rules; this test covers 14", len(rules.Rules()))
	}
	if err := w.CheckTranche(tr.ID); err != nil {
		t.Fatal(err)
	}
}

type step struct {
	id   *stubtest.Identity
	fn   string
	args []string
}

// redeemAfter runs a successful setup step and returns the step to refuse.
func redeemAfter(w *contracttest.World, setup, s step) step {
	w.Must(setup.id, setup.fn, setup.args...)
	return s
}
