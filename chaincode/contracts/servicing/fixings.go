package servicing

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Bounds of a posted index rate: a fraction, -10% to 100%.
var (
	minFixing = decimal.RequireFromString("-0.1")
	maxFixing = decimal.NewFromInt(1)
)

// PostFixing records the rate of an index (e.g. "SOFR30A", a fraction:
// "0.0431") for a period not yet certified; posting again replaces it.
// Only the trustee may, and only for an index the deal's terms do not fix
// from several sources (those are quoted with PostIndexQuote). Certification uses the fixings of its period, and
// a floating class whose index has no fixing stops it.
func (c *Contract) PostFixing(ctx *txn.Context, dealID, period, index, rate string) error {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return err
	}
	f, p, name, r, err := openFixing(ctx, dealID, period, index, rate)
	if err != nil {
		return err
	}
	if rule, ruled := fixing.FindRule(f.wf.Fixings, name); ruled {
		return errs.New(errs.WrongState, "deal %s fixes index %s from its sources %v (PostIndexQuote); the trustee does not post it alone", f.deal.ID, name, rule.Sources)
	}
	fx := schema.Fixing{Index: name, Rate: r, PostedBy: caller.Identity.Key(), PostedTx: ctx.TxID()}
	if err := ctx.Put(ctx.MustKey(schema.TypeFixing, f.deal.ID, schema.PeriodKey(p), name), fx); err != nil {
		return err
	}
	return ctx.Emit("FixingPosted", map[string]any{"deal": f.deal.ID, "period": p, "index": name, "rate": r})
}

// readFixings returns a period's fixings in index order.
func readFixings(ctx *txn.Context, deal string, period int) ([]schema.Fixing, error) {
	var out []schema.Fixing
	err := ctx.Range(schema.TypeFixing, []string{deal, schema.PeriodKey(period)}, func(key string, value []byte) error {
		var fx schema.Fixing
		if err := txn.Decode(key, value, &fx); err != nil {
			return err
		}
		out = append(out, fx)
		return nil
	})
	return out, err
}

// GetFixings returns a period's fixings as a JSON list.
func (c *Contract) GetFixings(ctx *txn.Context, dealID, period string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return "", err
	}
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return "", err
	}
	fx, err := readFixings(ctx, id, p)
	if err != nil {
		return "", err
	}
	if fx == nil {
		fx = []schema.Fixing{}
	}
	return jsonString(fx)
}
