package rules

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

func TestFixturePasses(t *testing.T) {
	for _, k := range allKinds {
		f := newFixture()
		f.t.Kind = k
		if err := f.check(); err != nil {
			t.Errorf("kind %s: %v", k, err)
		}
	}
}

// TestEachRule triggers every rule (and the kinds that skip it) from the
// passing fixture. want "" means the movement must pass.
func TestEachRule(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		edit func(f *fixture)
		want errs.Code
		rule int
		msg  string // exact message when set
		has  string // substring of the message when set
	}{
		// Rule 1.
		{name: "paused", edit: func(f *fixture) { f.r.Paused = true }, want: errs.RulePaused, rule: 1,
			msg: "transfer refused: tranche A is paused"},
		{name: "paused issue", kind: KindIssue, edit: func(f *fixture) { f.r.Paused = true }, want: errs.RulePaused, rule: 1,
			msg: "issue refused: tranche A is paused"},
		{name: "paused redeem", kind: KindRedeem, edit: func(f *fixture) { f.r.Paused = true }, want: errs.RulePaused, rule: 1,
			msg: "redemption refused: tranche A is paused"},
		{name: "paused forced", kind: KindForced, edit: func(f *fixture) { f.r.Paused = true }},

		// Rule 2.
		{name: "receiver not member", edit: func(f *fixture) { f.r.ConsortiumMSPs = []string{"Org1MSP", "Org2MSP"} },
			want: errs.RuleNotConsortium, rule: 2, msg: "transfer refused: receiver MSP Org3MSP is not a consortium member for tranche A"},
		{name: "sender not member", edit: func(f *fixture) { f.r.ConsortiumMSPs = []string{"Org3MSP"} },
			want: errs.RuleNotConsortium, rule: 2, msg: "transfer refused: sender MSP Org2MSP is not a consortium member for tranche A"},
		{name: "redeemer not member", kind: KindRedeem, edit: func(f *fixture) { f.r.ConsortiumMSPs = []string{"Org3MSP"} },
			want: errs.RuleNotConsortium, rule: 2, has: "sender MSP Org2MSP"},
		{name: "forced from a departed member", kind: KindForced, edit: func(f *fixture) { f.r.ConsortiumMSPs = []string{"Org3MSP"} }},
		{name: "forced to a non-member", kind: KindForced, edit: func(f *fixture) { f.r.ConsortiumMSPs = []string{"Org2MSP"} },
			want: errs.RuleNotConsortium, rule: 2, msg: "forced transfer refused: receiver MSP Org3MSP is not a consortium member for tranche A"},

		// Rule 3.
		{name: "investor type", edit: func(f *fixture) { f.t.Receiver.Claims.InvestorType = "retail" }, want: errs.RuleInvestorType, rule: 3,
			msg: "transfer refused: receiver investor type retail not eligible for tranche A (eligible: qib, institutional)"},
		{name: "investor type on issue", kind: KindIssue, edit: func(f *fixture) { f.t.Receiver.Claims.InvestorType = "retail" },
			want: errs.RuleInvestorType, rule: 3},
		{name: "sender's type does not matter", edit: func(f *fixture) { f.t.Sender.Claims.InvestorType = "retail" }},

		// Rule 4.
		{name: "blocked subdivision", edit: func(f *fixture) { f.t.Receiver.Claims.Jurisdiction = "US-NY" }, want: errs.RuleJurisdictionBlocked, rule: 4,
			msg: "transfer refused: receiver jurisdiction US-NY not allowed for tranche A (blocked: US-NY)"},
		{name: "outside allowed list", edit: func(f *fixture) { f.t.Receiver.Claims.Jurisdiction = "FR" }, want: errs.RuleJurisdictionBlocked, rule: 4,
			msg: "transfer refused: receiver jurisdiction FR not allowed for tranche A (allowed: US, GB, DE)"},
		{name: "country too coarse for a blocked subdivision", edit: func(f *fixture) { f.t.Receiver.Claims.Jurisdiction = "US" },
			want: errs.RuleJurisdictionBlocked, rule: 4, msg: "transfer refused: receiver jurisdiction US not precise enough for tranche A (blocked: US-NY)"},
		{name: "blocked country covers subdivisions", edit: func(f *fixture) {
			f.r.BlockedJurisdictions = []string{"DE"}
			f.r.AllowedJurisdictions = nil
			f.t.Receiver.Claims.Jurisdiction = "DE-BY"
		}, want: errs.RuleJurisdictionBlocked, rule: 4, has: "(blocked: DE)"},
		{name: "allowed country covers subdivisions", edit: func(f *fixture) { f.t.Receiver.Claims.Jurisdiction = "US-TX" }},
		{name: "allowed subdivision does not cover the country", edit: func(f *fixture) {
			f.r.AllowedJurisdictions = []string{"US-CA"}
			f.r.BlockedJurisdictions = nil
			f.t.Receiver.Claims.Jurisdiction = "US"
		}, want: errs.RuleJurisdictionBlocked, rule: 4, has: "(allowed: US-CA)"},
		{name: "prefix is not a subdivision", edit: func(f *fixture) {
			f.r.AllowedJurisdictions = []string{"US"}
			f.r.BlockedJurisdictions = nil
			f.t.Receiver.Claims.Jurisdiction = "USA"
		}, want: errs.RuleJurisdictionBlocked, rule: 4},
		{name: "empty allowed list allows any unblocked", edit: func(f *fixture) {
			f.r.AllowedJurisdictions = nil
			f.t.Receiver.Claims.Jurisdiction = "FR"
		}},

		// Rule 5.
		{name: "receiver without claims", edit: func(f *fixture) { f.t.Receiver.Claims = nil }, want: errs.RuleNotAttested, rule: 5,
			msg: "transfer refused: receiver has no compliance attestation"},
		{name: "receiver revoked", edit: func(f *fixture) { f.t.Receiver.Claims.Revoked = true }, want: errs.RuleNotAttested, rule: 5,
			msg: "transfer refused: receiver attestation by Org3MSP is revoked"},
		{name: "revoked claims are not read by rules 3 and 4", edit: func(f *fixture) {
			f.t.Receiver.Claims.Revoked = true
			f.t.Receiver.Claims.InvestorType = "retail"
			f.t.Receiver.Claims.Jurisdiction = "FR"
		}, want: errs.RuleNotAttested, rule: 5},
		{name: "attested by another MSP", edit: func(f *fixture) { f.t.Receiver.Claims.AttestedBy = "Org1MSP" }, want: errs.RuleNotAttested, rule: 5,
			msg: "transfer refused: receiver claims were attested by Org1MSP, not by its own MSP Org3MSP"},
		{name: "sender without claims", edit: func(f *fixture) { f.t.Sender.Claims = nil }, want: errs.RuleNotAttested, rule: 5,
			msg: "transfer refused: sender has no compliance attestation"},
		{name: "redeemer without claims", kind: KindRedeem, edit: func(f *fixture) { f.t.Sender.Claims = nil }, want: errs.RuleNotAttested, rule: 5},
		{name: "issue ignores the sender", kind: KindIssue, edit: func(f *fixture) { f.t.Sender = Party{} }},
		{name: "forced from a holder without claims", kind: KindForced, edit: func(f *fixture) { f.t.Sender.Claims = nil }},
		{name: "forced to a receiver without claims", kind: KindForced, edit: func(f *fixture) { f.t.Receiver.Claims = nil },
			want: errs.RuleNotAttested, rule: 5},

		// Rule 6.
		{name: "receiver KYC expired", edit: func(f *fixture) { f.t.Receiver.Claims.KYCExpiry = past }, want: errs.RuleKYCExpired, rule: 6,
			msg: "transfer refused: receiver KYC expired at 2026-05-01T10:00:00Z (transaction time 2026-06-01T10:00:00Z)"},
		{name: "KYC expiring at the transaction time", edit: func(f *fixture) { f.t.Receiver.Claims.KYCExpiry = txTime },
			want: errs.RuleKYCExpired, rule: 6},
		{name: "KYC expiring a second later", edit: func(f *fixture) { f.t.Receiver.Claims.KYCExpiry = txTime.Add(time.Second) }},
		{name: "KYC missing", edit: func(f *fixture) { f.t.Receiver.Claims.KYCExpiry = time.Time{} }, want: errs.RuleKYCExpired, rule: 6,
			msg: "transfer refused: receiver has no KYC expiry on record"},
		{name: "sender KYC expired", edit: func(f *fixture) { f.t.Sender.Claims.KYCExpiry = past }, want: errs.RuleKYCExpired, rule: 6,
			has: "sender KYC expired"},
		{name: "redeemer KYC expired", kind: KindRedeem, edit: func(f *fixture) { f.t.Sender.Claims.KYCExpiry = past }, want: errs.RuleKYCExpired, rule: 6},
		{name: "forced from a holder with expired KYC", kind: KindForced, edit: func(f *fixture) { f.t.Sender.Claims.KYCExpiry = past }},
		{name: "expiry in another zone", edit: func(f *fixture) {
			f.t.Receiver.Claims.KYCExpiry = txTime.In(time.FixedZone("EST", -5*3600))
		}, want: errs.RuleKYCExpired, rule: 6, has: "expired at 2026-06-01T10:00:00Z"},

		// Rule 7.
		{name: "not accredited", edit: func(f *fixture) { f.t.Receiver.Claims.AccreditationExpiry = time.Time{} }, want: errs.RuleAccreditationExpired, rule: 7,
			msg: "transfer refused: receiver is not accredited; tranche A requires accreditation"},
		{name: "accreditation expired", edit: func(f *fixture) { f.t.Receiver.Claims.AccreditationExpiry = past }, want: errs.RuleAccreditationExpired, rule: 7,
			has: "receiver accreditation expired at 2026-05-01T10:00:00Z"},
		{name: "accreditation not required", edit: func(f *fixture) {
			f.r.RequireAccreditation = false
			f.t.Receiver.Claims.AccreditationExpiry = time.Time{}
		}},
		{name: "sender's accreditation does not matter", edit: func(f *fixture) { f.t.Sender.Claims.AccreditationExpiry = past }},

		// Rule 8.
		{name: "sender frozen", edit: func(f *fixture) { f.t.Sender.Claims.Frozen = true }, want: errs.RuleFrozen, rule: 8,
			msg: "transfer refused: sender is frozen"},
		{name: "receiver frozen", edit: func(f *fixture) { f.t.Receiver.Claims.Frozen = true }, want: errs.RuleFrozen, rule: 8,
			msg: "transfer refused: receiver is frozen"},
		{name: "partial freeze in the way", edit: func(f *fixture) { f.s.Sender.FrozenUnits = 9000 }, want: errs.RuleFrozen, rule: 8,
			msg: "transfer refused: sender has 1000 unfrozen units of tranche A (9000 frozen), 2000 requested"},
		{name: "partial freeze leaves enough", edit: func(f *fixture) { f.s.Sender.FrozenUnits = 8000 }},
		{name: "freeze larger than the holding", edit: func(f *fixture) { f.s.Sender.FrozenUnits = 50_000 }, want: errs.RuleFrozen, rule: 8,
			has: "sender has 0 unfrozen units of tranche A (10000 frozen)"},
		{name: "redeeming frozen units", kind: KindRedeem, edit: func(f *fixture) { f.s.Sender.FrozenUnits = 10_000 }, want: errs.RuleFrozen, rule: 8},
		{name: "forced from a frozen holder", kind: KindForced, edit: func(f *fixture) {
			f.t.Sender.Claims.Frozen = true
			f.s.Sender.FrozenUnits = 10_000
		}},
		{name: "forced to a frozen receiver", kind: KindForced, edit: func(f *fixture) { f.t.Receiver.Claims.Frozen = true },
			want: errs.RuleFrozen, rule: 8},
		{name: "issue to a frozen receiver", kind: KindIssue, edit: func(f *fixture) { f.t.Receiver.Claims.Frozen = true },
			want: errs.RuleFrozen, rule: 8},

		// Rule 9.
		{name: "lock-up", edit: func(f *fixture) { f.r.LockupUntil = txTime.Add(time.Hour) }, want: errs.RuleLockup, rule: 9,
			msg: "transfer refused: tranche A is locked up until 2026-06-01T11:00:00Z (transaction time 2026-06-01T10:00:00Z)"},
		{name: "lock-up ends at its instant", edit: func(f *fixture) { f.r.LockupUntil = txTime }},
		{name: "issuance during lock-up", kind: KindIssue, edit: func(f *fixture) { f.r.LockupUntil = future }},
		{name: "forced during lock-up", kind: KindForced, edit: func(f *fixture) { f.r.LockupUntil = future }},
		{name: "redemption during lock-up", kind: KindRedeem, edit: func(f *fixture) { f.r.LockupUntil = future }},

		// Rule 10.
		{name: "insufficient units", edit: func(f *fixture) { f.s.Sender.Units = 1500 }, want: errs.RuleInsufficientUnits, rule: 10,
			msg: "transfer refused: sender holds 1500 units of tranche A, 2000 requested"},
		{name: "shortfall with a freeze is rule 10", edit: func(f *fixture) {
			f.s.Sender.Units = 1500
			f.s.Sender.FrozenUnits = 500
		}, want: errs.RuleInsufficientUnits, rule: 10},
		{name: "forced needs the units", kind: KindForced, edit: func(f *fixture) { f.s.Sender.Units = 0 }, want: errs.RuleInsufficientUnits, rule: 10},
		{name: "redeem needs the units", kind: KindRedeem, edit: func(f *fixture) { f.s.Sender.Units = 1999 }, want: errs.RuleInsufficientUnits, rule: 10},
		{name: "issue needs no sender units", kind: KindIssue, edit: func(f *fixture) { f.s.Sender.Units = 0 }},

		// Rule 11.
		{name: "below minimum denomination", edit: func(f *fixture) { f.t.Units = 500 }, want: errs.RuleDenomination, rule: 11,
			msg: "transfer refused: 500 units is below the minimum denomination 1000 of tranche A"},
		{name: "not an increment", edit: func(f *fixture) { f.t.Units = 1200 }, want: errs.RuleDenomination, rule: 11,
			msg: "transfer refused: 1200 units is not 1000 plus a multiple of 500 for tranche A"},
		{name: "minimum plus increments", edit: func(f *fixture) { f.t.Units = 1500 }},
		{name: "increment without minimum", edit: func(f *fixture) {
			f.r.MinDenomination = 0
			f.r.MinHolding = 0
			f.t.Units = 700
		}, want: errs.RuleDenomination, rule: 11, msg: "transfer refused: 700 units is not a multiple of 500 for tranche A"},
		{name: "no denomination rules", edit: func(f *fixture) {
			f.r.MinDenomination, f.r.DenominationIncrement, f.r.MinHolding = 0, 0, 0
			f.t.Units = 7
		}},
		{name: "forced in denominations", kind: KindForced, edit: func(f *fixture) { f.t.Units = 1001 }, want: errs.RuleDenomination, rule: 11},
		{name: "issue in denominations", kind: KindIssue, edit: func(f *fixture) { f.t.Units = 999 }, want: errs.RuleDenomination, rule: 11},

		// Rule 12.
		{name: "sender remainder below minimum", edit: func(f *fixture) { f.s.Sender.Units = 2500 }, want: errs.RuleMinHolding, rule: 12,
			msg: "transfer refused: sender would keep 500 units of tranche A, below the minimum holding 1000"},
		{name: "sender sells out", edit: func(f *fixture) { f.s.Sender.Units = 2000 }},
		{name: "receiver holding below minimum", edit: func(f *fixture) { f.r.MinHolding = 3000 }, want: errs.RuleMinHolding, rule: 12,
			msg: "transfer refused: receiver would hold 2000 units of tranche A, below the minimum holding 3000"},
		{name: "receiver tops up to the minimum", edit: func(f *fixture) {
			f.r.MinHolding = 3000
			f.s.Receiver.Units = 1000
		}},
		{name: "redeem leaves an odd lot", kind: KindRedeem, edit: func(f *fixture) { f.s.Sender.Units = 2999 }, want: errs.RuleMinHolding, rule: 12},
		{name: "forced leaves an odd lot", kind: KindForced, edit: func(f *fixture) { f.s.Sender.Units = 2999 }},

		// Rule 13.
		{name: "above maximum balance", edit: func(f *fixture) { f.s.Receiver.Units = 999_000 }, want: errs.RuleMaxBalance, rule: 13,
			msg: "transfer refused: receiver would hold 1001000 units of tranche A, above the maximum 1000000 per holder"},
		{name: "exactly the maximum balance", edit: func(f *fixture) { f.s.Receiver.Units = 998_000 }},
		{name: "forced above maximum balance", kind: KindForced, edit: func(f *fixture) { f.s.Receiver.Units = 999_000 }, want: errs.RuleMaxBalance, rule: 13},
		{name: "no maximum balance", edit: func(f *fixture) {
			f.r.MaxBalancePerHolder = 0
			f.s.Receiver.Units = math.MaxInt64 - 2000
		}},

		// Rule 14.
		{name: "one holder too many", edit: func(f *fixture) { f.s.Holders = 100 }, want: errs.RuleMaxHolders, rule: 14,
			msg: "transfer refused: tranche A would have 101 holders, above the maximum 100"},
		{name: "sell-out keeps the count", edit: func(f *fixture) {
			f.s.Holders = 100
			f.s.Sender.Units = 2000
		}},
		{name: "existing receiver keeps the count", edit: func(f *fixture) {
			f.s.Holders = 100
			f.s.Receiver.Units = 1000
		}},
		{name: "over a lowered limit without adding a holder", edit: func(f *fixture) {
			f.s.Holders = 150
			f.s.Receiver.Units = 1000
		}},
		{name: "issue to a new holder at the limit", kind: KindIssue, edit: func(f *fixture) { f.s.Holders = 100 },
			want: errs.RuleMaxHolders, rule: 14, msg: "issue refused: tranche A would have 101 holders, above the maximum 100"},
		{name: "redeem at the limit", kind: KindRedeem, edit: func(f *fixture) { f.s.Holders = 100 }},
	}
	seen := map[errs.Code]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			if tt.kind != "" {
				f.t.Kind = tt.kind
			}
			tt.edit(f)
			err := f.check()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("want pass, got %v", err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) {
				t.Fatalf("want %s (rule %d), got %v", tt.want, tt.rule, err)
			}
			if e.Code != tt.want || e.Rule != tt.rule {
				t.Fatalf("want %s (rule %d), got %v", tt.want, tt.rule, err)
			}
			if tt.msg != "" && e.Msg != tt.msg {
				t.Fatalf("message\n got %q\nwant %q", e.Msg, tt.msg)
			}
			if tt.has != "" && !strings.Contains(e.Msg, tt.has) {
				t.Fatalf("message %q does not contain %q", e.Msg, tt.has)
			}
			seen[e.Code] = true
		})
	}
	for _, r := range Rules() {
		if !seen[r.Code] {
			t.Errorf("no test triggers rule %d %s", r.Number, r.Code)
		}
	}
}

