package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// Ledger is what the scheduler reads and does on the channel. Fabric is
// the implementation over the gateway's ledger; tests use a fake.
type Ledger interface {
	Status(ctx context.Context, deal string) (schema.DealServicing, error)
	Waterfall(ctx context.Context, deal string) (schema.Waterfall, error)
	// Report is the period's report; found is false before the servicer
	// submits one.
	Report(ctx context.Context, deal string, period int) (rep schema.Report, found bool, err error)
	Certification(ctx context.Context, deal string, period int) (schema.Certification, error)
	Fixings(ctx context.Context, deal string, period int) ([]schema.Fixing, error)
	FixingStatus(ctx context.Context, deal string, period int, index string) (schema.FixingStatus, error)
	Accounts(ctx context.Context, deal string) (schema.Accounts, error)
	// Holders lists a tranche's holders (trustee).
	Holders(ctx context.Context, tranche string) ([]schema.PositionView, error)
	// Accrued is what a holder could claim now, asked as identity (the
	// trustee, or the holder itself).
	Accrued(ctx context.Context, identity, tranche, holder string) (schema.Accrual, error)
	// HolderKey is the identity key of one of this bank's identities.
	HolderKey(identity string) (string, bool)

	Certify(ctx context.Context, deal string, period int) (txID string, err error)
	ClaimFor(ctx context.Context, tranche, holder string) (schema.ClaimResult, string, error)
	ClaimFee(ctx context.Context, deal, fee string) (schema.FeeClaim, string, error)
	// Claim claims for a client as the client's own identity (its name
	// in the configuration).
	Claim(ctx context.Context, identity, tranche string) (schema.ClaimResult, string, error)
}

// Endorsers names the peers that must endorse or answer a function, as
// the API's endorsement resolver does (nil lets the Fabric Gateway choose).
type Endorsers func(ctx context.Context, fn, callerMSP string) ([]string, error)

// Fabric is the Ledger over the gateway's Fabric connection: queries and
// the trustee's steps as Identity, clients' claims as their own identity.
type Fabric struct {
	Ledger    ledger.Ledger
	Identity  string // the trustee identity ("" on a bank that is not the trustee)
	Reader    string // the identity that reads public state
	MSP       string
	Endorsers Endorsers
	// Keys maps this bank's identity names to their identity keys.
	Keys map[string]string
}

func (f Fabric) call(ctx context.Context, identity, fn string, submit bool, out any, args ...string) (string, error) {
	tx := ledger.Tx{Fn: fn, Args: args}
	if f.Endorsers != nil {
		var err error
		if tx.Endorsers, err = f.Endorsers(ctx, fn, f.MSP); err != nil {
			return "", err
		}
	}
	var res ledger.Result
	var err error
	if submit {
		res, err = f.Ledger.Submit(ctx, identity, tx)
	} else {
		res, err = f.Ledger.Evaluate(ctx, identity, tx)
	}
	if err != nil {
		return res.TxID, err
	}
	if out != nil && len(res.Payload) > 0 {
		if err := json.Unmarshal(res.Payload, out); err != nil {
			return res.TxID, fmt.Errorf("%s answer: %w", fn, err)
		}
	}
	return res.TxID, nil
}

func (f Fabric) reader() string {
	if f.Identity != "" {
		return f.Identity
	}
	return f.Reader
}

func (f Fabric) Status(ctx context.Context, deal string) (s schema.DealServicing, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetStatus", false, &s, deal)
	return s, err
}

func (f Fabric) Waterfall(ctx context.Context, deal string) (w schema.Waterfall, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetWaterfall", false, &w, deal, "")
	return w, err
}

func (f Fabric) Report(ctx context.Context, deal string, period int) (schema.Report, bool, error) {
	var r schema.Report
	_, err := f.call(ctx, f.reader(), "Servicing:GetReport", false, &r, deal, strconv.Itoa(period))
	if codeOf(err) == errs.NotFound {
		return r, false, nil
	}
	return r, err == nil, err
}

func (f Fabric) Certification(ctx context.Context, deal string, period int) (c schema.Certification, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetCertification", false, &c, deal, strconv.Itoa(period))
	return c, err
}

func (f Fabric) Fixings(ctx context.Context, deal string, period int) (fx []schema.Fixing, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetFixings", false, &fx, deal, strconv.Itoa(period))
	return fx, err
}

func (f Fabric) FixingStatus(ctx context.Context, deal string, period int, index string) (st schema.FixingStatus, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetFixingStatus", false, &st, deal, strconv.Itoa(period), index)
	return st, err
}

func (f Fabric) Accounts(ctx context.Context, deal string) (a schema.Accounts, err error) {
	_, err = f.call(ctx, f.reader(), "Servicing:GetAccounts", false, &a, deal)
	return a, err
}

func (f Fabric) Holders(ctx context.Context, tranche string) ([]schema.PositionView, error) {
	var l schema.HolderList
	_, err := f.call(ctx, f.Identity, "Token:Holders", false, &l, tranche)
	return l.Holders, err
}

func (f Fabric) Accrued(ctx context.Context, identity, tranche, holder string) (a schema.Accrual, err error) {
	_, err = f.call(ctx, identity, "Servicing:Accrued", false, &a, tranche, holder)
	return a, err
}

func (f Fabric) HolderKey(identity string) (string, bool) {
	k, ok := f.Keys[identity]
	return k, ok
}

func (f Fabric) Certify(ctx context.Context, deal string, period int) (string, error) {
	return f.call(ctx, f.Identity, "Servicing:Certify", true, nil, deal, strconv.Itoa(period))
}

func (f Fabric) ClaimFor(ctx context.Context, tranche, holder string) (r schema.ClaimResult, tx string, err error) {
	tx, err = f.call(ctx, f.Identity, "Servicing:ClaimFor", true, &r, tranche, holder)
	return r, tx, err
}

func (f Fabric) ClaimFee(ctx context.Context, deal, fee string) (r schema.FeeClaim, tx string, err error) {
	tx, err = f.call(ctx, f.Identity, "Servicing:ClaimFee", true, &r, deal, fee)
	return r, tx, err
}

func (f Fabric) Claim(ctx context.Context, identity, tranche string) (r schema.ClaimResult, tx string, err error) {
	tx, err = f.call(ctx, identity, "Servicing:Claim", true, &r, tranche)
	return r, tx, err
}

// codeOf is the chaincode's refusal code behind a ledger error, or "".
func codeOf(err error) errs.Code {
	var le *ledger.Error
	if errors.As(err, &le) {
		return le.Code
	}
	return errs.CodeOf(err)
}
