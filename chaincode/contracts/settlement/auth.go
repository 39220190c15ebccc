package settlement

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Who acts for a side. A bank's gateway submits with the identity of the
// client it acts for, so a side is the party itself:
//
//	deliver, trade      the seller (role investor)
//	deliver, issuance   an arranger of the issuer's organisation
//	receive             the buyer (role investor)
//
// Settle may also be sent by the trustee: the terms are proved by both
// banks' hashes, so whoever sends them can only execute what both sides
// instructed. Expire may be sent by any member once the deadline passed.

// actsFor returns nil if caller may act for side of the trade t, and
// otherwise a FORBIDDEN error naming who may.
func actsFor(caller *txn.Caller, t core.Terms, side core.Side) error {
	switch {
	case side == core.Receive:
		if caller.Identity.Key() == t.Buyer && caller.Has(roles.Investor) {
			return nil
		}
		return errs.New(errs.Forbidden, "%s may not act for the receive side of settlement %s: only the buyer itself (role investor) may",
			caller.Identity.Short(), t.TradeRef)
	case t.Kind == core.KindIssuance:
		if caller.Identity.MSP == t.Issuer && caller.Has(roles.Arranger) {
			return nil
		}
		return errs.New(errs.Forbidden, "%s may not act for the deliver side of issuance %s: only an arranger of the issuer %s may",
			caller.Identity.Short(), t.TradeRef, t.Issuer)
	default:
		if caller.Identity.Key() == t.Seller && caller.Has(roles.Investor) {
			return nil
		}
		return errs.New(errs.Forbidden, "%s may not act for the deliver side of settlement %s: only the seller itself (role investor) may",
			caller.Identity.Short(), t.TradeRef)
	}
}

// maySettle: either side, or the trustee.
func maySettle(caller *txn.Caller, t core.Terms) error {
	if caller.Has(roles.Trustee) || actsFor(caller, t, core.Deliver) == nil || actsFor(caller, t, core.Receive) == nil {
		return nil
	}
	return errs.New(errs.Forbidden, "%s may not settle %s: the seller's side, the buyer or the trustee may", caller.Identity.Short(), t.TradeRef)
}

// mayConfirmPayment: only the seller's side knows the RTGS payment
// arrived. A confirmation from another bank is refused by name, since
// that is the mistake (or the attack) to expect.
func mayConfirmPayment(caller *txn.Caller, t core.Terms) error {
	if caller.Identity.MSP != t.SellerBank() {
		return errs.New(errs.Forbidden, "payment of settlement %s can be confirmed only by the seller's bank %s, not by %s",
			t.TradeRef, t.SellerBank(), caller.Identity.MSP)
	}
	return actsFor(caller, t, core.Deliver)
}

// mayReadTerms: a side's terms are its bank's; within the bank, the party
// itself and the bank's compliance officers and admins (schema.MaySee) may
// read them, and for an issuance the issuer's arrangers.
func mayReadTerms(caller *txn.Caller, t core.Terms, side core.Side) error {
	if actsFor(caller, t, side) == nil {
		return nil
	}
	party := t.Buyer
	if side == core.Deliver {
		party = t.Seller
	}
	if party != "" {
		owner, err := roles.ParseKey(party)
		if err != nil {
			return err
		}
		if schema.MaySee(caller.Grants, owner) && caller.Identity.MSP == owner.MSP {
			return nil
		}
	}
	return errs.New(errs.Forbidden, "%s may not read the %s terms of %s: only that side's party and its bank's compliance officers and admins may",
		caller.Identity.Short(), side, t.TradeRef)
}