// TestRulesAreCheckedInNumberOrder starts from a transfer that breaks
// every rule but 5 (which would hide 3 and 4) and repairs one rule at a
// time: each repair must reveal the next-numbered rule.
func TestRulesAreCheckedInNumberOrder(t *testing.T) {
	f := newFixture()
	f.r.Paused = true
	f.t.Receiver.MSP, f.t.Receiver.Claims.AttestedBy = "Org9MSP", "Org9MSP"
	f.t.Receiver.Claims.InvestorType = "retail"
	f.t.Receiver.Claims.Jurisdiction = "FR"
	f.t.Sender.Claims.KYCExpiry = past
	f.t.Receiver.Claims.AccreditationExpiry = past
	f.t.Sender.Claims.Frozen = true
	f.r.LockupUntil = future
	f.s.Sender.Units = 1000
	f.r.DenominationIncrement = 3000
	f.r.MaxBalancePerHolder = 1500
	f.s.Holders = 100

	repairs := []struct {
		rule int
		fix  func()
	}{
		{1, func() { f.r.Paused = false }},
		{2, func() { f.t.Receiver.MSP, f.t.Receiver.Claims.AttestedBy = "Org3MSP", "Org3MSP" }},
		{3, func() { f.t.Receiver.Claims.InvestorType = "qib" }},
		{4, func() { f.t.Receiver.Claims.Jurisdiction = "GB" }},
		{6, func() { f.t.Sender.Claims.KYCExpiry = future }},
		{7, func() { f.t.Receiver.Claims.AccreditationExpiry = future }},
		{8, func() { f.t.Sender.Claims.Frozen = false }},
		{9, func() { f.r.LockupUntil = time.Time{} }},
		{10, func() { f.s.Sender.Units = 2500 }},
		{11, func() { f.r.DenominationIncrement = 500 }},
		{12, func() { f.r.MinHolding = 500 }},
		{13, func() { f.r.MaxBalancePerHolder = 0 }},
		{14, func() { f.r.MaxHolders = 0 }},
	}
	for _, rp := range repairs {
		err := f.check()
		var e *errs.Error
		if !errors.As(err, &e) || e.Rule != rp.rule || e.Code != Rules()[rp.rule-1].Code {
			t.Fatalf("want rule %d next, got %v", rp.rule, err)
		}
		rp.fix()
	}
	if err := f.check(); err != nil {
		t.Fatalf("all repaired, got %v", err)
	}
}

