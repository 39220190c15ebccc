package fixing

import (
	"errors"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

func TestValidateRefusesNamingTheField(t *testing.T) {
	edit := func(f func(*Rule)) Rule { r := rule(); f(&r); return r }
	cases := []struct {
		r     Rule
		field string
	}{
		{edit(func(r *Rule) { r.Index = "" }), "fixings[0].index"},
		{edit(func(r *Rule) { r.Sources = nil }), "fixings[0].sources"},
		{edit(func(r *Rule) { r.Sources = []string{bankA, bankA} }), "fixings[0].sources[1]"},
		{edit(func(r *Rule) { r.Sources = []string{bankA, "Org3MSP/xyz"} }), "fixings[0].sources[1]"},
		{edit(func(r *Rule) { r.MinSources = 4 }), "fixings[0].minSources"},
		{edit(func(r *Rule) { r.MinSources = 0 }), "fixings[0].minSources"},
		{edit(func(r *Rule) { r.MaxSpread = d("-0.0001") }), "fixings[0].maxSpread"},
		{edit(func(r *Rule) { r.StaleDays = 0 }), "fixings[0].staleDays"},
		{edit(func(r *Rule) { r.CutoffDaysBeforePayment = 29 }), "fixings[0].cutoffDaysBeforePayment"},
		{edit(func(r *Rule) { r.CutoffTime = "25:00" }), "fixings[0].cutoffTime"},
		{edit(func(r *Rule) { r.CutoffTime = "9:00" }), "fixings[0].cutoffTime"},
	}
	for _, c := range cases {
		err := ValidateRules("fixings", []Rule{c.r})
		var e *errs.Error
		if err == nil || !errors.As(err, &e) || e.Code != errs.BadInput || e.Field != c.field {
			t.Errorf("%+v: got %v, want BAD_INPUT on %s", c.r, err, c.field)
		}
	}
	if err := ValidateRules("fixings", []Rule{rule(), rule()}); err == nil || !strings.Contains(err.Error(), "already has a rule") {
		t.Errorf("duplicate index: %v", err)
	}
	if err := ValidateRules("fixings", []Rule{rule()}); err != nil {
		t.Errorf("valid rule refused: %v", err)
	}
}

func TestSourceForPrefersTheNamedIdentity(t *testing.T) {
	r := rule()
	r.Sources = append(r.Sources, "Org3MSP")
	if s, ok := r.SourceFor("Org3MSP", deskC); !ok || s != deskC {
		t.Errorf("named identity: %q %v", s, ok)
	}
	if s, ok := r.SourceFor("Org3MSP", "Org3MSP/"+strings.Repeat("d", 64)); !ok || s != "Org3MSP" {
		t.Errorf("other identity of a named MSP: %q %v", s, ok)
	}
	if _, ok := r.SourceFor("Org9MSP", "Org9MSP/"+strings.Repeat("d", 64)); ok {
		t.Error("unnamed MSP accepted")
	}
}
