package amendment

import (
	"slices"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// ProposalInput is the argument of Amendment:Propose, as JSON:
//
//	{"id":"AMD-1","kind":"servicer-replacement","affected":[],
//	 "change":{"successor":"Org3MSP"},"reason":"servicer default",
//	 "recordDate":"2026-12-01T00:00:00Z","expiry":"2026-12-31T00:00:00Z"}
type ProposalInput struct {
	ID              string                 `json:"id"`
	Kind            consent.Kind           `json:"kind"`
	Affected        []string               `json:"affected"`
	TouchesPriority bool                   `json:"touchesPriority,omitempty"`
	Change          schema.AmendmentChange `json:"change"`
	Reason          string                 `json:"reason"`
	RecordDate      time.Time              `json:"recordDate"`
	Expiry          time.Time              `json:"expiry"`
}

// maxVotingWindow bounds how long a vote may stay open.
const maxVotingWindow = 366 * 24 * time.Hour

// validate checks the input's own fields and that the change carries
// exactly the term of its kind; tranches and the consortium come from the
// ledger (checkAgainst).
func (in *ProposalInput) validate() error {
	if _, err := schema.ParseID("id", in.ID); err != nil {
		return err
	}
	reason, err := schema.ParseText("reason", in.Reason, 512)
	if err != nil {
		return err
	}
	in.Reason = reason
	if in.Affected == nil {
		in.Affected = []string{}
	}
	if in.RecordDate.IsZero() {
		return errs.Field("recordDate", "required (RFC 3339): positions are fixed then")
	}
	if !in.Expiry.After(in.RecordDate) || in.Expiry.Sub(in.RecordDate) > maxVotingWindow {
		return errs.Field("expiry", "must be after the record date and within %s of it", maxVotingWindow)
	}
	c := in.Change
	want := map[consent.Kind]bool{
		consent.CouponChange:           c.Coupon != nil,
		consent.MaturityExtension:      c.LegalFinalDate != nil,
		consent.TransferRuleChange:     c.Rules != nil,
		consent.ServicerReplacement:    c.Successor != "",
		consent.TrusteeSuccession:      c.Successor != "",
		consent.TriggerThresholdChange: c.Trigger != nil,
		consent.WaterfallChange:        len(c.Waterfall) > 0,
	}
	present := 0
	for _, p := range []bool{c.Coupon != nil, c.LegalFinalDate != nil, c.Rules != nil, c.Successor != "", c.Trigger != nil, len(c.Waterfall) > 0} {
		if p {
			present++
		}
	}
	if has, named := want[in.Kind]; named && !has {
		return errs.Field("change", "a %s states the new term in its own field (coupon, legalFinalDate, rules, successor, trigger or waterfall)", in.Kind)
	}
	if _, named := want[in.Kind]; !named && present > 0 {
		return errs.Field("change", "a %s is described in change.terms; it sets no coupon, date, rules, successor, trigger or waterfall", in.Kind)
	}
	if present > 1 {
		return errs.Field("change", "one amendment changes one term")
	}
	if _, named := want[in.Kind]; !named {
		terms, err := schema.ParseText("change.terms", c.Terms, 2048)
		if err != nil {
			return err
		}
		if terms == "" {
			return errs.Field("change.terms", "describe the new terms the holders consent to")
		}
	}
	if c.Coupon != nil && c.Coupon.Fixed == nil && c.Coupon.Index == "" {
		return errs.Field("change.coupon", "a coupon is fixed or an index plus margin")
	}
	if c.Rules != nil {
		if err := c.Rules.Validate(); err != nil {
			return errs.Wrap(err, "change.rules")
		}
	}
	return nil
}

// checkAgainst checks the input against the deal and the consortium:
// affected tranches belong to the deal, a maturity is extended (not
// shortened), and a successor may hold the role it takes over.
func (in *ProposalInput) checkAgainst(d schema.Deal, tranches map[string]schema.Tranche, cfg roles.OrgConfig) error {
	for i, id := range in.Affected {
		if !slices.Contains(d.Tranches, id) {
			return errs.Field("affected", "tranche %s (affected[%d]) is not a tranche of deal %s", id, i, d.ID)
		}
		t := tranches[id]
		if in.Change.LegalFinalDate != nil && !t.LegalFinalDate.Before(*in.Change.LegalFinalDate) {
			return errs.Field("change.legalFinalDate", "%s does not extend tranche %s's legal final date %s", in.Change.LegalFinalDate, id, t.LegalFinalDate)
		}
		if in.Change.Coupon != nil && t.Coupon == nil {
			return errs.Field("affected", "tranche %s is a certificate and pays no coupon", id)
		}
	}
	role := map[consent.Kind]roles.Role{consent.ServicerReplacement: roles.Servicer, consent.TrusteeSuccession: roles.Trustee}[in.Kind]
	if role != "" {
		if o, ok := cfg.Org(in.Change.Successor); !ok || (role == roles.Servicer && !o.Roles.Has(role)) {
			return errs.Field("change.successor", "%s must be a member bank that may hold role %s", in.Change.Successor, role)
		}
	}
	return nil
}