func TestMalformedRequests(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(f *fixture)
		code  errs.Code
		field string
	}{
		{"unknown kind", func(f *fixture) { f.t.Kind = "gift" }, errs.BadInput, "kind"},
		{"no tranche", func(f *fixture) { f.t.Tranche = "" }, errs.BadInput, "tranche"},
		{"zero units", func(f *fixture) { f.t.Units = 0 }, errs.BadInput, "units"},
		{"negative units", func(f *fixture) { f.t.Units = -2000 }, errs.BadInput, "units"},
		{"no time", func(f *fixture) { f.t.Time = time.Time{} }, errs.BadInput, "time"},
		{"no receiver", func(f *fixture) { f.t.Receiver.Key = "" }, errs.BadInput, "receiver.key"},
		{"no receiver MSP", func(f *fixture) { f.t.Receiver.MSP = "" }, errs.BadInput, "receiver.msp"},
		{"no sender", func(f *fixture) { f.t.Sender.Key = "" }, errs.BadInput, "sender.key"},
		{"self transfer", func(f *fixture) { f.t.Receiver.Key = f.t.Sender.Key }, errs.BadInput, "receiver.key"},
		{"negative sender holding", func(f *fixture) { f.s.Sender.Units = -1 }, errs.Internal, ""},
		{"negative frozen units", func(f *fixture) { f.s.Sender.FrozenUnits = -1 }, errs.Internal, ""},
		{"negative receiver holding", func(f *fixture) { f.s.Receiver.Units = -1 }, errs.Internal, ""},
		{"negative holder count", func(f *fixture) { f.s.Holders = -1 }, errs.Internal, ""},
		{"invalid stored rules", func(f *fixture) { f.r.MinHolding = -1 }, errs.Internal, ""},
		{"receiver holding overflows", func(f *fixture) {
			f.r.MaxBalancePerHolder = 0
			f.s.Receiver.Units = math.MaxInt64 - 1999
		}, errs.Overflow, ""},
		{"malformed and paused: malformed first", func(f *fixture) {
			f.r.Paused = true
			f.t.Units = 0
		}, errs.BadInput, "units"},
	}
	for _, tt := range tests {
		f := newFixture()
		tt.edit(f)
		err := f.check()
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != tt.code || e.Field != tt.field || e.Rule != 0 {
			t.Errorf("%s: got %v (field %q), want %s at %q", tt.name, err, fieldOf(err), tt.code, tt.field)
		}
	}
	// Parties a kind does not use are not validated.
	f := newFixture()
	f.t.Kind, f.t.Sender = KindIssue, Party{}
	f.s.Sender.Units = -5
	if err := f.check(); err != nil {
		t.Errorf("issue with no sender: %v", err)
	}
	f = newFixture()
	f.t.Kind, f.t.Receiver = KindRedeem, Party{}
	f.s.Receiver.Units = math.MaxInt64
	if err := f.check(); err != nil {
		t.Errorf("redeem with no receiver: %v", err)
	}
}

func fieldOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func TestRefusalTextForClients(t *testing.T) {
	f := newFixture()
	f.t.Receiver.Claims.Jurisdiction = "US-NY"
	err := f.check()
	want := "[RULE_JURISDICTION_BLOCKED] transfer refused: receiver jurisdiction US-NY not allowed for tranche A (blocked: US-NY) (rule 4)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	code, rule, msg, ok := errs.Parse("chaincode response 500, " + err.Error())
	if !ok || code != errs.RuleJurisdictionBlocked || rule != 4 || !strings.HasPrefix(msg, "transfer refused: receiver jurisdiction US-NY") {
		t.Fatalf("Parse = %s %d %q %v", code, rule, msg, ok)
	}
	if errs.HTTPStatus(code) != 422 {
		t.Fatal("rule refusals are 422")
	}
}

func TestRulesTable(t *testing.T) {
	rs := Rules()
	codes := map[errs.Code]bool{}
	for i, r := range rs {
		if r.Number != i+1 {
			t.Errorf("rule at position %d has number %d", i, r.Number)
		}
		if codes[r.Code] || !errs.Known(r.Code) || !strings.HasPrefix(string(r.Code), "RULE_") {
			t.Errorf("rule %d: code %s duplicated or unknown to errs", r.Number, r.Code)
		}
		codes[r.Code] = true
		if r.Description == "" || len(r.Kinds) == 0 {
			t.Errorf("rule %d: incomplete %+v", r.Number, r)
		}
	}
	for _, ci := range errs.Codes() {
		if strings.HasPrefix(string(ci.Code), "RULE_") && !codes[ci.Code] {
			t.Errorf("errs declares %s but no rule uses it", ci.Code)
		}
	}
	rs[0].Kinds[0] = "mutated"
	if Rules()[0].Kinds[0] == "mutated" {
		t.Fatal("Rules must return copies")
	}
	if b, err := json.Marshal(Rules()[8]); err != nil || string(b) != `{"number":9,"code":"RULE_LOCKUP","description":"tranche in lock-up","kinds":["transfer"]}` {
		t.Fatalf("JSON %s, %v", b, err)
	}
}

