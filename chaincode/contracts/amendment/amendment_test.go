package amendment_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// setup: class A placed 5,000 units with alice and 3,000 with anna (the
// servicer's bank) and 2,000 with bob (the investor bank); bella holds
// nothing.
type setup struct {
	w                       *contracttest.World
	f                       contracttest.Fixture
	alice, anna, bob, bella *stubtest.Identity
}

func newSetup(t *testing.T) setup {
	w := contracttest.New(t)
	f := w.Standard()
	s := setup{w: w, f: f, alice: f.Investors[0], anna: f.Investors[1], bob: f.Investors[2], bella: f.Investors[3]}
	w.IssueAndPlace(f.A, []*stubtest.Identity{s.alice, s.anna, s.bob}, []int64{5000, 3000, 2000})
	return s
}

func (s setup) propose(t *testing.T, in amendment.ProposalInput) {
	t.Helper()
	if in.RecordDate.IsZero() {
		in.RecordDate = s.w.Now()
		in.Expiry = s.w.Now().Add(30 * 24 * time.Hour)
	}
	if in.Reason == "" {
		in.Reason = "holders' meeting notice 1"
	}
	b, err := canon.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	s.w.Must(s.w.Arranger, "Amendment:Propose", s.f.Deal, string(b))
	s.record(t, in.ID)
}

// record has the trustee list class A's holders on its peer and record
// their positions.
func (s setup) record(t *testing.T, id string) {
	t.Helper()
	s.w.MustWith(s.w.Trustee, "Amendment:Record", []string{s.f.Deal, id}, s.holders(t, s.f.A))
}

