package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Check decides whether movement t may happen under rules r in ledger state
// s. It returns nil when it may, and otherwise the first failing rule in
// number order as an *errs.Error (code RULE_*, Rule = its number), or a
// BAD_INPUT, INTERNAL or OVERFLOW error for a malformed request or
// inconsistent state (see the package documentation). It reads nothing but
// its arguments: t.Time is the transaction timestamp.
func Check(r TrancheRules, t Transfer, s State) error {
	if err := t.validate(); err != nil {
		return err
	}
	if err := s.validate(t); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return errs.New(errs.Internal, "tranche %s: stored transfer rules are invalid: %s", t.Tranche, messageOf(err))
	}
	m := newMovement(r, t, s)
	for _, d := range ruleDefinitions {
		if !slices.Contains(d.Kinds, t.Kind) {
			continue
		}
		if why := d.check(m); why != "" {
			return errs.Refuse(d.Code, d.Number, "%s refused: %s", t.Kind.verb(), why)
		}
	}
	return nil
}

// movement is a Transfer with the values the rules share worked out once.
type movement struct {
	r              TrancheRules
	t              Transfer
	s              State
	senderAfter    int64 // sender's holding after the movement (sending kinds)
	receiverAfter  int64 // receiver's holding after the movement (receiving kinds)
	checksSender   bool  // investor-side sender rules apply (transfer, redeem)
	hasSender      bool  // units leave a holder (transfer, forced, redeem)
	hasReceiver    bool  // units reach a holder (issue, transfer, forced)
	senderValid    bool  // sender's claims are present, unrevoked and attested by its own MSP
	receiverValid  bool
	senderClaims   Claims
	receiverClaims Claims
}

func newMovement(r TrancheRules, t Transfer, s State) *movement {
	m := &movement{r: r, t: t, s: s}
	m.hasSender = t.Kind != KindIssue
	m.hasReceiver = t.Kind != KindRedeem
	m.checksSender = t.Kind == KindTransfer || t.Kind == KindRedeem
	if m.hasSender {
		m.senderAfter = s.Sender.Units - t.Units // may be negative; rule 10 refuses that
	}
	if m.hasReceiver {
		m.receiverAfter = s.Receiver.Units + t.Units // overflow refused by State.validate
	}
	if c := t.Sender.Claims; c != nil {
		m.senderClaims, m.senderValid = *c, attestationProblem(t.Sender) == ""
	}
	if c := t.Receiver.Claims; c != nil {
		m.receiverClaims, m.receiverValid = *c, attestationProblem(t.Receiver) == ""
	}
	return m
}

func (k Kind) verb() string {
	switch k {
	case KindIssue:
		return "issue"
	case KindForced:
		return "forced transfer"
	case KindRedeem:
		return "redemption"
	}
	return "transfer"
}

// Rule 1.
func checkPaused(m *movement) string {
	if m.r.Paused {
		return fmt.Sprintf("tranche %s is paused", m.t.Tranche)
	}
	return ""
}

// Rule 2.
func checkConsortium(m *movement) string {
	member := func(who string, p Party) string {
		if !slices.Contains(m.r.ConsortiumMSPs, p.MSP) {
			return fmt.Sprintf("%s MSP %s is not a consortium member for tranche %s", who, p.MSP, m.t.Tranche)
		}
		return ""
	}
	if m.checksSender {
		if why := member("sender", m.t.Sender); why != "" {
			return why
		}
	}
	if m.hasReceiver {
		return member("receiver", m.t.Receiver)
	}
	return ""
}

// Rule 3.
func checkInvestorType(m *movement) string {
	if !m.receiverValid || slices.Contains(m.r.EligibleInvestorTypes, m.receiverClaims.InvestorType) {
		return ""
	}
	return fmt.Sprintf("receiver investor type %s not eligible for tranche %s (eligible: %s)",
		m.receiverClaims.InvestorType, m.t.Tranche, strings.Join(m.r.EligibleInvestorTypes, ", "))
}

// Rule 4.
func checkJurisdiction(m *movement) string {
	if !m.receiverValid {
		return ""
	}
	j := m.receiverClaims.Jurisdiction
	for _, b := range m.r.BlockedJurisdictions {
		if covers(b, j) {
			return fmt.Sprintf("receiver jurisdiction %s not allowed for tranche %s (blocked: %s)", j, m.t.Tranche, b)
		}
		if covers(j, b) {
			// The receiver is known only by country and part of it is blocked.
			return fmt.Sprintf("receiver jurisdiction %s not precise enough for tranche %s (blocked: %s)", j, m.t.Tranche, b)
		}
	}
	if len(m.r.AllowedJurisdictions) == 0 {
		return ""
	}
	for _, a := range m.r.AllowedJurisdictions {
		if covers(a, j) {
			return ""
		}
	}
	return fmt.Sprintf("receiver jurisdiction %s not allowed for tranche %s (allowed: %s)",
		j, m.t.Tranche, strings.Join(m.r.AllowedJurisdictions, ", "))
}

// covers reports whether jurisdiction list entry e covers jurisdiction j:
// the same code, or e a country and j one of its subdivisions.
func covers(e, j string) bool {
	return e == j || len(e) == 2 && len(j) > 3 && j[2] == '-' && j[:2] == e
}

// Rule 5.
func checkAttested(m *movement) string {
	if m.checksSender {
		if why := attestationProblem(m.t.Sender); why != "" {
			return "sender " + why
		}
	}
	if m.hasReceiver {
		if why := attestationProblem(m.t.Receiver); why != "" {
			return "receiver " + why
		}
	}
	return ""
}