func TestVerdict(t *testing.T) {
	f := newFixture()
	if v := Evaluate(f.r, f.t, f.s); v != (Verdict{Allowed: true}) {
		t.Fatalf("allowed: %+v", v)
	}
	f.t.Receiver.Claims.KYCExpiry = past
	v := Evaluate(f.r, f.t, f.s)
	if v.Allowed || v.Code != errs.RuleKYCExpired || v.Rule != 6 || !strings.HasPrefix(v.Message, "transfer refused: receiver KYC expired") {
		t.Fatalf("refused: %+v", v)
	}
	b, _ := json.Marshal(Verdict{Allowed: true})
	if string(b) != `{"allowed":true}` {
		t.Fatalf("JSON %s", b)
	}
	if v := VerdictOf(errors.New("boom")); v.Code != errs.Internal || v.Allowed {
		t.Fatalf("plain error: %+v", v)
	}
}

func TestTrancheRulesValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *TrancheRules)
		field string
	}{
		{"no investor types", func(r *TrancheRules) { r.EligibleInvestorTypes = nil }, "eligibleInvestorTypes"},
		{"bad investor type", func(r *TrancheRules) { r.EligibleInvestorTypes = []string{"qib", "Retail"} }, "eligibleInvestorTypes[1]"},
		{"repeated investor type", func(r *TrancheRules) { r.EligibleInvestorTypes = []string{"qib", "qib"} }, "eligibleInvestorTypes[1]"},
		{"lower-case jurisdiction", func(r *TrancheRules) { r.AllowedJurisdictions = []string{"us"} }, "allowedJurisdictions[0]"},
		{"three-letter country", func(r *TrancheRules) { r.AllowedJurisdictions = []string{"USA"} }, "allowedJurisdictions[0]"},
		{"long subdivision", func(r *TrancheRules) { r.BlockedJurisdictions = []string{"US-ABCD"} }, "blockedJurisdictions[0]"},
		{"empty subdivision", func(r *TrancheRules) { r.BlockedJurisdictions = []string{"US-"} }, "blockedJurisdictions[0]"},
		{"repeated jurisdiction", func(r *TrancheRules) { r.BlockedJurisdictions = []string{"US-NY", "US-NY"} }, "blockedJurisdictions[1]"},
		{"allowed and blocked", func(r *TrancheRules) { r.BlockedJurisdictions = []string{"GB"} }, "allowedJurisdictions[1]"},
		{"allowed subdivision of blocked country", func(r *TrancheRules) {
			r.AllowedJurisdictions = []string{"US-CA"}
			r.BlockedJurisdictions = []string{"US"}
		}, "allowedJurisdictions[0]"},
		{"negative min holding", func(r *TrancheRules) { r.MinHolding = -1 }, "minHolding"},
		{"negative denomination", func(r *TrancheRules) { r.MinDenomination = -1 }, "minDenomination"},
		{"negative increment", func(r *TrancheRules) { r.DenominationIncrement = -1 }, "denominationIncrement"},
		{"negative max balance", func(r *TrancheRules) { r.MaxBalancePerHolder = -1 }, "maxBalancePerHolder"},
		{"negative max holders", func(r *TrancheRules) { r.MaxHolders = -1 }, "maxHolders"},
		{"min holding above max balance", func(r *TrancheRules) { r.MaxBalancePerHolder = 999 }, "minHolding"},
		{"min denomination above max balance", func(r *TrancheRules) {
			r.MinHolding = 0
			r.MaxBalancePerHolder = 999
		}, "minDenomination"},
		{"no consortium", func(r *TrancheRules) { r.ConsortiumMSPs = nil }, "consortiumMSPs"},
		{"bad MSP", func(r *TrancheRules) { r.ConsortiumMSPs = []string{"Org1MSP", "Org 2"} }, "consortiumMSPs[1]"},
		{"repeated MSP", func(r *TrancheRules) { r.ConsortiumMSPs = []string{"Org1MSP", "Org1MSP"} }, "consortiumMSPs[1]"},
	}
	for _, tt := range tests {
		r := newFixture().r
		tt.edit(&r)
		err := r.Validate()
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.BadInput || e.Field != tt.field {
			t.Errorf("%s: got %v (field %q), want BAD_INPUT at %q", tt.name, err, fieldOf(err), tt.field)
		} else if !strings.HasPrefix(e.Msg, tt.field+": ") || strings.Count(err.Error(), "[BAD_INPUT]") != 1 {
			t.Errorf("%s: message %q must start with the field and carry one code", tt.name, err)
		}
	}
	if err := newFixture().r.Validate(); err != nil {
		t.Fatalf("fixture rules: %v", err)
	}
}