func (s setup) holders(t *testing.T, tranches ...string) stubtest.InvokeOption {
	t.Helper()
	list := map[string][]string{}
	for _, tr := range tranches {
		for _, h := range contracttest.Decode[schema.HolderList](t, s.w.Must(s.w.Trustee, "Token:Holders", tr)).Holders {
			list[tr] = append(list[tr], h.Holder)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	return stubtest.Transient(map[string][]byte{amendment.TransientHolders: b})
}

func ballot(t *testing.T, tranche string, inFavour bool) stubtest.InvokeOption {
	b, err := json.Marshal(amendment.Ballot{Tranche: tranche, InFavour: inFavour})
	if err != nil {
		t.Fatal(err)
	}
	return stubtest.Transient(map[string][]byte{amendment.TransientVote: b})
}

func (s setup) vote(t *testing.T, who *stubtest.Identity, id string, inFavour bool) {
	t.Helper()
	s.w.MustWith(who, "Amendment:Vote", []string{s.f.Deal, id}, ballot(t, s.f.A, inFavour))
}

func (s setup) get(t *testing.T, id string) schema.Amendment {
	t.Helper()
	return contracttest.Decode[schema.Amendment](t, s.w.Must(s.w.NoRole, "Amendment:Get", s.f.Deal, id))
}

// blockKP is a transfer-rule change: class A no longer goes to investors
// in North Korea.
func (s setup) blockKP() schema.AmendmentChange {
	return schema.AmendmentChange{Rules: &rules.TrancheRules{EligibleInvestorTypes: []string{"qib"},
		BlockedJurisdictions: []string{"KP"}, ConsortiumMSPs: s.w.Net.Config.Custodians()}}
}

// A transfer-rule change of class A needs a majority of A: alice's 50%
// is not enough, with bob's 20% it passes; the trustee executes it and
// the deal's history shows version 1. (Trigger-threshold and waterfall
// changes, which need a deal with a waterfall, are tested with the
// servicing contract's deals.)
func TestAnAmendmentThatPasses(t *testing.T) {
	s := newSetup(t)
	s.propose(t, amendment.ProposalInput{ID: "AMD-1", Kind: consent.TransferRuleChange, Affected: []string{s.f.A}, Change: s.blockKP()})
	a := s.get(t, "AMD-1")
	face := s.get(t, "AMD-1").Tally.Classes[0].Outstanding / 10000
	want := consent.Requirement{Threshold: consent.Majority, Basis: consent.ControllingClass, Classes: []string{s.f.A}}
	if a.Status != schema.AmendmentOpen || a.Requirement.Threshold != want.Threshold || a.Requirement.Classes[0] != s.f.A ||
		a.Tally.Classes[0].Holders != 3 || face <= 0 {
		t.Fatalf("recorded %+v", a)
	}
	s.w.Refused(errs.WrongState, s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-1")
	s.vote(t, s.alice, "AMD-1", true)
	if got := s.get(t, "AMD-1"); got.Outcome != consent.Pending || got.Tally.Classes[0].For != face*5000 {
		t.Fatalf("after alice %+v", got.Tally)
	}
	s.vote(t, s.bob, "AMD-1", true)
	if got := s.get(t, "AMD-1"); got.Outcome != consent.Passed || got.Tally.Classes[0].ForHolders != 2 {
		t.Fatalf("after bob %+v %s", got.Tally, got.Outcome)
	}
	s.w.Refused(errs.Forbidden, s.w.Arranger, "Amendment:Execute", s.f.Deal, "AMD-1")
	s.w.Must(s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-1")
	history := contracttest.Decode[[]schema.DealVersion](t, s.w.Must(s.bob, "Amendment:History", s.f.Deal))
	if len(history) != 1 || history[0].Version != 1 || history[0].Amendment != "AMD-1" || history[0].Change.Rules == nil ||
		!slices.Equal(history[0].Change.Rules.BlockedJurisdictions, []string{"KP"}) {
		t.Fatalf("history %+v", history)
	}
	s.w.Refused(errs.WrongState, s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-1")
	s.w.RefusedWith(errs.WrongState, s.anna, "Amendment:Vote", []string{s.f.Deal, "AMD-1"}, ballot(t, s.f.A, false))
}

// A trustee succession needs two-thirds of A: alice's 50% for and anna's
// and bob's 50% against can never reach it.
func TestAnAmendmentThatFailsItsThreshold(t *testing.T) {
	s := newSetup(t)
	s.propose(t, amendment.ProposalInput{ID: "AMD-2", Kind: consent.TrusteeSuccession,
		Change: schema.AmendmentChange{Successor: s.w.Net.Servicer}})
	s.vote(t, s.alice, "AMD-2", true)
	s.vote(t, s.anna, "AMD-2", false)
	if got := s.get(t, "AMD-2"); got.Outcome != consent.Pending {
		t.Fatalf("70%% still possible: %s", got.Outcome)
	}
	s.vote(t, s.bob, "AMD-2", false)
	if got := s.get(t, "AMD-2"); got.Outcome != consent.Failed {
		t.Fatalf("outcome %s", got.Outcome)
	}
	r := s.w.Refused(errs.WrongState, s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-2")
	if !strings.Contains(r.Message, "two-thirds") {
		t.Errorf("the refusal does not name the threshold: %s", r.Message)
	}
}

// A coupon change of A is a sacred right: 80% for is not enough while
// bob votes against; with every holder for it passes and the tranche's
// coupon changes.
func TestASacredRightNeedsEveryHolder(t *testing.T) {
	s := newSetup(t)
	fixed := func(r string) *schema.Coupon {
		var c schema.Coupon
		if err := json.Unmarshal([]byte(`{"fixed":"`+r+`","dayCount":"30/360"}`), &c); err != nil {
			t.Fatal(err)
		}
		return &c
	}
	tranche := func() schema.Tranche {
		return contracttest.Decode[schema.Tranche](t, s.w.Must(s.bob, "Deal:GetTranche", s.f.A))
	}
	before := tranche()
	s.propose(t, amendment.ProposalInput{ID: "AMD-3", Kind: consent.CouponChange, Affected: []string{s.f.A},
		Change: schema.AmendmentChange{Coupon: fixed("0.0300")}})
	if a := s.get(t, "AMD-3"); a.Requirement.Threshold != consent.Unanimous || !a.Requirement.Sacred {
		t.Fatalf("requirement %+v", a.Requirement)
	}
	s.vote(t, s.alice, "AMD-3", true)
	s.vote(t, s.anna, "AMD-3", true)
	s.vote(t, s.bob, "AMD-3", false)
	if got := s.get(t, "AMD-3"); got.Outcome != consent.Failed {
		t.Fatalf("outcome %s", got.Outcome)
	}
	s.w.Refused(errs.WrongState, s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-3")
	if after := tranche(); canonOf(t, after) != canonOf(t, before) {
		t.Fatalf("tranche terms changed: %+v", after)
	}

	s.propose(t, amendment.ProposalInput{ID: "AMD-4", Kind: consent.CouponChange, Affected: []string{s.f.A},
		Change: schema.AmendmentChange{Coupon: fixed("0.0300")}})
	for _, h := range []*stubtest.Identity{s.alice, s.anna, s.bob} {
		s.vote(t, h, "AMD-4", true)
	}
	s.w.Must(s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-4")
	if c := tranche().Coupon; c == nil || c.Fixed == nil || c.Fixed.String() != "0.03" {
		t.Fatalf("coupon after the amendment %+v", c)
	}
}

// Only holders at the record date vote, once each, while the vote is
// open; votes stay in the holders' registries.
func TestVotesAreHoldersOnlyOnceAndPrivate(t *testing.T) {
	s := newSetup(t)
	in := amendment.ProposalInput{ID: "AMD-5", Kind: consent.ServicerReplacement, Reason: "servicer termination event",
		Change:     schema.AmendmentChange{Successor: s.w.Net.Servicer},
		RecordDate: s.w.Now().Add(time.Hour), Expiry: s.w.Now().Add(48 * time.Hour)}
	b, _ := canon.Marshal(in)
	s.w.Must(s.w.Trustee, "Amendment:Propose", s.f.Deal, string(b))
	s.w.RefusedWith(errs.WrongState, s.alice, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.A, true))
	s.w.RefusedWith(errs.WrongState, s.w.Trustee, "Amendment:Record", []string{s.f.Deal, "AMD-5"}, s.holders(t, s.f.A)) // before the record date
	s.w.Advance(time.Hour)
	// A list that leaves a holder out is refused.
	partial, _ := json.Marshal(map[string][]string{s.f.A: {s.w.Key(s.alice), s.w.Key(s.anna)}})
	s.w.RefusedWith(errs.Conflict, s.w.Trustee, "Amendment:Record", []string{s.f.Deal, "AMD-5"},
		stubtest.Transient(map[string][]byte{amendment.TransientHolders: partial}))
	s.record(t, "AMD-5")
	// Units bought after the record date carry no vote.
	s.w.RefusedWith(errs.Forbidden, s.bella, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.A, true))
	s.w.RefusedWith(errs.Forbidden, s.bob, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.B, true))
	s.w.RefusedWith(errs.Forbidden, s.w.Arranger, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.A, true))
	s.w.Refused(errs.BadInput, s.bob, "Amendment:Vote", s.f.Deal, "AMD-5") // no ballot in the transient map
	s.vote(t, s.bob, "AMD-5", false)
	s.w.RefusedWith(errs.AlreadyExists, s.bob, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.A, true))
	mine := contracttest.Decode[schema.AmendmentPosition](t, s.w.Must(s.bob, "Amendment:MyVote", s.f.Deal, "AMD-5", s.f.A))
	if !mine.Voted || mine.For || mine.Units != 2000 {
		t.Fatalf("bob's vote %+v", mine)
	}
	// Nothing public names a holder: not the record, not an event.
	for k, v := range s.w.Public() {
		for _, h := range []*stubtest.Identity{s.alice, s.anna, s.bob} {
			if strings.Contains(k, "amendment") && strings.Contains(string(v), s.w.Key(h)) {
				t.Errorf("public %q names %s", k, s.w.Key(h))
			}
		}
	}
	for _, e := range s.w.Events() {
		if strings.Contains(string(e.Payload), "Amendment") && strings.Contains(string(e.Payload), s.w.Key(s.bob)) {
			t.Errorf("event of %s names bob", e.TxID)
		}
	}
	s.w.Advance(48 * time.Hour)
	s.w.RefusedWith(errs.WrongState, s.alice, "Amendment:Vote", []string{s.f.Deal, "AMD-5"}, ballot(t, s.f.A, true))
	s.w.Refused(errs.WrongState, s.w.Trustee, "Amendment:Execute", s.f.Deal, "AMD-5")
}

// The amendment record is kept by the trustee (it counts votes alone, as
// it keeps the registers); an executed version is governed.
func TestAmendmentRecordsPolicies(t *testing.T) {
	s := newSetup(t)
	s.propose(t, amendment.ProposalInput{ID: "AMD-6", Kind: consent.TransferRuleChange, Affected: []string{s.f.A}, Change: s.blockKP()})
	key := mustKey(t, schema.TypeAmendment, s.f.Deal, "AMD-6")
	ep := s.w.ValidationParameter(key)
	if ok, _ := keypolicy.Satisfied(ep, []string{s.w.Net.Trustee}); !ok {
		t.Fatal("the trustee alone cannot count a vote")
	}
	if ok, _ := keypolicy.Satisfied(ep, []string{s.w.Net.Servicer, s.w.Net.Investors}); ok {
		t.Fatal("two banks can rewrite the tally")
	}
}

func TestProposalsAreChecked(t *testing.T) {
	s := newSetup(t)
	now := s.w.Now()
	date := daycount.Date{Year: 2020, Month: 1, Day: 1}
	cases := []struct {
		in    amendment.ProposalInput
		field string
	}{
		{amendment.ProposalInput{ID: "X", Kind: "rename", Change: schema.AmendmentChange{Terms: "x"}}, "kind"},
		{amendment.ProposalInput{ID: "X", Kind: consent.CouponChange, Affected: []string{s.f.A}}, "change"},
		{amendment.ProposalInput{ID: "X", Kind: consent.PrincipalChange, Affected: []string{s.f.A}}, "change.terms"},
		{amendment.ProposalInput{ID: "X", Kind: consent.TriggerThresholdChange, Change: schema.AmendmentChange{Terms: "x"}}, "trigger"},
		{amendment.ProposalInput{ID: "X", Kind: consent.WaterfallChange, Affected: []string{s.f.B}, Change: schema.AmendmentChange{Terms: "x"}}, "waterfall"},
		{amendment.ProposalInput{ID: "X", Kind: consent.MaturityExtension, Affected: []string{s.f.A},
			Change: schema.AmendmentChange{LegalFinalDate: &date}}, "change.legalFinalDate"},
		{amendment.ProposalInput{ID: "X", Kind: consent.TransferRuleChange, Affected: []string{"OTHER-A"},
			Change: schema.AmendmentChange{Terms: "x"}}, "change"},
		{amendment.ProposalInput{ID: "X", Kind: consent.ServicerReplacement, Change: schema.AmendmentChange{Successor: "Org9MSP"}}, "change.successor"},
	}
	for _, c := range cases {
		c.in.Reason = "r"
		c.in.RecordDate, c.in.Expiry = now, now.Add(time.Hour)
		b, _ := canon.Marshal(c.in)
		r := s.w.Refused(errs.BadInput, s.w.Arranger, "Amendment:Propose", s.f.Deal, string(b))
		if !strings.Contains(r.Message, c.field) {
			t.Errorf("%s: %q does not name %s", c.in.Kind, r.Message, c.field)
		}
	}
	b, _ := canon.Marshal(amendment.ProposalInput{ID: "X", Kind: consent.PrincipalChange, Affected: []string{s.f.A}, Reason: "r",
		Change: schema.AmendmentChange{Terms: "x"}, RecordDate: now, Expiry: now.Add(time.Hour)})
	s.w.Refused(errs.Forbidden, s.bob, "Amendment:Propose", s.f.Deal, string(b))
	s.w.Refused(errs.NotFound, s.w.Arranger, "Amendment:Propose", "NO-DEAL", string(b))
	s.w.Must(s.w.Arranger, "Amendment:Propose", s.f.Deal, string(b))
	s.w.Refused(errs.AlreadyExists, s.w.Trustee, "Amendment:Propose", s.f.Deal, string(b))
	if list := contracttest.Decode[[]schema.Amendment](t, s.w.Must(s.bob, "Amendment:List", s.f.Deal)); len(list) != 1 {
		t.Fatalf("list %+v", list)
	}
}

func canonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
