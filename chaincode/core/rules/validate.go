package rules

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Validate checks the rules themselves, as the Deal contract must before
// storing them. Errors are BAD_INPUT and name the field, e.g.
// "allowedJurisdictions[1]: "usa" is not an ISO 3166 code like US or US-NY".
func (r TrancheRules) Validate() error {
	if len(r.EligibleInvestorTypes) == 0 {
		return errs.Field("eligibleInvestorTypes", "list at least one eligible investor type")
	}
	if err := checkList("eligibleInvestorTypes", r.EligibleInvestorTypes, investorTypeProblem); err != nil {
		return err
	}
	if err := checkList("allowedJurisdictions", r.AllowedJurisdictions, jurisdictionProblem); err != nil {
		return err
	}
	if err := checkList("blockedJurisdictions", r.BlockedJurisdictions, jurisdictionProblem); err != nil {
		return err
	}
	for i, a := range r.AllowedJurisdictions {
		for j, b := range r.BlockedJurisdictions {
			if covers(b, a) {
				return errs.Field(fmt.Sprintf("allowedJurisdictions[%d]", i),
					"%s is blocked by blockedJurisdictions[%d] %s; remove one of them", a, j, b)
			}
		}
	}
	for _, f := range []struct {
		name  string
		value int64
	}{
		{"minHolding", r.MinHolding},
		{"minDenomination", r.MinDenomination},
		{"denominationIncrement", r.DenominationIncrement},
		{"maxBalancePerHolder", r.MaxBalancePerHolder},
		{"maxHolders", int64(r.MaxHolders)},
	} {
		if f.value < 0 {
			return errs.Field(f.name, "must not be negative, got %d", f.value)
		}
	}
	if hi := r.MaxBalancePerHolder; hi > 0 {
		if r.MinHolding > hi {
			return errs.Field("minHolding", "%d exceeds maxBalancePerHolder %d", r.MinHolding, hi)
		}
		if r.MinDenomination > hi {
			return errs.Field("minDenomination", "%d exceeds maxBalancePerHolder %d", r.MinDenomination, hi)
		}
	}
	if len(r.ConsortiumMSPs) == 0 {
		return errs.Field("consortiumMSPs", "list at least one MSP")
	}
	return checkList("consortiumMSPs", r.ConsortiumMSPs, func(m string) string {
		if err := roles.ValidMSP(m); err != nil {
			return messageOf(err)
		}
		return ""
	})
}

// Validate checks claims before the Identity contract stores them: a
// well-formed investor type and jurisdiction, a KYC expiry and the
// attesting MSP. Whether they are current is for Check to say.
func (c Claims) Validate() error {
	if p := investorTypeProblem(c.InvestorType); p != "" {
		return errs.Field("investorType", "%s", p)
	}
	if p := jurisdictionProblem(c.Jurisdiction); p != "" {
		return errs.Field("jurisdiction", "%s", p)
	}
	if c.KYCExpiry.IsZero() {
		return errs.Field("kycExpiry", "required")
	}
	if err := roles.ValidMSP(c.AttestedBy); err != nil {
		return errs.Field("attestedBy", "%s", messageOf(err))
	}
	return nil
}

func (t Transfer) validate() error {
	if !slices.Contains(allKinds, t.Kind) {
		return errs.Field("kind", "unknown kind %q (want issue, transfer, forced or redeem)", t.Kind)
	}
	if t.Tranche == "" {
		return errs.Field("tranche", "required")
	}
	if t.Units <= 0 {
		return errs.Field("units", "must be positive, got %d", t.Units)
	}
	if t.Time.IsZero() {
		return errs.Field("time", "transaction time required")
	}
	if t.Kind != KindIssue {
		if err := t.Sender.validate("sender"); err != nil {
			return err
		}
	}
	if t.Kind != KindRedeem {
		if err := t.Receiver.validate("receiver"); err != nil {
			return err
		}
	}
	if (t.Kind == KindTransfer || t.Kind == KindForced) && t.Sender.Key == t.Receiver.Key {
		return errs.Field("receiver.key", "sender and receiver are both %s", t.Sender.Key)
	}
	return nil
}

func (p Party) validate(who string) error {
	if p.Key == "" {
		return errs.Field(who+".key", "required")
	}
	if p.MSP == "" {
		return errs.Field(who+".msp", "required")
	}
	return nil
}

func (s State) validate(t Transfer) error {
	corrupt := func(what string, v int64) error {
		return errs.New(errs.Internal, "tranche %s: ledger state has %s %d", t.Tranche, what, v)
	}
	if t.Kind != KindIssue {
		if s.Sender.Units < 0 {
			return corrupt("sender units", s.Sender.Units)
		}
		if s.Sender.FrozenUnits < 0 {
			return corrupt("sender frozen units", s.Sender.FrozenUnits)
		}
	}
	if t.Kind != KindRedeem {
		if s.Receiver.Units < 0 {
			return corrupt("receiver units", s.Receiver.Units)
		}
		if s.Receiver.FrozenUnits < 0 {
			return corrupt("receiver frozen units", s.Receiver.FrozenUnits)
		}
		if s.Receiver.Units > math.MaxInt64-t.Units {
			return errs.New(errs.Overflow, "tranche %s: receiver holding %d plus %d units overflows", t.Tranche, s.Receiver.Units, t.Units)
		}
	}
	if s.Holders < 0 {
		return corrupt("holder count", int64(s.Holders))
	}
	return nil
}

// checkList checks every entry of a list field and that none repeats.
func checkList(field string, list []string, problem func(string) string) error {
	for i, v := range list {
		if p := problem(v); p != "" {
			return errs.Field(fmt.Sprintf("%s[%d]", field, i), "%s", p)
		}
		if j := slices.Index(list, v); j < i {
			return errs.Field(fmt.Sprintf("%s[%d]", field, i), "%s repeats %s[%d]", v, field, j)
		}
	}
	return nil
}

// investorTypeProblem checks an investor type: 1 to 32 lower-case letters,
// digits and '-', starting with a letter ("qib", "eligible-counterparty").
func investorTypeProblem(s string) string {
	ok := len(s) >= 1 && len(s) <= 32 && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return fmt.Sprintf("%q is not an investor type (1-32 lower-case letters, digits, '-')", s)
	}
	return ""
}

// jurisdictionProblem checks an ISO 3166-1 alpha-2 country code ("US") or
// ISO 3166-2 subdivision code ("US-NY": country, '-', 1 to 3 upper-case
// letters or digits). Codes are not checked against the ISO list, which
// changes; the format is what matching relies on.
func jurisdictionProblem(s string) string {
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	ok := len(s) == 2 || len(s) >= 4 && len(s) <= 6 && s[2] == '-'
	for i := 0; ok && i < len(s); i++ {
		switch {
		case i < 2:
			ok = upper(s[i])
		case i > 2:
			ok = upper(s[i]) || s[i] >= '0' && s[i] <= '9'
		}
	}
	if !ok {
		return fmt.Sprintf("%q is not an ISO 3166 code like US or US-NY", s)
	}
	return ""
}

// messageOf returns an error's message without its code.
func messageOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}
