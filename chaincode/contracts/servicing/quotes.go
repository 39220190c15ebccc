package servicing

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// PostIndexQuote records a fixing source's quote of an index for a period
// not yet certified, on the public record. The caller must hold the rates
// role and be one of the index's sources in the deal's terms (its identity
// named, or its MSP); a later quote of the same source supersedes the
// earlier at resolution, both stay recorded. Once the period's report is in
// (it fixes the payment date, and so the cut-off), a quote at or after the
// cut-off is refused.
func (c *Contract) PostIndexQuote(ctx *txn.Context, dealID, period, index, rate string) error {
	caller, err := ctx.Require(roles.Rates)
	if err != nil {
		return err
	}
	f, p, name, r, err := openFixing(ctx, dealID, period, index, rate)
	if err != nil {
		return err
	}
	rule, ok := fixing.FindRule(f.wf.Fixings, name)
	if !ok {
		return errs.New(errs.NotFound, "deal %s names no sources for index %s: the trustee posts it with PostFixing", f.deal.ID, name)
	}
	me := caller.Identity
	source, ok := rule.SourceFor(me.MSP, me.Key())
	if !ok {
		return errs.New(errs.Forbidden, "deal %s index %s: %s is not one of its sources (%v)", f.deal.ID, name, me.Short(), rule.Sources)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	cutoff, known, err := periodCutoff(ctx, f, p, rule)
	if err != nil {
		return err
	}
	if known && !now.Before(cutoff) {
		return errs.New(errs.WrongState, "deal %s period %d index %s: the cut-off %s has passed", f.deal.ID, p, name, cutoff.Format(time.RFC3339))
	}
	q := schema.IndexQuote{Deal: f.deal.ID, Period: p, Index: name, Source: source, Rate: r,
		PostedBy: me.Key(), PostedAt: now.UTC().Format(time.RFC3339Nano), PostedTx: ctx.TxID()}
	key := ctx.MustKey(schema.TypeIndexQuote, f.deal.ID, schema.PeriodKey(p), name, source, ctx.TxID())
	if err := ctx.Put(key, q); err != nil {
		return err
	}
	return ctx.Emit("IndexQuotePosted", map[string]any{"deal": f.deal.ID, "period": p, "index": name, "source": source, "rate": r})
}

// openFixing reads what both ways of fixing an index take — the deal, a
// period not yet certified, the index name and the rate — and refuses a
// period whose fixings are final.
func openFixing(ctx *txn.Context, dealID, period, index, rate string) (f *dealFacts, p int, name string, r decimal.Decimal, err error) {
	if p, err = requirePeriod(period); err != nil {
		return nil, 0, "", r, err
	}
	if name, err = schema.ParseID("index", index); err != nil {
		return nil, 0, "", r, err
	}
	if r, err = parseRate(rate); err != nil {
		return nil, 0, "", r, err
	}
	if f, err = loadDeal(ctx, dealID, true); err != nil {
		return nil, 0, "", r, err
	}
	if p <= f.svc.Period {
		return nil, 0, "", r, errs.New(errs.WrongState, "deal %s period %d is certified; its fixings are final", f.deal.ID, p)
	}
	return f, p, name, r, nil
}

// parseRate reads a posted index rate: a decimal fraction from -10 % to
// 100 % with at most 12 decimal places.
func parseRate(rate string) (decimal.Decimal, error) {
	r, err := decimal.NewFromString(rate)
	if err != nil || len(rate) > 40 {
		return decimal.Decimal{}, errs.Field("rate", "%q is not a decimal fraction", rate)
	}
	if err := args.CheckDecimal("rate", r, minFixing, maxFixing); err != nil {
		return decimal.Decimal{}, err
	}
	if !r.Equal(r.Truncate(12)) {
		return decimal.Decimal{}, errs.Field("rate", "%s has more than 12 decimal places", r)
	}
	return r, nil
}

// periodCutoff is the rule's cut-off for period p, known once a report of
// the period is in (its collection period fixes the payment date).
func periodCutoff(ctx *txn.Context, f *dealFacts, p int, rule fixing.Rule) (time.Time, bool, error) {
	rep, found, err := readReport(ctx, f.deal.ID, p)
	if err != nil || !found {
		return time.Time{}, false, err
	}
	pay, err := distribution.ScheduledPaymentDate(&f.def, p, rep.Header.Aggregates.Period.Ending, f.wf.PaymentDay)
	if err != nil {
		return time.Time{}, false, errs.New(errs.Internal, "deal %s period %d: %v", f.deal.ID, p, err)
	}
	return rule.Cutoff(pay), true, nil
}

// readQuotes returns every quote of an index for a period, in key order.
func readQuotes(ctx *txn.Context, deal string, period int, index string) ([]schema.IndexQuote, error) {
	out := []schema.IndexQuote{}
	err := ctx.Range(schema.TypeIndexQuote, []string{deal, schema.PeriodKey(period), index}, func(key string, value []byte) error {
		var q schema.IndexQuote
		if err := txn.Decode(key, value, &q); err != nil {
			return err
		}
		out = append(out, q)
		return nil
	})
	return out, err
}

// resolveIndex applies an index's rule to its quotes at the cut-off.
func resolveIndex(ctx *txn.Context, f *dealFacts, p int, rule fixing.Rule, cutoff time.Time) (fixing.Resolution, []schema.IndexQuote, error) {
	quotes, err := readQuotes(ctx, f.deal.ID, p, rule.Index)
	if err != nil {
		return fixing.Resolution{}, nil, err
	}
	postings := make([]fixing.Posting, len(quotes))
	for i, q := range quotes {
		at, err := time.Parse(time.RFC3339Nano, q.PostedAt)
		if err != nil {
			return fixing.Resolution{}, nil, errs.New(errs.Internal, "quote %s of index %s: postedAt %q", q.PostedTx, q.Index, q.PostedAt)
		}
		postings[i] = fixing.Posting{Source: q.Source, Rate: q.Rate, PostedAt: at}
	}
	return fixing.Resolve(rule, cutoff, postings), quotes, nil
}

// resolvedFixings resolves every index the terms fix from several sources,
// for the certification of period p paid on pay, or refuses with
// FIXING_UNRESOLVED naming the first index whose rule is not met. A
// certification before the cut-off uses the quotes in by then (no later
// quote is accepted once the period is certified); the trustee's
// scheduler certifies on the determination date, after the cut-off.
func resolvedFixings(ctx *txn.Context, f *dealFacts, p int, pay daycount.Date, by string) ([]schema.Fixing, error) {
	var out []schema.Fixing
	for _, rule := range f.wf.Fixings {
		res, _, err := resolveIndex(ctx, f, p, rule, rule.Cutoff(pay))
		if err != nil {
			return nil, err
		}
		if !res.Met {
			return nil, errs.New(errs.FixingUnresolved, "deal %s period %d: %s", f.deal.ID, p, res.Reason)
		}
		out = append(out, schema.Fixing{Index: rule.Index, Rate: res.Rate, PostedBy: by, PostedTx: ctx.TxID(), Resolution: &res})
	}
	return out, nil
}

// GetFixingStatus answers an index's quotes for a period and what its rule
// makes of them now (schema.FixingStatus): the resolution, with the reason
// when it is not met, once the period's report fixes the cut-off.
func (c *Contract) GetFixingStatus(ctx *txn.Context, dealID, period, index string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	p, err := requirePeriod(period)
	if err != nil {
		return "", err
	}
	name, err := schema.ParseID("index", index)
	if err != nil {
		return "", err
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return "", err
	}
	if p <= f.svc.Period {
		// Certified under the version then in force, which may differ.
		if err := f.loadWaterfall(ctx, certifiedVersion(ctx, f, p)); err != nil {
			return "", err
		}
	}
	rule, ok := fixing.FindRule(f.wf.Fixings, name)
	if !ok {
		return "", errs.New(errs.NotFound, "deal %s names no sources for index %s", f.deal.ID, name)
	}
	st := schema.FixingStatus{Deal: f.deal.ID, Period: p, Index: name, Rule: rule}
	cutoff, known, err := periodCutoff(ctx, f, p, rule)
	if err != nil {
		return "", err
	}
	if !known {
		st.Waiting = fmt.Sprintf("deal %s period %d has no servicer report yet: its collection period fixes the payment date and so the cut-off", f.deal.ID, p)
		if st.Quotes, err = readQuotes(ctx, f.deal.ID, p, name); err != nil {
			return "", err
		}
		return jsonString(st)
	}
	res, quotes, err := resolveIndex(ctx, f, p, rule, cutoff)
	if err != nil {
		return "", err
	}
	st.Quotes, st.Resolution = quotes, &res
	if !res.Met {
		st.Waiting = res.Reason
	}
	if p <= f.svc.Period {
		var final schema.Fixing
		found, err := ctx.Get(ctx.MustKey(schema.TypeFixing, f.deal.ID, schema.PeriodKey(p), name), &final)
		if err != nil {
			return "", err
		}
		if found {
			st.Final, st.Waiting = &final, ""
		}
	}
	return jsonString(st)
}

// certifiedVersion is the waterfall version period p was certified under.
func certifiedVersion(ctx *txn.Context, f *dealFacts, p int) int {
	var cert schema.Certification
	if found, err := ctx.Get(certificationKey(ctx, f.deal.ID, p), &cert); err != nil || !found {
		return f.svc.WaterfallVersion
	}
	return cert.WaterfallVersion
}

// checkFixingRules validates the terms' fixing rules against the
// definition: each valid, one per index, every index one a floating class
// of the definition names.
func checkFixingRules(def waterfall.Definition, rules []fixing.Rule) error {
	if err := fixing.ValidateRules("fixings", rules); err != nil {
		return err
	}
	for i, r := range rules {
		floats := false
		for _, c := range def.Classes {
			floats = floats || (c.Coupon != nil && c.Coupon.Index == r.Index)
		}
		if !floats {
			return errs.Field(fmt.Sprintf("fixings[%d].index", i), "no class of the definition floats on index %s", r.Index)
		}
	}
	return nil
}
