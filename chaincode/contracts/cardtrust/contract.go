// Package cardtrust is the CardTrust contract: credit-card master trusts,
// their series and their monthly pool-level servicer reports.
//
// An arranger creates a trust with its terms (cut-off receivables, the
// series with their invested amounts, coupons, accumulation terms) and
// the organisation that services it. Each month a servicer of that
// organisation submits the trust's pool-level report; the chaincode checks
// it with the servicer's rules and the trust's state (package
// core/cardtrust: roll-forward, yield and payment rate, next period and
// month, continuity), allocates it among the series and the seller, and
// records the month with the hashes of its inputs and result, so another
// bank can run it again (cardtrust.Replay). A refused report writes
// nothing.
//
// The contract is a read → decide → write shell: the rules are in
// core/cardtrust, the records in schema. It may import chaincode/ledger/txn,
// chaincode/schema, chaincode/core/... and chaincode/contracts/internal/...,
// never another contract package.
package cardtrust

import (
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	core "github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the CardTrust contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "CardTrust".
func New() *Contract {
	return &Contract{Base: txn.NewBase("CardTrust", "credit-card master trusts: series, monthly pool-level reports checked and allocated among the series and the seller")}
}

// CreateTrust records a trust (arranger): trustJSON is a cardtrust.Trust,
//
//	{"id":"CARDS-MT","firstMonth":"2026-01","initialReceivables":"1000000000.00",
//	 "minSellerInterest":"0.07","series":[{"name":"2026-1","investedAmount":"400000000.00",...}]}
//
// and servicer the MSP whose servicers report on it.
func (c *Contract) CreateTrust(ctx *txn.Context, trustJSON, servicer string) error {
	caller, err := ctx.Require(roles.Arranger)
	if err != nil {
		return err
	}
	var t core.Trust
	if err := canon.Unmarshal([]byte(trustJSON), &t); err != nil {
		return errs.Wrap(err, "trustJSON")
	}
	if err := t.Validate(); err != nil {
		return errs.Wrap(err, "trustJSON")
	}
	if _, err := schema.ParseID("trustJSON.id", t.ID); err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if o, ok := cfg.Org(servicer); !ok || !o.Roles.Has(roles.Servicer) {
		return errs.Field("servicer", "%q is not a member whose identities may hold role servicer (members that may: %v)",
			servicer, cfg.MSPsWithRole(roles.Servicer))
	}
	key := ctx.MustKey(schema.TypeCardTrust, t.ID)
	if exists, err := ctx.Get(key, &schema.CardTrust{}); err != nil {
		return err
	} else if exists {
		return errs.New(errs.AlreadyExists, "card trust %s already exists", t.ID)
	}
	rec := schema.CardTrust{Trust: t, Servicer: servicer, State: core.NewState(&t), CreatedBy: caller.Identity.Key(), CreatedTx: ctx.TxID()}
	if err := ctx.Put(key, rec); err != nil {
		return err
	}
	return ctx.Emit("CardTrustCreated", map[string]any{"trust": t.ID, "series": len(t.Series), "servicer": servicer})
}

// SubmitReport checks and allocates the trust's next monthly report
// (a servicer of the trust's servicer organisation): reportJSON is a
// cardtrust.Report. A report that breaks a rule is refused with the field
// and the rule (BAD_INPUT) and writes nothing. It returns the month's
// result (cardtrust.MonthResult) as JSON.
func (c *Contract) SubmitReport(ctx *txn.Context, trustID, reportJSON string) (string, error) {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return "", err
	}
	var r core.Report
	if err := canon.Unmarshal([]byte(reportJSON), &r); err != nil {
		return "", errs.Wrap(err, "reportJSON")
	}
	rec, key, err := readTrust(ctx, trustID)
	if err != nil {
		return "", err
	}
	if caller.Identity.MSP != rec.Servicer {
		return "", errs.New(errs.Forbidden, "card trust %s is serviced by %s; a servicer of %s may not report on it", trustID, rec.Servicer, caller.Identity.MSP)
	}
	month, err := core.Allocate(core.Inputs{Trust: rec.Trust, Prior: rec.State, Report: r})
	if err != nil {
		return "", refusal(trustID, err)
	}
	rec.State = month.Result.NewState
	if err := ctx.Put(key, rec); err != nil {
		return "", err
	}
	m := schema.CardMonth{Trust: trustID, Period: r.Period, Allocated: month, SubmittedBy: caller.Identity.Key(), SubmittedTx: ctx.TxID()}
	if err := ctx.Put(ctx.MustKey(schema.TypeCardMonth, trustID, schema.PeriodKey(r.Period)), m); err != nil {
		return "", err
	}
	if err := ctx.Emit("CardReportAllocated", map[string]any{"trust": trustID, "period": r.Period, "month": r.ReportingMonth.String(),
		"resultHash": month.ResultHash, "payOutEvents": month.Result.PayOutEvents}); err != nil {
		return "", err
	}
	out, err := canon.Marshal(month.Result)
	if err != nil {
		return "", errs.New(errs.Internal, "encode result: %v", err)
	}
	return string(out), nil
}

// GetTrust returns the trust's record (schema.CardTrust) as JSON.
func (c *Contract) GetTrust(ctx *txn.Context, trustID string) (string, error) {
	rec, _, err := readTrust(ctx, trustID)
	if err != nil {
		return "", err
	}
	return encode(rec)
}

// GetMonth returns an allocated month (schema.CardMonth) as JSON: its
// inputs, result and hashes.
func (c *Contract) GetMonth(ctx *txn.Context, trustID, period string) (string, error) {
	n, err := args.ParseUnits("period", period)
	if err != nil {
		return "", err
	}
	if n > 9999 {
		return "", errs.Field("period", "must be at most 9999, got %d", n)
	}
	if _, err := schema.ParseID("trustID", trustID); err != nil {
		return "", err
	}
	var m schema.CardMonth
	found, err := ctx.Get(ctx.MustKey(schema.TypeCardMonth, trustID, schema.PeriodKey(int(n))), &m)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "card trust %s has no allocated period %d", trustID, n)
	}
	return encode(m)
}

func readTrust(ctx *txn.Context, trustID string) (schema.CardTrust, string, error) {
	if _, err := schema.ParseID("trustID", trustID); err != nil {
		return schema.CardTrust{}, "", err
	}
	key := ctx.MustKey(schema.TypeCardTrust, trustID)
	var rec schema.CardTrust
	found, err := ctx.Get(key, &rec)
	if err != nil {
		return schema.CardTrust{}, "", err
	}
	if !found {
		return schema.CardTrust{}, "", errs.New(errs.NotFound, "card trust %s not found", trustID)
	}
	return rec, key, nil
}

// refusal turns the core's row error into a BAD_INPUT naming the field
// and the rule; the core's coded errors keep their code.
func refusal(trustID string, err error) error {
	if re, ok := err.(*loantape.RowError); ok {
		e := errs.Field("reportJSON."+re.Field, "%s (rule %s)", strings.TrimPrefix(re.Msg, re.Field+": "), re.Rule)
		return errs.Wrap(e, "card trust %s", trustID)
	}
	return errs.Wrap(err, "card trust %s", trustID)
}

func encode(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", errs.New(errs.Internal, "encode: %v", err)
	}
	return string(b), nil
}
