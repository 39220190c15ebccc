package amendment

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TransientHolders is the transient field of Record: the holders of
// each voting class, {"<trancheID>":["<holderKey>",...]}, as
// Token:Holders lists them on the trustee's peer. Fabric forbids writing
// private data after a range query over it, so the trustee names the
// holders and the chaincode reads each one and checks the list is
// complete against the public book.
const TransientHolders = "holders"

// Record fixes the voting positions at the record date (the trustee, on
// or after it): every holder's units in each voting class are written
// privately into its bank's registry; the public record gets the
// classes' totals and holder counts, and the vote opens. The holder list
// (TransientHolders) must name every holder of each voting class, no
// more: their units must add up to the units placed with investors and
// their number to the book's holder count.
func (c *Contract) Record(ctx *txn.Context, dealID, amendmentID string) error {
	if _, err := ctx.Require(roles.Trustee); err != nil {
		return err
	}
	raw, err := ctx.Transient(TransientHolders)
	if err != nil {
		return err
	}
	var holders map[string][]string
	if err := canon.Unmarshal(raw, &holders); err != nil {
		return errs.Wrap(err, TransientHolders)
	}
	a, key, err := readAmendment(ctx, dealID, amendmentID)
	if err != nil {
		return err
	}
	if a.Status != schema.AmendmentProposed {
		return errs.New(errs.WrongState, "amendment %s is %s; positions are recorded once", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	recordDate, err := parseTime("record date", a.RecordDate)
	if err != nil {
		return err
	}
	if now.Before(recordDate) {
		return errs.New(errs.WrongState, "amendment %s: the record date %s has not come", a.ID, a.RecordDate)
	}
	_, tranches, err := readDeal(ctx, a.Deal)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	var positions []consent.Position
	for _, tid := range a.Requirement.Classes {
		ps, err := recordClass(ctx, cfg, a, tranches[tid], holders[tid])
		if err != nil {
			return err
		}
		positions = append(positions, ps...)
	}
	a.Tally, err = consent.NewTally(a.Requirement, positions)
	if err != nil {
		return err
	}
	expiry, err := parseTime("expiry", a.Expiry)
	if err != nil {
		return err
	}
	a.Status, a.RecordedTx = schema.AmendmentOpen, ctx.TxID()
	a.Outcome = consent.Decide(a.Requirement, a.Tally, now, expiry)
	if err := ctx.Put(key, a); err != nil {
		return err
	}
	return ctx.Emit("AmendmentRecorded", amendmentEvent{Deal: a.Deal, Amendment: a.ID, Kind: a.Kind, Status: a.Status,
		Outcome: a.Outcome, Tally: &a.Tally})
}

// recordClass reads each named holder's position in tranche t, writes
// its record-date position and checks the list is the whole register.
func recordClass(ctx *txn.Context, cfg roles.OrgConfig, a schema.Amendment, t schema.Tranche, holders []string) ([]consent.Position, error) {
	field := TransientHolders + "." + t.ID
	var book schema.TrancheBook
	if _, err := ctx.Get(ctx.MustKey(schema.TypeTrancheBook, t.ID), &book); err != nil {
		return nil, err
	}
	placed := t.Issued - book.Redeemed - book.IssuerUnits
	var out []consent.Position
	seen := map[string]bool{}
	var units int64
	for i, hk := range holders {
		holder, err := schema.ParseIdentityKey(field, hk)
		if err != nil {
			return nil, err
		}
		if seen[holder.Key()] {
			return nil, errs.Field(field, "holder %s is listed twice (at %d)", holder.Key(), i)
		}
		seen[holder.Key()] = true
		registry, err := cfg.RegistryFor(holder.MSP)
		if err != nil {
			return nil, errs.Wrap(err, "%s", field)
		}
		var p schema.Position
		if _, err := ctx.GetPrivate(registry, ctx.MustKey(schema.TypePosition, t.ID, holder.Key()), &p); err != nil {
			return nil, err
		}
		if p.Units <= 0 {
			return nil, errs.Field(field, "%s holds no units of %s", holder.Short(), t.ID)
		}
		units += p.Units
		out = append(out, consent.Position{Holder: holder.Key(), Class: t.ID, Principal: t.UnitFace * money.Amount(p.Units)})
		if err := ctx.PutPrivate(registry, positionKey(ctx, a, holder.Key(), t.ID), schema.AmendmentPosition{Tranche: t.ID, Units: p.Units}); err != nil {
			return nil, err
		}
	}
	// Distinct holders, each with units, whose units add up to every
	// placed unit: no holder with units can be missing from the list.
	if units != placed {
		return nil, errs.New(errs.Conflict, "%s: the listed holders have %d units in %d positions; %s has %d units placed: list every holder (Token:Holders)",
			field, units, len(out), t.ID, placed)
	}
	return out, nil
}

// Vote casts the caller's vote (a holder at the record date, through its
// own bank) with its record-date position; the ballot is in the
// transient map (TransientVote). Each holder votes once per class; the
// vote stays in its bank's registry and only the tally by class changes
// in public.
func (c *Contract) Vote(ctx *txn.Context, dealID, amendmentID string) error {
	caller, err := ctx.Require(roles.Investor)
	if err != nil {
		return err
	}
	raw, err := ctx.Transient(TransientVote)
	if err != nil {
		return err
	}
	var b Ballot
	if err := canon.Unmarshal(raw, &b); err != nil {
		return errs.Wrap(err, TransientVote)
	}
	a, key, err := readAmendment(ctx, dealID, amendmentID)
	if err != nil {
		return err
	}
	if a.Status != schema.AmendmentOpen {
		return errs.New(errs.WrongState, "amendment %s is %s; votes are taken while it is open", a.ID, a.Status)
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	expiry, err := parseTime("expiry", a.Expiry)
	if err != nil {
		return err
	}
	if !now.Before(expiry) {
		return errs.New(errs.WrongState, "amendment %s expired at %s", a.ID, a.Expiry)
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	registry, err := cfg.RegistryFor(caller.Identity.MSP)
	if err != nil {
		return err
	}
	if _, err := schema.ParseID(TransientVote+".tranche", b.Tranche); err != nil {
		return err
	}
	pkey := positionKey(ctx, a, caller.Identity.Key(), b.Tranche)
	var p schema.AmendmentPosition
	if found, err := ctx.GetPrivate(registry, pkey, &p); err != nil {
		return err
	} else if !found {
		return errs.New(errs.Forbidden, "%s held no units of %s at the record date of amendment %s: only those holders vote",
			caller.Identity.Short(), b.Tranche, a.ID)
	}
	if p.Voted {
		return errs.New(errs.AlreadyExists, "%s has already voted on amendment %s for %s", caller.Identity.Short(), a.ID, b.Tranche)
	}
	_, tranches, err := readDeal(ctx, a.Deal)
	if err != nil {
		return err
	}
	if err := a.Tally.Cast(b.Tranche, tranches[b.Tranche].UnitFace*money.Amount(p.Units), b.InFavour); err != nil {
		return err
	}
	p.Voted, p.For, p.VotedTx = true, b.InFavour, ctx.TxID()
	if err := ctx.PutPrivate(registry, pkey, p); err != nil {
		return err
	}
	a.Outcome = consent.Decide(a.Requirement, a.Tally, now, expiry)
	if err := ctx.Put(key, a); err != nil {
		return err
	}
	return ctx.Emit("AmendmentVoted", amendmentEvent{Deal: a.Deal, Amendment: a.ID, Kind: a.Kind, Status: a.Status,
		Outcome: a.Outcome, Tally: &a.Tally})
}

// MyVote returns the caller's record-date position and vote on an
// amendment (a holder; from its bank's registry).
func (c *Contract) MyVote(ctx *txn.Context, dealID, amendmentID, trancheID string) (string, error) {
	caller, err := ctx.Require(roles.Investor)
	if err != nil {
		return "", err
	}
	a, _, err := readAmendment(ctx, dealID, amendmentID)
	if err != nil {
		return "", err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return "", err
	}
	registry, err := cfg.RegistryFor(caller.Identity.MSP)
	if err != nil {
		return "", err
	}
	tid, err := schema.ParseID("trancheID", trancheID)
	if err != nil {
		return "", err
	}
	var p schema.AmendmentPosition
	if found, err := ctx.GetPrivate(registry, positionKey(ctx, a, caller.Identity.Key(), tid), &p); err != nil {
		return "", err
	} else if !found {
		return "", errs.New(errs.NotFound, "%s held no units of %s at the record date of amendment %s", caller.Identity.Short(), tid, a.ID)
	}
	return marshal(p)
}

func positionKey(ctx *txn.Context, a schema.Amendment, holderKey, trancheID string) string {
	return ctx.MustKey(schema.TypeAmendmentPosition, a.Deal, a.ID, trancheID, holderKey)
}
