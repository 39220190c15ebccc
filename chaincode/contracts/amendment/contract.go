package amendment

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Amendment contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Amendment".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Amendment", "amendments of a deal by its holders' consent")}
}

// TransientVote is the transient field carrying a holder's ballot:
// {"tranche":"DEAL-1-A","inFavour":true}. It never travels in the
// arguments, which every channel member can read.
const TransientVote = "vote"

// Ballot is the transient vote.
type Ballot struct {
	Tranche  string `json:"tranche"`
	InFavour bool   `json:"inFavour"`
}

// Propose records an amendment of a deal (the arranger or the trustee)
// with the consent its kind requires, derived from the deal's classes.
func (c *Contract) Propose(ctx *txn.Context, dealID, proposalJSON string) error {
	caller, err := ctx.Require(roles.Arranger, roles.Trustee)
	if err != nil {
		return err
	}
	var in ProposalInput
	if err := canon.Unmarshal([]byte(proposalJSON), &in); err != nil {
		return errs.Wrap(err, "proposalJSON")
	}
	if err := in.validate(); err != nil {
		return errs.Wrap(err, "proposalJSON")
	}
	d, tranches, err := readDeal(ctx, dealID)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if err := in.checkAgainst(d, tranches, cfg); err != nil {
		return errs.Wrap(err, "proposalJSON")
	}
	if changesWaterfall(in.Kind) {
		if _, _, _, _, err := nextWaterfall(ctx, d.ID, in.Affected, in.Change); err != nil {
			return errs.Wrap(err, "proposalJSON")
		}
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	if in.Expiry.Before(now) {
		return errs.Field("proposalJSON: expiry", "%s has passed", in.Expiry.UTC().Format(time.RFC3339))
	}
	// Issued units × unit face: within a class every unit carries the same
	// principal; the record date fixes who holds how much.
	classes := make([]consent.Class, 0, len(d.Tranches))
	for _, id := range d.Tranches {
		t := tranches[id]
		classes = append(classes, consent.Class{ID: id, Seniority: t.Seniority, Outstanding: t.UnitFace * money.Amount(t.Issued)})
	}
	req, err := consent.Require(consent.Proposal{Kind: in.Kind, Affected: in.Affected, TouchesPriority: in.TouchesPriority}, classes)
	if err != nil {
		return errs.Wrap(err, "proposalJSON")
	}
	key, err := ctx.Key(schema.TypeAmendment, d.ID, in.ID)
	if err != nil {
		return err
	}
	if found, err := ctx.Get(key, &schema.Amendment{}); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "amendment %s of deal %s already exists", in.ID, d.ID)
	}
	a := schema.Amendment{ID: in.ID, Deal: d.ID, Kind: in.Kind, Affected: in.Affected, TouchesPriority: in.TouchesPriority,
		Change: in.Change, Reason: in.Reason, Requirement: req,
		RecordDate: in.RecordDate.UTC().Format(time.RFC3339), Expiry: in.Expiry.UTC().Format(time.RFC3339),
		Status: schema.AmendmentProposed, Tally: consent.Tally{Classes: []consent.ClassTally{}}, Outcome: consent.Pending,
		ProposedBy: caller.Identity.Key(), CreatedTx: ctx.TxID()}
	if err := ctx.Put(key, a); err != nil {
		return err
	}
	// From now on the trustee alone records positions and counts votes,
	// as it keeps the registers they come from.
	if err := ctx.KeptByTrustee(key); err != nil {
		return err
	}
	return ctx.Emit("AmendmentProposed", amendmentEvent{Deal: a.Deal, Amendment: a.ID, Kind: a.Kind, Status: a.Status,
		Requirement: &a.Requirement})
}

// Get returns an amendment: its requirement, public tally by class and
// outcome (any consortium member).
func (c *Contract) Get(ctx *txn.Context, dealID, amendmentID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	a, _, err := readAmendment(ctx, dealID, amendmentID)
	if err != nil {
		return "", err
	}
	return marshal(a)
}

// List returns a deal's amendments in ID order (any consortium member).
func (c *Contract) List(ctx *txn.Context, dealID string) (string, error) {
	return listOf[schema.Amendment](ctx, schema.TypeAmendment, dealID)
}

// History returns a deal's versions: every executed amendment's change,
// in order (any consortium member). Version 0, the terms at creation, is
// the deal and its tranches as created.
func (c *Contract) History(ctx *txn.Context, dealID string) (string, error) {
	return listOf[schema.DealVersion](ctx, schema.TypeDealVersion, dealID)
}

// listOf returns every public record of objectType under a deal, in key
// order, as a JSON array.
func listOf[T any](ctx *txn.Context, objectType, dealID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("dealID", dealID); err != nil {
		return "", err
	}
	out := []T{}
	err := ctx.Range(objectType, []string{dealID}, func(key string, value []byte) error {
		var v T
		if err := txn.Decode(key, value, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return "", err
	}
	return marshal(out)
}

type amendmentEvent struct {
	Deal        string               `json:"deal"`
	Amendment   string               `json:"amendment"`
	Kind        consent.Kind         `json:"kind"`
	Status      string               `json:"status"`
	Outcome     consent.Outcome      `json:"outcome,omitempty"`
	Requirement *consent.Requirement `json:"requirement,omitempty"`
	Tally       *consent.Tally       `json:"tally,omitempty"`
	Version     int                  `json:"version,omitempty"`
}

func readDeal(ctx *txn.Context, dealID string) (schema.Deal, map[string]schema.Tranche, error) {
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return schema.Deal{}, nil, err
	}
	var d schema.Deal
	if found, err := ctx.Get(ctx.MustKey(schema.TypeDeal, id), &d); err != nil {
		return schema.Deal{}, nil, err
	} else if !found {
		return schema.Deal{}, nil, errs.New(errs.NotFound, "no deal %s", id)
	}
	tranches := map[string]schema.Tranche{}
	for _, tid := range d.Tranches {
		var t schema.Tranche
		if found, err := ctx.Get(ctx.MustKey(schema.TypeTranche, tid), &t); err != nil {
			return schema.Deal{}, nil, err
		} else if !found {
			return schema.Deal{}, nil, errs.New(errs.Internal, "deal %s names tranche %s, which is not stored", id, tid)
		}
		tranches[tid] = t
	}
	return d, tranches, nil
}

func readAmendment(ctx *txn.Context, dealID, amendmentID string) (schema.Amendment, string, error) {
	d, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return schema.Amendment{}, "", err
	}
	id, err := schema.ParseID("amendmentID", amendmentID)
	if err != nil {
		return schema.Amendment{}, "", err
	}
	key := ctx.MustKey(schema.TypeAmendment, d, id)
	var a schema.Amendment
	if found, err := ctx.Get(key, &a); err != nil {
		return schema.Amendment{}, "", err
	} else if !found {
		return schema.Amendment{}, "", errs.New(errs.NotFound, "no amendment %s of deal %s", id, d)
	}
	return a, key, nil
}

func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errs.New(errs.Internal, "stored %s %q: %v", field, s, err)
	}
	return t, nil
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
