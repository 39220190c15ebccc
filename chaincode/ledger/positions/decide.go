package positions

import (
	"math"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The register's decisions: records in, the records to write out, or a
// refusal with its code. They read and write nothing; Register reads the
// records, calls them and applies what they return.

// CheckMovement decides whether m may happen at now: the transfer rules
// (package rules) over the parties and their positions, then the
// issuance account's balance for a placement, then the units pending
// settlements hold, then that each holder's organisation keeps a
// registry. from and to are the positions m changes (nil for the side
// that is an account of the book: the issuance account of a placement,
// the cancelled units of a redemption).
func CheckMovement(cfg roles.OrgConfig, t schema.Tranche, b schema.TrancheBook, m Movement, now time.Time,
	sender, receiver rules.Party, from, to *schema.Position) error {
	if err := refuseWoundDown(t, verb(m.Kind)); err != nil {
		return err
	}
	tr := rules.Transfer{Kind: m.Kind, Tranche: t.ID, Units: m.Units, Time: now}
	s := rules.State{Holders: b.Holders}
	if m.Kind == rules.KindIssue {
		tr.Sender = rules.Party{Key: "issuer:" + t.ID}
	} else {
		tr.Sender = sender
		s.Sender = rules.Holding{Units: from.Units, FrozenUnits: from.FrozenUnits}
	}
	if m.Kind != rules.KindRedeem {
		tr.Receiver = receiver
		s.Receiver = rules.Holding{Units: to.Units, FrozenUnits: to.FrozenUnits}
	}
	if err := rules.Check(t.Rules, tr, s); err != nil {
		return err
	}
	if m.Kind == rules.KindIssue && m.Units > b.IssuerUnits {
		return errs.New(errs.InsufficientBalance,
			"placement refused: the issuance account of tranche %s holds %d units, %d requested (issue more first)",
			t.ID, b.IssuerUnits, m.Units)
	}
	if from != nil && from.HeldUnits > 0 && m.Units > from.Units-from.HeldUnits {
		return errs.New(errs.InsufficientBalance,
			"%s refused: %d of the sender's %d units of tranche %s are held by pending settlement instructions",
			verb(m.Kind), from.HeldUnits, from.Units, t.ID)
	}
	// From here on the positions are about to be written: the holder's
	// organisation must keep a registry. rules.Check has already refused
	// an MSP outside the tranche's consortium, and Create only admits
	// custodians there, so this catches a configuration changed since.
	for _, id := range []roles.Identity{m.From, m.To} {
		if !id.IsZero() {
			if _, err := cfg.RegistryFor(id.MSP); err != nil {
				return err
			}
		}
	}
	return nil
}

// DecideMove applies a checked movement to the book and the two
// positions (already settled for their accrued distributions): units
// leave the sender or the issuance account and reach the receiver or are
// cancelled, and the holder count follows holders arriving at and
// leaving zero. The conservation
//
//	Σ positions + IssuerUnits = Issued − Redeemed
//
// holds after it if it held before.
func DecideMove(b schema.TrancheBook, from, to schema.Position, m Movement) (schema.TrancheBook, schema.Position, schema.Position) {
	switch m.Kind {
	case rules.KindIssue:
		b.IssuerUnits -= m.Units
	default:
		from.Units -= m.Units
		if from.Units == 0 {
			b.Holders--
		}
	}
	switch m.Kind {
	case rules.KindRedeem:
		b.Redeemed += m.Units // cannot overflow: Redeemed + outstanding = Issued
	default:
		if to.Units == 0 {
			b.Holders++
		}
		to.Units += m.Units // overflow refused by rules.Check
	}
	return b, from, to
}

// DecideMint adds units to the SPV's issuance account and to the
// tranche's public supply, up to the units its original face allows.
func DecideMint(t schema.Tranche, b schema.TrancheBook, units int64) (schema.Tranche, schema.TrancheBook, error) {
	if err := refuseWoundDown(t, "issuance"); err != nil {
		return t, b, err
	}
	if units <= 0 {
		return t, b, errs.Field("units", "must be positive, got %d", units)
	}
	limit := t.MaxUnits()
	if t.Issued > limit-units {
		return t, b, errs.New(errs.LimitExceeded,
			"tranche %s: issuing %d units would bring it to %d units, above the %d its original face %s allows at %s per unit",
			t.ID, units, satAdd(t.Issued, units), limit, t.OriginalFace, t.UnitFace)
	}
	t.Issued += units
	b.IssuerUnits += units
	return t, b, nil
}

// DecideFrozen sets the units of a position the trustee has frozen
// (math.MaxInt64: all of them, now and later; 0: none).
func DecideFrozen(p schema.Position, units int64) schema.Position {
	p.FrozenUnits = units
	return p
}

// DecideHeld sets the units of a position pending settlement instructions
// reserve: at most the units it has.
func DecideHeld(trancheID string, holder roles.Identity, p schema.Position, units int64) (schema.Position, error) {
	if units < 0 || units > p.Units {
		return p, errs.New(errs.InsufficientBalance, "tranche %s: %s holds %d units; cannot hold %d for settlement",
			trancheID, holder.Short(), p.Units, units)
	}
	p.HeldUnits = units
	return p, nil
}

// DecidePaused pauses or resumes a tranche that is not already so. (A
// tranche whose deal is in an event of default may not resume; the
// Register checks that against the deal's servicing status.)
func DecidePaused(t schema.Tranche, paused bool) (schema.Tranche, error) {
	if t.Rules.Paused == paused {
		state := "not paused"
		if paused {
			state = "already paused"
		}
		return t, errs.New(errs.WrongState, "tranche %s is %s", t.ID, state)
	}
	t.Rules.Paused = paused
	return t, nil
}

func verb(k rules.Kind) string {
	switch k {
	case rules.KindIssue:
		return "placement"
	case rules.KindForced:
		return "forced transfer"
	case rules.KindRedeem:
		return "redemption"
	}
	return "transfer"
}

// satAdd adds without overflowing, for messages.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
