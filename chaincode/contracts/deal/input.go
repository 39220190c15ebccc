package deal

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// DealInput is the argument of Deal:Create, as JSON:
//
//	{"id":"AUTO-2026-1","name":"Tranchenet Auto Receivables 2026-1","pool":"POOL-1",
//	 "requiredCollateralization":"0.95",
//	 "tranches":[{"id":"AUTO-2026-1-A","class":"A","seniority":1,"kind":"note",
//	   "originalFace":"800000.00","unitFace":"1000.00",
//	   "coupon":{"fixed":"0.0525","dayCount":"30/360"},"legalFinalDate":"2031-06-15",
//	   "rules":{"eligibleInvestorTypes":["qib"],"consortiumMSPs":["Org1MSP","Org2MSP","Org3MSP"],...}}]}
type DealInput struct {
	ID                        string          `json:"id"`
	Name                      string          `json:"name"`
	Pool                      string          `json:"pool"`
	RequiredCollateralization decimal.Decimal `json:"requiredCollateralization"`
	Tranches                  []TrancheInput  `json:"tranches"`
}

// TrancheInput is one tranche of DealInput: the schema.Tranche terms a
// client sets (the supply and bookkeeping fields are the ledger's).
type TrancheInput struct {
	ID             string             `json:"id"`
	Class          string             `json:"class"`
	Seniority      int                `json:"seniority"`
	Kind           schema.TrancheKind `json:"kind"`
	OriginalFace   money.Amount       `json:"originalFace"`
	UnitFace       money.Amount       `json:"unitFace"`
	Coupon         *schema.Coupon     `json:"coupon,omitempty"`
	LegalFinalDate daycount.Date      `json:"legalFinalDate"`
	Rules          rules.TrancheRules `json:"rules"`
}

// maxTranches bounds a deal's tranches; real deals have fewer than a dozen.
const maxTranches = 32

var (
	zero = decimal.Zero
	one  = decimal.NewFromInt(1)
)

// validate checks the deal's terms against each other and the consortium;
// the pool and the uniqueness of IDs in the ledger are checked by Create.
func (in DealInput) validate(cfg roles.OrgConfig) error {
	if _, err := schema.ParseID("id", in.ID); err != nil {
		return err
	}
	if _, err := schema.ParseText("name", in.Name, 200); err != nil {
		return err
	}
	if _, err := schema.ParseID("pool", in.Pool); err != nil {
		return err
	}
	rc := in.RequiredCollateralization
	if err := args.CheckDecimal("requiredCollateralization", rc, zero, one); err != nil {
		return err
	}
	if !rc.IsPositive() {
		return errs.Field("requiredCollateralization", "must be above 0 (the largest fraction of the pool balance the issued face may reach), got %s", rc)
	}
	if len(in.Tranches) == 0 || len(in.Tranches) > maxTranches {
		return errs.Field("tranches", "a deal has 1 to %d tranches, got %d", maxTranches, len(in.Tranches))
	}
	for i, t := range in.Tranches {
		field := fmt.Sprintf("tranches[%d]", i)
		if err := t.validate(cfg); err != nil {
			return errs.Wrap(err, "%s", field)
		}
		if j := slices.IndexFunc(in.Tranches, func(o TrancheInput) bool { return o.ID == t.ID }); j < i {
			return errs.Field(field+".id", "%s repeats tranches[%d].id", t.ID, j)
		}
	}
	return nil
}

func (t TrancheInput) validate(cfg roles.OrgConfig) error {
	if _, err := schema.ParseID("id", t.ID); err != nil {
		return err
	}
	if _, err := schema.ParseID("class", t.Class); err != nil {
		return err
	}
	if t.Seniority < 1 || t.Seniority > maxTranches {
		return errs.Field("seniority", "must be 1 (most senior) to %d, got %d", maxTranches, t.Seniority)
	}
	switch t.Kind {
	case schema.KindNote:
		if t.Coupon == nil {
			return errs.Field("coupon", "a note needs a coupon")
		}
		if err := validateCoupon(*t.Coupon); err != nil {
			return errs.Wrap(err, "coupon")
		}
	case schema.KindCertificate:
		if t.Coupon != nil {
			return errs.Field("coupon", "a certificate (the residual class) has no coupon")
		}
	default:
		return errs.Field("kind", "%q is not a tranche kind (note or certificate)", t.Kind)
	}
	if !t.OriginalFace.IsPositive() {
		return errs.Field("originalFace", "must be positive, got %s", t.OriginalFace)
	}
	if !t.UnitFace.IsPositive() {
		return errs.Field("unitFace", "must be positive, got %s", t.UnitFace)
	}
	if t.OriginalFace%t.UnitFace != 0 {
		return errs.Field("originalFace", "%s is not a whole number of units of %s", t.OriginalFace, t.UnitFace)
	}
	if t.LegalFinalDate.IsZero() {
		return errs.Field("legalFinalDate", "required")
	}
	if err := t.Rules.Validate(); err != nil {
		return errs.Wrap(err, "rules")
	}
	for i, msp := range t.Rules.ConsortiumMSPs {
		if o, ok := cfg.Org(msp); !ok || !o.Custodian {
			return errs.Field(fmt.Sprintf("rules.consortiumMSPs[%d]", i),
				"%s is not a custodian member of the consortium: its identities could hold no units", msp)
		}
	}
	return nil
}

// checkDates checks the tranches' dates against the pool's cut-off.
func (in DealInput) checkDates(pool schema.Pool) error {
	cutoff, err := daycount.Parse(pool.CutoffDate)
	if err != nil {
		return errs.New(errs.Internal, "pool %s: stored cut-off date: %v", pool.ID, err)
	}
	for i, t := range in.Tranches {
		if !cutoff.Before(t.LegalFinalDate) {
			return errs.Field(fmt.Sprintf("tranches[%d].legalFinalDate", i),
				"%s is not after the cut-off date %s of pool %s", t.LegalFinalDate, cutoff, pool.ID)
		}
	}
	return nil
}

// validateCoupon checks a note's coupon: fixed, or an index plus a margin
// with an optional floor and cap, and a day count the waterfall knows.
func validateCoupon(c schema.Coupon) error {
	minRate, maxRate := decimal.NewFromInt(-1), one
	for _, r := range []struct {
		field string
		value *decimal.Decimal
	}{{"fixed", c.Fixed}, {"margin", &c.Margin}, {"floor", c.Floor}, {"cap", c.Cap}} {
		if r.value != nil {
			if err := args.CheckDecimal(r.field, *r.value, minRate, maxRate); err != nil {
				return err
			}
		}
	}
	switch {
	case c.Fixed != nil && c.Index != "":
		return errs.Field("index", "a coupon is fixed or floating, not both")
	case c.Fixed != nil && (!c.Margin.IsZero() || c.Floor != nil || c.Cap != nil):
		return errs.Field("fixed", "a fixed coupon takes no margin, floor or cap")
	case c.Fixed == nil && c.Index == "":
		return errs.Field("fixed", "give a fixed rate, or an index and a margin")
	}
	if c.Index != "" {
		if _, err := schema.ParseID("index", c.Index); err != nil {
			return err
		}
	}
	if c.Floor != nil && c.Cap != nil && c.Floor.GreaterThan(*c.Cap) {
		return errs.Field("floor", "%s is above the cap %s", c.Floor, c.Cap)
	}
	if !c.DayCount.Valid() {
		return errs.Field("dayCount", "%q is not a day count (%s or %s)", c.DayCount, daycount.Thirty360, daycount.Actual360)
	}
	return nil
}