func TestClaimsValidate(t *testing.T) {
	good := *validClaims("Org3MSP", "qib", "US-NY")
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(c *Claims)
		field string
	}{
		{"no type", func(c *Claims) { c.InvestorType = "" }, "investorType"},
		{"type too long", func(c *Claims) { c.InvestorType = strings.Repeat("q", 33) }, "investorType"},
		{"type starting with a digit", func(c *Claims) { c.InvestorType = "1qib" }, "investorType"},
		{"no jurisdiction", func(c *Claims) { c.Jurisdiction = "" }, "jurisdiction"},
		{"bad jurisdiction", func(c *Claims) { c.Jurisdiction = "New York" }, "jurisdiction"},
		{"no KYC expiry", func(c *Claims) { c.KYCExpiry = time.Time{} }, "kycExpiry"},
		{"no attester", func(c *Claims) { c.AttestedBy = "" }, "attestedBy"},
	}
	for _, tt := range tests {
		c := good
		tt.edit(&c)
		if err := c.Validate(); fieldOf(err) != tt.field || !errs.Is(err, errs.BadInput) {
			t.Errorf("%s: got %v, want BAD_INPUT at %s", tt.name, err, tt.field)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	f := newFixture()
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(f.r, f.t, f.s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckRefused(b *testing.B) {
	f := newFixture()
	f.s.Holders = 100
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(f.r, f.t, f.s); err == nil {
			b.Fatal("want a refusal")
		}
	}
}
