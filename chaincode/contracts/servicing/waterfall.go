package servicing

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/ledger/waterfalls"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// WaterfallTerms is SetWaterfall's argument.
type WaterfallTerms struct {
	// Definition is a waterfall.Definition (see package waterfall).
	Definition json.RawMessage `json:"definition"`
	// Classes maps each class of the definition to one of the deal's
	// tranches: notes to note tranches of the same original face and
	// coupon, the residual class to the certificate.
	Classes []schema.ClassTranche `json:"classes"`
	// PaymentDay is the day (1 to 28) of the month after each collection
	// period on which it is paid.
	PaymentDay int `json:"paymentDay"`
	// FeePayees names, for every fee of the definition, the identity key
	// that may claim it.
	FeePayees []schema.FeePayee `json:"feePayees"`
	// Seasoned sets the waterfall of a deal moved onto the ledger mid-life
	// (see OpenAt): the definition's initial pool balance is the pool at
	// closing, and the sealed tape is the pool as of the latest trustee
	// certificate, so the two are not compared here but by OpenAt.
	Seasoned bool `json:"seasoned,omitempty"`
	// Fixings fix floating indexes from several sources (package fixing):
	// each names an index a class floats on, its sources and the rule.
	// Optional: an index without one is posted by the trustee alone.
	Fixings []fixing.Rule `json:"fixings,omitempty"`
}

// SetWaterfall sets the deal's waterfall, or replaces it with the next
// version, before the first period is certified (after that, only an
// executed amendment changes it: package ledger/waterfalls), and opens the deal's
// cash accounts (collection, one per reserve and fee), kept by the
// trustee. Only an arranger of the
// organisation that created the deal may. The definition's version must
// be the next (1 first), its initial pool balance the sealed pool's, and
// every class must map to a tranche of the deal with the same terms.
func (c *Contract) SetWaterfall(ctx *txn.Context, dealID, termsJSON string) error {
	caller, err := ctx.Require(roles.Arranger)
	if err != nil {
		return err
	}
	var terms WaterfallTerms
	if err := canon.Unmarshal([]byte(termsJSON), &terms); err != nil {
		return errs.Wrap(err, "terms")
	}
	if len(terms.Definition) == 0 {
		return errs.Field("definition", "required")
	}
	def, err := waterfall.ParseDefinition(terms.Definition)
	if err != nil {
		return errs.Field("definition", "%v", err)
	}
	f, err := loadDeal(ctx, dealID, false)
	if err != nil {
		return err
	}
	if caller.Identity.MSP != f.deal.Arranger {
		return errs.New(errs.Forbidden, "deal %s was arranged by %s; an arranger of %s may not set its waterfall", f.deal.ID, f.deal.Arranger, caller.Identity.MSP)
	}
	version := 1
	if f.svcFound {
		if f.svc.Period > 0 {
			return errs.New(errs.WrongState, "deal %s: period %d is certified, so its waterfall is a term of the issued notes: it changes only by an amendment the holders consent to (Amendment:Propose of a waterfall-change or trigger-threshold-change, executed by the trustee)", f.deal.ID, f.svc.Period)
		}
		version = f.svc.WaterfallVersion + 1
	}
	if def.Version != version {
		return errs.Field("definition.version", "want %d (the next version of deal %s's waterfall), got %d", version, f.deal.ID, def.Version)
	}
	if f.pool.Status != schema.PoolSealed {
		return errs.New(errs.WrongState, "pool %s is not sealed", f.pool.ID)
	}
	if !terms.Seasoned && def.InitialPoolBalance != f.pool.Balance {
		return errs.Field("definition.initialPoolBalance", "%s != the sealed pool %s's balance %s", def.InitialPoolBalance, f.pool.ID, f.pool.Balance)
	}
	if err := checkClasses(ctx, f, def, terms.Classes); err != nil {
		return err
	}
	if err := checkFeePayees(ctx, def, terms.FeePayees); err != nil {
		return err
	}
	if err := checkFixingRules(def, terms.Fixings); err != nil {
		return err
	}
	if terms.PaymentDay < 1 || terms.PaymentDay > 28 {
		return errs.Field("paymentDay", "must be 1 to 28, got %d", terms.PaymentDay)
	}
	state, err := waterfall.NewState(def)
	if err != nil {
		return errs.Field("definition", "%v", err)
	}
	wf, err := waterfalls.Put(ctx, schema.Waterfall{
		Deal: f.deal.ID, Classes: terms.Classes, PaymentDay: terms.PaymentDay, FeePayees: terms.FeePayees, Fixings: terms.Fixings,
		SetBy: caller.Identity.Key(), SetTx: ctx.TxID(),
	}, def)
	if err != nil {
		return err
	}
	svc := schema.DealServicing{Deal: f.deal.ID, Pool: f.pool.ID, WaterfallVersion: version, State: state, Seasoned: terms.Seasoned}
	if err := ctx.Put(servicingKey(ctx, f.deal.ID), svc); err != nil {
		return err
	}
	if err := openDealAccounts(ctx, f.deal.ID, def); err != nil {
		return err
	}
	return ctx.Emit("WaterfallSet", map[string]any{"deal": f.deal.ID, "version": version, "definitionHash": wf.DefinitionHash})
}

