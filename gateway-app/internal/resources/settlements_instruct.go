package resources

import (
	"errors"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// fnHold is the chaincode step that places an instruction's hold.
const fnHold = "Settlement:Hold"

// instruct sends one side's instruction. Without a hold it is one
// transaction. With a hold it is two: the instruction without one (which
// creates or matches the public record, endorsed by this bank, the
// trustee and, with four or more banks, a third bank that cannot read the
// holder's registry), then Settlement:Hold (the trustee's peer, which
// keeps the registry). The route is resumable: when the record already
// has this side's instruction with these very terms and no hold (an
// earlier call instructed and then failed to hold), only the hold is
// sent. The answer is the last step's outcome.
func (r *resources) instruct(c *api.Call, side settlement.Side, fn string, in *InstructInput) (*SettlementOutcome, error) {
	ref := c.Path("ref")
	if in.Terms.TradeRef != ref {
		return nil, api.BadInput("terms.tradeRef", "%q is not the settlement %s of the path", in.Terms.TradeRef, ref)
	}
	transient, err := termsTransient(in.Terms)
	if err != nil {
		return nil, err
	}
	instructed := false
	if in.Hold {
		// Refused before the instruction goes in, as the one-step hold was.
		var e *errs.Error
		if err := settlement.CheckHold(in.Terms.Kind, in.Terms.Payment, side); errors.As(err, &e) {
			return nil, api.BadInput("hold", "%s", e.Msg)
		}
		if instructed, err = r.instructedUnheld(c, ref, side, in.Terms); err != nil {
			return nil, err
		}
	}
	var first ledger.Result
	if !instructed {
		if first, err = c.SubmitFn(ledger.Tx{Fn: fn, Args: []string{strconv.FormatBool(false)}, Transient: transient}, ""); err != nil {
			return nil, err
		}
		if !in.Hold {
			return stepOutcome(c, in, first)
		}
	}
	res, err := c.SubmitFn(ledger.Tx{Fn: fnHold, Args: []string{ref, string(side)}, Transient: transient}, "")
	if err != nil {
		return nil, holdRefused(err, first.TxID)
	}
	return stepOutcome(c, in, res)
}

// instructedUnheld reports whether the record has side's instruction of
// exactly these terms, without a hold: the first step of an earlier call.
func (r *resources) instructedUnheld(c *api.Call, ref string, side settlement.Side, terms settlement.Terms) (bool, error) {
	res, err := c.Ask("Settlement:Get", ref)
	var le *ledger.Error
	if errors.As(err, &le) && le.Code == errs.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	rec, err := decodeInto[settlement.Record](res, "Settlement:Get")
	if err != nil {
		return false, err
	}
	hash, err := terms.HashHex()
	if err != nil {
		return false, within("terms", err)
	}
	leg := rec.Leg(side)
	return leg != nil && !leg.Held && leg.Hash == hash, nil
}

// holdRefused says, in a refused hold's problem, that the instruction is
// in without it: the same request again retries the hold, or the side
// cancels.
func holdRefused(err error, instructTxID string) error {
	var le *ledger.Error
	if !errors.As(err, &le) || le.Kind != ledger.KindRefused {
		return err
	}
	e := *le
	if instructTxID != "" {
		e.Message = "the instruction is in (transaction " + instructTxID + ") without a hold, and the hold was refused: " + e.Message +
			"; send the same request again to retry the hold, or cancel"
	} else {
		e.Message = "the instruction was in already without a hold, and the hold was refused: " + e.Message
	}
	return &e
}
