package settlement

import (
	"encoding/hex"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TransientTerms is the transient field carrying a settlement's terms
// (core settlement.Terms as JSON). Terms never travel in the arguments,
// which every channel member can read in the block.
const TransientTerms = "terms"

func recordKey(ctx *txn.Context, tradeRef string) (string, error) {
	return ctx.Key(schema.TypeSettlement, tradeRef)
}

func termsKey(ctx *txn.Context, tradeRef string, side core.Side) (string, error) {
	return ctx.Key(schema.TypeSettlementTerms, tradeRef, string(side))
}

// parseTradeRef checks a trade reference argument the way the terms check
// theirs, so that it is safe as a key component.
func parseTradeRef(s string) (string, error) {
	return schema.ParseID("tradeRef", s)
}

// loadRecord reads a settlement's public record.
func loadRecord(ctx *txn.Context, tradeRef string) (core.Record, bool, error) {
	key, err := recordKey(ctx, tradeRef)
	if err != nil {
		return core.Record{}, false, err
	}
	var r core.Record
	found, err := ctx.Get(key, &r)
	return r, found, err
}

// mustLoadRecord reads a record that must exist.
func mustLoadRecord(ctx *txn.Context, tradeRef string) (core.Record, error) {
	r, found, err := loadRecord(ctx, tradeRef)
	if err != nil {
		return core.Record{}, err
	}
	if !found {
		return core.Record{}, errs.New(errs.NotFound, "settlement %s not found: no bank has instructed it", tradeRef)
	}
	return r, nil
}

// saveRecord writes the public record. The first write also gives it the
// trustee's key-level policy, so that every later step (the second
// instruction, settling, cancelling, expiring) needs the trustee's
// endorsement for it and not a majority, and indexes it under both banks.
func saveRecord(ctx *txn.Context, r core.Record, created bool) error {
	key, err := recordKey(ctx, r.TradeRef)
	if err != nil {
		return err
	}
	if err := ctx.Put(key, r); err != nil {
		return err
	}
	if !created {
		return nil
	}
	if err := ctx.KeptByTrustee(key); err != nil {
		return err
	}
	for _, bank := range banksOf(r) {
		ik, err := ctx.Key(schema.TypeSettlementByBank, bank, r.TradeRef)
		if err != nil {
			return err
		}
		if err := ctx.Put(ik, schema.SettlementIndex{Sides: sidesOf(r, bank)}); err != nil {
			return err
		}
	}
	return nil
}

// banksOf lists the record's banks once each, seller's first.
func banksOf(r core.Record) []string {
	if r.SellerBank == r.BuyerBank {
		return []string{r.SellerBank}
	}
	return []string{r.SellerBank, r.BuyerBank}
}

func sidesOf(r core.Record, bank string) []core.Side {
	var sides []core.Side
	for _, s := range []core.Side{core.Deliver, core.Receive} {
		if r.Bank(s) == bank {
			sides = append(sides, s)
		}
	}
	return sides
}

// storeTerms writes the canonical terms into the instructing bank's
// implicit collection. Both banks write the same bytes, so the ledger's
// two private data hashes are equal exactly when the terms are.
func storeTerms(ctx *txn.Context, t core.Terms, side core.Side) error {
	b, err := t.Canonical()
	if err != nil {
		return err
	}
	key, err := termsKey(ctx, t.TradeRef, side)
	if err != nil {
		return err
	}
	bank := t.SellerBank()
	if side == core.Receive {
		bank = t.BuyerBank()
	}
	if err := ctx.GetStub().PutPrivateData(roles.ImplicitCollection(bank), key, b); err != nil {
		return errs.New(errs.Forbidden, "write the %s terms to the implicit collection of %s: %v", side, bank, err)
	}
	return nil
}

// instructedHash reads the private data hash of side's stored terms, which
// every peer holds, and checks it against the public record: they differ
// only if the ledger is corrupt (or the terms were purged).
func instructedHash(ctx *txn.Context, r core.Record, side core.Side) (string, error) {
	key, err := termsKey(ctx, r.TradeRef, side)
	if err != nil {
		return "", err
	}
	collection := roles.ImplicitCollection(r.Bank(side))
	h, err := ctx.GetStub().GetPrivateDataHash(collection, key)
	if err != nil {
		return "", errs.New(errs.Internal, "settlement %s: read the %s instruction's hash in %s: %v", r.TradeRef, side, collection, err)
	}
	got := hex.EncodeToString(h)
	if leg := r.Leg(side); leg == nil || h == nil || got != leg.Hash {
		return "", errs.New(errs.Internal, "settlement %s: the %s instruction's private data hash %q does not match the public record; the ledger is inconsistent",
			r.TradeRef, side, got)
	}
	return got, nil
}

// readTerms decodes the transient terms of a step on an existing
// settlement and proves them: the trade reference argument must be
// theirs, and their hash must equal the private data hash of every
// instruction already in. Equal hashes mean the terms are exactly what
// the banks instructed, although this peer cannot read them.
func readTerms(ctx *txn.Context, tradeRef string) (core.Terms, core.Record, error) {
	ref, err := parseTradeRef(tradeRef)
	if err != nil {
		return core.Terms{}, core.Record{}, err
	}
	t, err := transientTerms(ctx)
	if err != nil {
		return core.Terms{}, core.Record{}, err
	}
	if t.TradeRef != ref {
		return core.Terms{}, core.Record{}, errs.Field("tradeRef", "the argument is %s but the transient terms are for %s", ref, t.TradeRef)
	}
	r, err := mustLoadRecord(ctx, ref)
	if err != nil {
		return core.Terms{}, core.Record{}, err
	}
	hash, err := t.HashHex()
	if err != nil {
		return core.Terms{}, core.Record{}, err
	}
	for _, side := range []core.Side{core.Deliver, core.Receive} {
		if r.Leg(side) == nil {
			continue
		}
		instructed, err := instructedHash(ctx, r, side)
		if err != nil {
			return core.Terms{}, core.Record{}, err
		}
		if instructed != hash {
			return core.Terms{}, core.Record{}, errs.New(errs.Conflict,
				"settlement %s: the terms given (hash %s) are not the terms of the %s instruction (hash %s)", ref, hash, side, instructed)
		}
	}
	return t, r, nil
}

func transientTerms(ctx *txn.Context) (core.Terms, error) {
	b, err := ctx.Transient(TransientTerms)
	if err != nil {
		return core.Terms{}, err
	}
	t, err := core.DecodeTerms(b)
	if err != nil {
		return core.Terms{}, errs.Wrap(err, "transient %s", TransientTerms)
	}
	return t, nil
}

// mayList says whether caller may list bank's settlements: its own bank's,
// or any bank's for the trustee and auditors. (The records are public
// state; the rule keeps the query's purpose, a bank's own history.)
func mayList(caller *txn.Caller, bank string) error {
	if caller.Identity.MSP == bank || caller.Has(roles.Trustee) || caller.Has(roles.Auditor) {
		return nil
	}
	return errs.New(errs.Forbidden, "%s may list the settlements of its own bank %s only (the trustee and auditors may list any bank's)",
		caller.Identity.Short(), caller.Identity.MSP)
}