// checkClasses verifies the class → tranche map: one entry per class of
// the definition, in its order, to distinct tranches of the deal whose
// kind, original face and coupon are the class's.
func checkClasses(ctx *txn.Context, f *dealFacts, def waterfall.Definition, m []schema.ClassTranche) error {
	if len(m) != len(def.Classes) {
		return errs.Field("classes", "want one entry per class of the definition (%d), got %d", len(def.Classes), len(m))
	}
	seen := map[string]string{}
	for i, ct := range m {
		field := fmt.Sprintf("classes[%d]", i)
		dc := def.Classes[i]
		if ct.Class != dc.Name {
			return errs.Field(field+".class", "want %q (definition order), got %q", dc.Name, ct.Class)
		}
		id, err := schema.ParseID(field+".tranche", ct.Tranche)
		if err != nil {
			return err
		}
		if other, dup := seen[id]; dup {
			return errs.Field(field+".tranche", "tranche %s already pays class %s", id, other)
		}
		seen[id] = dc.Name
		if !slices.Contains(f.deal.Tranches, id) {
			return errs.Field(field+".tranche", "tranche %s is not a tranche of deal %s", id, f.deal.ID)
		}
		t, err := readTranche(ctx, id)
		if err != nil {
			return err
		}
		if err := sameTerms(field, def, dc, t); err != nil {
			return err
		}
	}
	return nil
}

// sameTerms refuses a class whose terms differ from its tranche's: the
// waterfall must pay what the tranche's holders were sold.
func sameTerms(field string, def waterfall.Definition, dc waterfall.Class, t schema.Tranche) error {
	if dc.Residual {
		if t.Kind != schema.KindCertificate {
			return errs.Field(field+".tranche", "residual class %s must map to a certificate tranche, %s is a %s", dc.Name, t.ID, t.Kind)
		}
		return nil
	}
	if t.Kind != schema.KindNote {
		return errs.Field(field+".tranche", "note class %s must map to a note tranche, %s is a %s", dc.Name, t.ID, t.Kind)
	}
	if dc.OriginalBalance != t.OriginalFace {
		return errs.Field(field+".tranche", "class %s original balance %s != tranche %s original face %s", dc.Name, dc.OriginalBalance, t.ID, t.OriginalFace)
	}
	if t.Coupon == nil || dc.Coupon == nil {
		return errs.Field(field+".tranche", "class %s and tranche %s must both carry a coupon", dc.Name, t.ID)
	}
	a, b := dc.Coupon, t.Coupon
	dayCount := dc.DayCount
	if dayCount == "" {
		dayCount = def.DayCount
	}
	switch {
	case !sameRate(a.Fixed, b.Fixed), a.Index != b.Index, !a.Margin.Equal(b.Margin), !sameRate(a.Floor, b.Floor), !sameRate(a.Cap, b.Cap):
		return errs.Field(field+".tranche", "class %s coupon %s differs from tranche %s coupon %s", dc.Name, couponText(a.Fixed, a.Index, a.Margin), t.ID, couponText(b.Fixed, b.Index, b.Margin))
	case b.DayCount != "" && b.DayCount != dayCount:
		return errs.Field(field+".tranche", "class %s accrues %s, tranche %s %s", dc.Name, dayCount, t.ID, b.DayCount)
	}
	return nil
}

func sameRate(a, b *decimal.Decimal) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func couponText(fixed *decimal.Decimal, index string, margin decimal.Decimal) string {
	if fixed != nil {
		return "fixed " + fixed.String()
	}
	return index + " + " + margin.String()
}

// checkFeePayees wants one payee per fee of the definition, in its order,
// each an identity whose organisation keeps a registry (its cash account
// lives there).
func checkFeePayees(ctx *txn.Context, def waterfall.Definition, payees []schema.FeePayee) error {
	if len(payees) != len(def.Fees) {
		return errs.Field("feePayees", "want one payee per fee of the definition (%d), got %d", len(def.Fees), len(payees))
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	for i, p := range payees {
		field := fmt.Sprintf("feePayees[%d]", i)
		if p.Fee != def.Fees[i].Name {
			return errs.Field(field+".fee", "want %q (definition order), got %q", def.Fees[i].Name, p.Fee)
		}
		id, err := schema.ParseIdentityKey(field+".payee", p.Payee)
		if err != nil {
			return err
		}
		if _, err := cfg.RegistryFor(id.MSP); err != nil {
			return errs.Field(field+".payee", "%s's organisation keeps no registry for its cash: %v", p.Payee, err)
		}
	}
	return nil
}

// GetWaterfall returns the waterfall in force, or version ("" for the
// current one), as JSON.
func (c *Contract) GetWaterfall(ctx *txn.Context, dealID, version string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	if version != "" {
		v, err := args.ParseUnits("version", version)
		if err != nil {
			return "", err
		}
		if v > int64(f.svc.WaterfallVersion) {
			return "", errs.New(errs.NotFound, "deal %s has no waterfall version %d", f.deal.ID, v)
		}
		if err := f.loadWaterfall(ctx, int(v)); err != nil {
			return "", err
		}
	}
	return jsonString(f.wf)
}
