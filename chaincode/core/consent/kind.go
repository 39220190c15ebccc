package consent

import (
	"fmt"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Kind is what an amendment changes.
type Kind string

// The kinds of amendment.
const (
	CouponChange           Kind = "coupon-change"            // a class's coupon or margin: sacred
	PrincipalChange        Kind = "principal-change"         // a class's principal (write-down, deferral): sacred
	MaturityExtension      Kind = "maturity-extension"       // a class's legal final date: sacred
	TransferRuleChange     Kind = "transfer-rule-change"     // who may hold or buy a class
	WaterfallChange        Kind = "waterfall-change"         // the waterfall definition (sacred when it touches priority)
	TriggerThresholdChange Kind = "trigger-threshold-change" // a trigger's level (OC, delinquency, loss)
	ServicerReplacement    Kind = "servicer-replacement"     // terminate the servicer, appoint the backup servicer
	TrusteeSuccession      Kind = "trustee-succession"       // replace the trustee bank
	// LiquidationDirection directs the trustee, after an event of default,
	// to sell the pool by auction (package auction).
	LiquidationDirection Kind = "liquidation-direction"
)

// Kinds lists every kind, in a fixed order.
var Kinds = []Kind{CouponChange, PrincipalChange, MaturityExtension, TransferRuleChange, WaterfallChange,
	TriggerThresholdChange, ServicerReplacement, TrusteeSuccession, LiquidationDirection}

// Threshold is how much consent a class must give.
type Threshold string

// Thresholds.
const (
	Majority  Threshold = "majority"   // more than half of the class's outstanding principal
	TwoThirds Threshold = "two-thirds" // at least two-thirds of it
	Unanimous Threshold = "unanimous"  // every holder of the class (all of its principal)
)

// Basis says which classes vote.
type Basis string

// Bases.
const (
	ControllingClass  Basis = "controlling-class"   // the most senior class with principal outstanding
	EachAffectedClass Basis = "each-affected-class" // every class whose terms change, each on its own
)

// Class is a class of the deal at the record date.
type Class struct {
	ID          string       `json:"id"`
	Seniority   int          `json:"seniority"` // 1 is the most senior
	Outstanding money.Amount `json:"outstanding"`
}

// Proposal is what a consent requirement is derived from.
type Proposal struct {
	Kind Kind `json:"kind"`
	// Affected are the classes whose terms change (every kind that
	// changes a class's terms names them; deal-wide kinds may leave it
	// empty).
	Affected []string `json:"affected"`
	// TouchesPriority marks a waterfall change that reorders or
	// subordinates payments to an affected class: a sacred right.
	TouchesPriority bool `json:"touchesPriority,omitempty"`
}

// Requirement is the consent an amendment needs.
type Requirement struct {
	Threshold Threshold `json:"threshold"`
	Basis     Basis     `json:"basis"`
	// Classes vote, each on its own, in seniority order.
	Classes []string `json:"classes"`
	// Sacred says the amendment touches a sacred right of these classes.
	Sacred bool `json:"sacred"`
}

// Require derives the consent a proposal needs from the deal's classes
// at the record date. It refuses an unknown kind, a class-changing kind
// without affected classes, an unknown or repeated class, and an
// affected class without principal outstanding (nobody could consent).
func Require(p Proposal, classes []Class) (Requirement, error) {
	byID := map[string]Class{}
	for _, c := range classes {
		byID[c.ID] = c
	}
	for i, id := range p.Affected {
		c, ok := byID[id]
		switch {
		case !ok:
			return Requirement{}, errs.Field(fmt.Sprintf("affected[%d]", i), "class %q is not a class of the deal", id)
		case slices.Index(p.Affected, id) != i:
			return Requirement{}, errs.Field(fmt.Sprintf("affected[%d]", i), "class %q is listed twice", id)
		case !c.Outstanding.IsPositive():
			return Requirement{}, errs.Field(fmt.Sprintf("affected[%d]", i), "class %q has no principal outstanding, so no holder could consent", id)
		}
	}
	each := func(t Threshold, sacred bool) (Requirement, error) {
		if len(p.Affected) == 0 {
			return Requirement{}, errs.Field("affected", "a %s names the classes whose terms change", p.Kind)
		}
		return Requirement{Threshold: t, Basis: EachAffectedClass, Classes: bySeniority(p.Affected, byID), Sacred: sacred}, nil
	}
	controlling := func(t Threshold) (Requirement, error) {
		c, ok := Controlling(classes)
		if !ok {
			return Requirement{}, errs.New(errs.WrongState, "no class has principal outstanding: there is no Controlling Class to consent")
		}
		return Requirement{Threshold: t, Basis: ControllingClass, Classes: []string{c.ID}}, nil
	}
	switch p.Kind {
	case CouponChange, PrincipalChange, MaturityExtension:
		return each(Unanimous, true)
	case WaterfallChange:
		if p.TouchesPriority {
			return each(Unanimous, true)
		}
		return each(TwoThirds, false)
	case TransferRuleChange:
		return each(Majority, false)
	case TriggerThresholdChange, ServicerReplacement, LiquidationDirection:
		return controlling(Majority)
	case TrusteeSuccession:
		return controlling(TwoThirds)
	default:
		return Requirement{}, errs.Field("kind", "unknown amendment kind %q (known: %v)", p.Kind, Kinds)
	}
}

// Controlling is the Controlling Class: the most senior class with
// principal outstanding (ties broken by ID).
func Controlling(classes []Class) (Class, bool) {
	var best Class
	found := false
	for _, c := range classes {
		if !c.Outstanding.IsPositive() {
			continue
		}
		if !found || c.Seniority < best.Seniority || (c.Seniority == best.Seniority && c.ID < best.ID) {
			best, found = c, true
		}
	}
	return best, found
}

func bySeniority(ids []string, byID map[string]Class) []string {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b string) int {
		if d := byID[a].Seniority - byID[b].Seniority; d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
	return out
}