// attestationProblem says why p's claims cannot be relied on, or "".
// Compliance officers attest investors of their own MSP only.
func attestationProblem(p Party) string {
	switch c := p.Claims; {
	case c == nil:
		return "has no compliance attestation"
	case c.Revoked:
		return fmt.Sprintf("attestation by %s is revoked", c.AttestedBy)
	case c.AttestedBy != p.MSP:
		return fmt.Sprintf("claims were attested by %s, not by its own MSP %s", c.AttestedBy, p.MSP)
	}
	return ""
}

// Rule 6.
func checkKYC(m *movement) string {
	kyc := func(who string, c Claims) string {
		if c.KYCExpiry.IsZero() {
			return who + " has no KYC expiry on record"
		}
		if !m.t.Time.Before(c.KYCExpiry) {
			return fmt.Sprintf("%s KYC expired at %s (transaction time %s)", who, stamp(c.KYCExpiry), stamp(m.t.Time))
		}
		return ""
	}
	if m.checksSender {
		if why := kyc("sender", m.senderClaims); why != "" {
			return why
		}
	}
	if m.hasReceiver {
		return kyc("receiver", m.receiverClaims)
	}
	return ""
}

// Rule 7.
func checkAccreditation(m *movement) string {
	if !m.r.RequireAccreditation {
		return ""
	}
	exp := m.receiverClaims.AccreditationExpiry
	if exp.IsZero() {
		return fmt.Sprintf("receiver is not accredited; tranche %s requires accreditation", m.t.Tranche)
	}
	if !m.t.Time.Before(exp) {
		return fmt.Sprintf("receiver accreditation expired at %s (transaction time %s); tranche %s requires accreditation",
			stamp(exp), stamp(m.t.Time), m.t.Tranche)
	}
	return ""
}

// Rule 8.
func checkFrozen(m *movement) string {
	if m.checksSender {
		if m.senderClaims.Frozen {
			return "sender is frozen"
		}
		h := m.s.Sender
		unfrozen := max(h.Units-h.FrozenUnits, 0)
		// Only when the freeze is what stands in the way; a plain shortfall is rule 10.
		if m.t.Units > unfrozen && m.t.Units <= h.Units {
			return fmt.Sprintf("sender has %d unfrozen units of tranche %s (%d frozen), %d requested",
				unfrozen, m.t.Tranche, min(h.FrozenUnits, h.Units), m.t.Units)
		}
	}
	if m.hasReceiver && m.receiverClaims.Frozen {
		return "receiver is frozen"
	}
	return ""
}

// Rule 9.
func checkLockup(m *movement) string {
	if m.t.Time.Before(m.r.LockupUntil) {
		return fmt.Sprintf("tranche %s is locked up until %s (transaction time %s)",
			m.t.Tranche, stamp(m.r.LockupUntil), stamp(m.t.Time))
	}
	return ""
}

// Rule 10.
func checkUnits(m *movement) string {
	if m.s.Sender.Units < m.t.Units {
		return fmt.Sprintf("sender holds %d units of tranche %s, %d requested", m.s.Sender.Units, m.t.Tranche, m.t.Units)
	}
	return ""
}

// Rule 11.
func checkDenomination(m *movement) string {
	u, lo, step := m.t.Units, m.r.MinDenomination, max(m.r.DenominationIncrement, 1)
	if u < lo {
		return fmt.Sprintf("%d units is below the minimum denomination %d of tranche %s", u, lo, m.t.Tranche)
	}
	if (u-lo)%step != 0 {
		if lo == 0 {
			return fmt.Sprintf("%d units is not a multiple of %d for tranche %s", u, step, m.t.Tranche)
		}
		return fmt.Sprintf("%d units is not %d plus a multiple of %d for tranche %s", u, lo, step, m.t.Tranche)
	}
	return ""
}

// Rule 12.
func checkMinHolding(m *movement) string {
	lo := m.r.MinHolding
	if m.checksSender && m.senderAfter > 0 && m.senderAfter < lo {
		return fmt.Sprintf("sender would keep %d units of tranche %s, below the minimum holding %d", m.senderAfter, m.t.Tranche, lo)
	}
	if m.hasReceiver && m.receiverAfter < lo {
		return fmt.Sprintf("receiver would hold %d units of tranche %s, below the minimum holding %d", m.receiverAfter, m.t.Tranche, lo)
	}
	return ""
}

// Rule 13.
func checkMaxBalance(m *movement) string {
	if hi := m.r.MaxBalancePerHolder; hi > 0 && m.receiverAfter > hi {
		return fmt.Sprintf("receiver would hold %d units of tranche %s, above the maximum %d per holder", m.receiverAfter, m.t.Tranche, hi)
	}
	return ""
}

// Rule 14. Only a movement that adds a holder can break the limit; one
// that keeps or lowers the count passes even if the tranche is already
// above a limit lowered later.
func checkMaxHolders(m *movement) string {
	hi := m.r.MaxHolders
	if hi == 0 {
		return ""
	}
	after := m.s.Holders
	if m.s.Receiver.Units == 0 {
		after++
	}
	if m.hasSender && m.senderAfter == 0 {
		after--
	}
	if after > hi && after > m.s.Holders {
		return fmt.Sprintf("tranche %s would have %d holders, above the maximum %d", m.t.Tranche, after, hi)
	}
	return ""
}

// stamp formats an instant for messages, in UTC so that every peer writes
// the same text.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
