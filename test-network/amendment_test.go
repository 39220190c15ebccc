package testnetwork

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestIntegrationAmendments runs the holders' consent on the real
// network: class A is held in equal thirds by alice and anna (Org2) and
// bob (Org3); carol (Org3) holds nothing. A transfer-rule change passes
// with a majority of class A and is executed (a trigger-threshold change,
// which writes the next waterfall version, needs a deal with a waterfall:
// the gateway's e2e runs one, the servicing contract's tests the next
// certification under it); a
// trustee succession fails its two-thirds; a coupon change, a sacred
// right, fails without every holder and leaves the tranche unchanged; a
// non-holder's vote is refused; a coupon change every holder consents to
// is executed.
func TestIntegrationAmendments(t *testing.T) {
	cs := startDealNetwork(t)
	const dealID = "DEAL-AMD-1"
	tranche, _ := tradingDeal(t, cs, "POOL-AMD-1", dealID, 40, []string{"alice", "anna", "bob"}, []string{"carol"}, money.FromMajor(10))
	arranger, trustee := cs.get("arranger"), cs.get("trustee")

	propose := func(id string, kind consent.Kind, affected []string, change schema.AmendmentChange) schema.Amendment {
		t.Helper()
		now := time.Now().UTC()
		cs.submit(arranger, "Amendment:Propose", []string{dealID, canonJSON(t, amendment.ProposalInput{ID: id, Kind: kind,
			Affected: affected, Change: change, Reason: "noteholders' meeting", RecordDate: now.Add(-time.Minute), Expiry: now.Add(24 * time.Hour)})}, nil, "")
		var list struct {
			Holders []struct {
				Holder string `json:"holder"`
			} `json:"holders"`
		}
		cs.evaluate(trustee, "Token:Holders", []string{tranche}, &list)
		var keys []string
		for _, h := range list.Holders {
			keys = append(keys, h.Holder)
		}
		holders, _ := json.Marshal(map[string][]string{tranche: keys})
		cs.submit(trustee, "Amendment:Record", []string{dealID, id}, map[string][]byte{amendment.TransientHolders: holders}, "")
		return cs.amendment(dealID, id)
	}
	vote := func(name, id string, inFavour bool) {
		t.Helper()
		b, _ := json.Marshal(amendment.Ballot{Tranche: tranche, InFavour: inFavour})
		cs.submit(cs.get(name), "Amendment:Vote", []string{dealID, id}, map[string][]byte{amendment.TransientVote: b}, "")
	}

	t.Run("a transfer-rule change passes with a majority of class A and is executed", func(t *testing.T) {
		blockKP := &rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, BlockedJurisdictions: []string{"KP"},
			MinDenomination: 1000, DenominationIncrement: 1000, ConsortiumMSPs: cs.cfg.Custodians()}
		a := propose("AMD-RULES", consent.TransferRuleChange, []string{tranche}, schema.AmendmentChange{Rules: blockKP})
		if a.Status != schema.AmendmentOpen || len(a.Tally.Classes) != 1 || a.Tally.Classes[0].Holders != 3 {
			t.Fatalf("recorded %+v", a)
		}
		vote("alice", "AMD-RULES", true)
		if got := cs.amendment(dealID, "AMD-RULES"); got.Outcome != consent.Pending {
			t.Fatalf("a third passed it: %s", got.Outcome)
		}
		vote("bob", "AMD-RULES", true)
		if got := cs.amendment(dealID, "AMD-RULES"); got.Outcome != consent.Passed {
			t.Fatalf("two thirds did not pass it: %s %+v", got.Outcome, got.Tally)
		}
		cs.submit(trustee, "Amendment:Execute", []string{dealID, "AMD-RULES"}, nil, "")
		var history []schema.DealVersion
		cs.evaluate(cs.get("bob"), "Amendment:History", []string{dealID}, &history)
		if len(history) != 1 || history[0].Amendment != "AMD-RULES" || history[0].Version != 1 || history[0].Change.Rules == nil {
			t.Fatalf("history %+v", history)
		}
	})

	t.Run("a trustee succession fails its two-thirds", func(t *testing.T) {
		propose("AMD-TRUSTEE", consent.TrusteeSuccession, nil, schema.AmendmentChange{Successor: "Org2MSP"})
		vote("alice", "AMD-TRUSTEE", true)
		vote("anna", "AMD-TRUSTEE", false)
		vote("bob", "AMD-TRUSTEE", false)
		if got := cs.amendment(dealID, "AMD-TRUSTEE"); got.Outcome != consent.Failed {
			t.Fatalf("outcome %s", got.Outcome)
		}
		cs.refused(trustee, "Amendment:Execute", []string{dealID, "AMD-TRUSTEE"}, nil, "", errs.WrongState)
	})

	t.Run("a coupon change needs every holder of the class", func(t *testing.T) {
		var before schema.Tranche
		cs.evaluate(cs.get("bob"), "Deal:GetTranche", []string{tranche}, &before)
		var coupon schema.Coupon
		if err := json.Unmarshal([]byte(`{"fixed":"0.02","dayCount":"30/360"}`), &coupon); err != nil {
			t.Fatal(err)
		}
		a := propose("AMD-COUPON", consent.CouponChange, []string{tranche}, schema.AmendmentChange{Coupon: &coupon})
		if a.Requirement.Threshold != consent.Unanimous || !a.Requirement.Sacred {
			t.Fatalf("requirement %+v", a.Requirement)
		}
		vote("alice", "AMD-COUPON", true)
		vote("anna", "AMD-COUPON", true)
		vote("bob", "AMD-COUPON", false)
		if got := cs.amendment(dealID, "AMD-COUPON"); got.Outcome != consent.Failed {
			t.Fatalf("two thirds changed a sacred right: %s", got.Outcome)
		}
		cs.refused(trustee, "Amendment:Execute", []string{dealID, "AMD-COUPON"}, nil, "", errs.WrongState)
		var after schema.Tranche
		cs.evaluate(cs.get("bob"), "Deal:GetTranche", []string{tranche}, &after)
		if canonJSON(t, after) != canonJSON(t, before) {
			t.Fatalf("tranche terms changed: %+v", after)
		}
	})

	t.Run("a non-holder cannot vote", func(t *testing.T) {
		before := cs.amendment(dealID, "AMD-COUPON")
		b, _ := json.Marshal(amendment.Ballot{Tranche: tranche, InFavour: true})
		cs.refused(cs.get("carol"), "Amendment:Vote", []string{dealID, "AMD-COUPON"}, map[string][]byte{amendment.TransientVote: b}, "", errs.Forbidden)
		cs.refused(cs.get("bob"), "Amendment:Vote", []string{dealID, "AMD-COUPON"}, map[string][]byte{amendment.TransientVote: b}, "", errs.AlreadyExists)
		if after := cs.amendment(dealID, "AMD-COUPON"); canonJSON(t, after.Tally) != canonJSON(t, before.Tally) {
			t.Fatalf("a refused vote changed the tally: %+v", after.Tally)
		}
	})

	t.Run("a coupon change every holder consents to is executed", func(t *testing.T) {
		var before schema.Tranche
		cs.evaluate(cs.get("bob"), "Deal:GetTranche", []string{tranche}, &before)
		var coupon schema.Coupon
		if err := json.Unmarshal([]byte(`{"fixed":"0.0425"}`), &coupon); err != nil {
			t.Fatal(err)
		}
		propose("AMD-COUPON-2", consent.CouponChange, []string{tranche}, schema.AmendmentChange{Coupon: &coupon})
		for _, name := range []string{"alice", "anna", "bob"} {
			vote(name, "AMD-COUPON-2", true)
		}
		cs.submit(trustee, "Amendment:Execute", []string{dealID, "AMD-COUPON-2"}, nil, "")
		var after schema.Tranche
		cs.evaluate(cs.get("bob"), "Deal:GetTranche", []string{tranche}, &after)
		// The new rate; the day count the change did not name is kept. (This
		// deal has no waterfall yet: SetWaterfall checks its classes against
		// these terms; a deal with one gets its next waterfall version with
		// the class's new coupon, paid from the next certified period, as
		// the servicing contract's tests show.)
		if after.Coupon == nil || after.Coupon.Fixed == nil || after.Coupon.Fixed.String() != "0.0425" || after.Coupon.DayCount != before.Coupon.DayCount {
			t.Fatalf("coupon after execution: %+v (before %+v)", after.Coupon, before.Coupon)
		}
		var history []schema.DealVersion
		cs.evaluate(cs.get("bob"), "Amendment:History", []string{dealID}, &history)
		if len(history) != 2 || history[1].Amendment != "AMD-COUPON-2" || history[1].Kind != consent.CouponChange {
			t.Fatalf("history %+v", history)
		}
	})
}

// amendment reads an amendment's public record.
func (cs *cast) amendment(dealID, id string) schema.Amendment {
	cs.t.Helper()
	var a schema.Amendment
	cs.evaluate(cs.get("bob"), "Amendment:Get", []string{dealID, id}, &a)
	return a
}
