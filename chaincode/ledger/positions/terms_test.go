package positions

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The register may move the paused flag and the issued count; any other
// field of the tranche is a term and is refused.
func TestTheRegisterNeverChangesATranchesTerms(t *testing.T) {
	five := decimal.RequireFromString("0.05")
	before := schema.Tranche{ID: "D-A", Deal: "D", Class: "A", Seniority: 1, Kind: schema.KindNote, OriginalFace: 100000, UnitFace: 100,
		Coupon: &schema.Coupon{Fixed: &five}, Issued: 10, CreatedTx: "tx1"}
	moved := before
	moved.Rules.Paused, moved.Issued = true, 20
	if err := keepTerms(before, moved); err != nil {
		t.Fatalf("pausing and minting refused: %v", err)
	}
	six := decimal.RequireFromString("0.06")
	for name, edit := range map[string]func(*schema.Tranche){
		"coupon":      func(t *schema.Tranche) { t.Coupon = &schema.Coupon{Fixed: &six} },
		"rules":       func(t *schema.Tranche) { t.Rules.MaxHolders = 3 },
		"face":        func(t *schema.Tranche) { t.OriginalFace++ },
		"seniority":   func(t *schema.Tranche) { t.Seniority = 2 },
		"legal final": func(t *schema.Tranche) { t.LegalFinalDate = daycount.NewDate(2040, time.January, 15) },
		"paused+terms": func(t *schema.Tranche) {
			t.Rules.Paused, t.Rules.LockupUntil = true, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		},
	} {
		after := before
		edit(&after)
		if err := keepTerms(before, after); errs.CodeOf(err) != errs.Internal {
			t.Errorf("%s: the register wrote a change of terms (%v)", name, err)
		}
	}
}
