package settlement

import (
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/ledger/holds"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// MaxPageSize bounds ListByBank's pages.
const MaxPageSize = 1000

// Get returns a settlement's public record (any member).
func (c *Contract) Get(ctx *txn.Context, tradeRef string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	ref, err := parseTradeRef(tradeRef)
	if err != nil {
		return "", err
	}
	r, err := mustLoadRecord(ctx, ref)
	if err != nil {
		return "", err
	}
	return marshal(r)
}

// ListByBank lists the public records of the settlements bank is party
// to, pageSize at a time (1 to MaxPageSize), from bookmark ("" for the
// first page). A bank lists its own; the trustee and auditors any bank's.
// Each record names the two banks, tranche, status, times, transaction
// IDs and hashes; the bank reads its own side's terms with Terms.
func (c *Contract) ListByBank(ctx *txn.Context, bank, pageSize, bookmark string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	if err := roles.ValidMSP(bank); err != nil {
		return "", errs.Field("bank", "%q is not an MSP ID (letters, digits, . _ -)", bank)
	}
	if err := mayList(caller, bank); err != nil {
		return "", err
	}
	size, err := strconv.Atoi(pageSize)
	if err != nil || size < 1 || size > MaxPageSize || strconv.Itoa(size) != pageSize {
		return "", errs.Field("pageSize", "want a whole number from 1 to %d, got %q", MaxPageSize, pageSize)
	}
	it, meta, err := ctx.GetStub().GetStateByPartialCompositeKeyWithPagination(schema.TypeSettlementByBank, []string{bank}, int32(size), bookmark)
	if err != nil {
		return "", errs.New(errs.BadInput, "list settlements of %s from bookmark %q: %v", bank, bookmark, err)
	}
	defer it.Close()
	page := schema.SettlementPage{Bank: bank, Settlements: []core.Record{}}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", errs.New(errs.Internal, "list settlements of %s: %v", bank, err)
		}
		_, attrs, err := ctx.GetStub().SplitCompositeKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return "", errs.New(errs.Internal, "index key %q is malformed", kv.Key)
		}
		r, err := mustLoadRecord(ctx, attrs[1])
		if err != nil {
			return "", errs.Wrap(err, "index of %s", bank)
		}
		page.Settlements = append(page.Settlements, r)
	}
	if meta != nil && len(page.Settlements) == int(size) {
		page.Bookmark = meta.GetBookmark()
	}
	return marshal(page)
}

// Terms returns side's terms of a settlement as the bank instructed them
// (canonical JSON), from the bank's implicit collection: evaluate it on
// the bank's own peer, the only one holding them. The party itself and
// its bank's compliance officers and admins may read them.
func (c *Contract) Terms(ctx *txn.Context, tradeRef, side string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	s, err := core.ParseSide(side)
	if err != nil {
		return "", err
	}
	ref, err := parseTradeRef(tradeRef)
	if err != nil {
		return "", err
	}
	r, err := mustLoadRecord(ctx, ref)
	if err != nil {
		return "", err
	}
	if bank := r.Bank(s); caller.Identity.MSP != bank {
		return "", errs.New(errs.Forbidden, "the %s terms of %s are kept by %s; %s may not read them", s, ref, bank, caller.Identity.MSP)
	}
	if r.Leg(s) == nil {
		return "", errs.New(errs.NotFound, "settlement %s has no %s instruction", ref, s)
	}
	key, err := termsKey(ctx, ref, s)
	if err != nil {
		return "", err
	}
	b, err := ctx.GetStub().GetPrivateData(roles.ImplicitCollection(r.Bank(s)), key)
	if err != nil {
		return "", errs.New(errs.Forbidden, "read the %s terms of %s: %v (evaluate on a peer of %s)", s, ref, err, r.Bank(s))
	}
	if b == nil {
		return "", errs.New(errs.NotFound, "the %s terms of %s are not on this peer", s, ref)
	}
	t, err := core.DecodeTerms(b)
	if err != nil {
		return "", errs.New(errs.Internal, "stored %s terms of %s are corrupt: %v", s, ref, err)
	}
	if err := mayReadTerms(caller, t, s); err != nil {
		return "", err
	}
	return string(b), nil
}

// CheckSettle answers, without writing, whether Settle would settle now
// (transient field "terms"), as {"allowed":true} or the refusal's code,
// rule and message: the message a recorded failure leaves out, because
// records and events are public. Details of a party the caller may not
// see are withheld. Evaluate it on the trustee's peer, the only one
// holding both parties' registries.
func (c *Contract) CheckSettle(ctx *txn.Context, tradeRef string) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	t, rec, err := readTerms(ctx, tradeRef)
	if err != nil {
		return "", err
	}
	if err := maySettle(caller, t); err != nil {
		return "", err
	}
	// An evaluation never commits, so the attempt's writes are discarded.
	_, _, b, err := attempt(ctx, t, rec)
	err = withholdBalances(caller, t, b.Redact(caller.Grants, err))
	// A refusal or a settlement not in a state to settle is the answer;
	// anything else is a failure to look.
	if _, _, isRefusal := holds.Refusal(err); err != nil && !isRefusal && !errs.Is(err, errs.WrongState) {
		return "", err
	}
	return marshal(rules.VerdictOf(err))
}

// withholdBalances hides the amounts in a balance refusal (free units or
// cash short of the trade) from a caller who may not see both parties'
// holdings (schema.MaySee): the code stays, which is what the counterparty
// needs; each party reads its own balances with Token:Position and
// Cash:Balance.
func withholdBalances(caller *txn.Caller, t core.Terms, err error) error {
	code := errs.CodeOf(err)
	if code != errs.InsufficientBalance && code != errs.Overflow {
		return err
	}
	for _, party := range []string{t.Seller, t.Buyer} {
		if party == "" {
			continue
		}
		id, perr := roles.ParseKey(party)
		if perr != nil || !schema.MaySee(caller.Grants, id) {
			return errs.New(code, "settlement %s: the units or cash free for it do not cover the trade (details of the parties' holdings withheld)", t.TradeRef)
		}
	}
	return err
}
