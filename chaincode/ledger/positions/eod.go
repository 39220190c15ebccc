package positions

import (
	"encoding/json"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// dealDefault is the part of a deal's servicing status (schema.DealServicing)
// that decides whether its tranches may resume. Only these fields are
// decoded, so the Token contract does not depend on the format of the
// waterfall state kept beside them.
type dealDefault struct {
	EventOfDefault bool                              `json:"eventOfDefault"`
	Declared       *schema.EventOfDefaultDeclaration `json:"declared"`
}

// refuseInEventOfDefault refuses to resume a tranche whose deal is in an
// event of default. The Servicing contract records one in the deal's
// servicing status (dealservicing~<dealID>), both when the trustee
// declares it (Servicing:DeclareEventOfDefault) and when a certified
// period breaches a trigger with effect eventOfDefault, and pauses every
// tranche of the deal then; from that period on the acceleration
// priority of payments applies, and the units must not trade again. The
// record is read here rather than through the Servicing contract, which
// imports this package.
func (r *Register) refuseInEventOfDefault() error {
	key, err := r.ctx.Key(schema.TypeDealServicing, r.Tranche.Deal)
	if err != nil {
		return err
	}
	b, err := r.ctx.GetStub().GetState(key)
	if err != nil {
		return errs.New(errs.Internal, "read %q: %v", key, err)
	}
	if b == nil {
		return nil // no waterfall yet: no event of default either
	}
	var d dealDefault
	if err := json.Unmarshal(b, &d); err != nil {
		return errs.New(errs.Internal, "stored servicing status of deal %s is corrupt: %v", r.Tranche.Deal, err)
	}
	if !d.EventOfDefault {
		return nil
	}
	declared := ""
	if d.Declared != nil { // pending until the next certification
		declared = " (declared by the trustee: " + d.Declared.Reason + ")"
	}
	return errs.New(errs.WrongState, "tranche %s cannot resume: deal %s is in an event of default%s, under which its units stay paused (forced transfers and claims remain possible)",
		r.Tranche.ID, r.Tranche.Deal, declared)
}
