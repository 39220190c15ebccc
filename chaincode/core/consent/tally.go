package consent

import (
	"math/big"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Position is a holder's principal in a class at the record date.
type Position struct {
	Holder    string       `json:"holder"`
	Class     string       `json:"class"`
	Principal money.Amount `json:"principal"`
}

// ClassTally is the public count of one voting class: principal and
// holders, never who voted how.
type ClassTally struct {
	Class          string       `json:"class"`
	Outstanding    money.Amount `json:"outstanding"` // the class's principal at the record date
	Holders        int          `json:"holders"`     // holders with principal at the record date
	For            money.Amount `json:"for"`
	Against        money.Amount `json:"against"`
	ForHolders     int          `json:"forHolders"`
	AgainstHolders int          `json:"againstHolders"`
}

// Tally is the count of every voting class, in the requirement's order.
type Tally struct {
	Classes []ClassTally `json:"classes"`
}

// NewTally opens the count of a requirement from the record-date
// positions; positions in classes that do not vote are ignored.
func NewTally(req Requirement, positions []Position) (Tally, error) {
	t := Tally{Classes: make([]ClassTally, len(req.Classes))}
	for i, c := range req.Classes {
		t.Classes[i].Class = c
	}
	for i, p := range positions {
		if p.Principal.IsNegative() {
			return Tally{}, errs.Field("positions", "position %d of %s in %s is negative", i, p.Holder, p.Class)
		}
		ct := t.class(p.Class)
		if ct == nil || p.Principal.IsZero() {
			continue
		}
		sum, err := ct.Outstanding.Add(p.Principal)
		if err != nil {
			return Tally{}, err
		}
		ct.Outstanding = sum
		ct.Holders++
	}
	return t, nil
}

// Cast counts one holder's vote with its record-date principal in the
// class. The contract refuses a second vote by the same holder (it keeps
// each vote privately); a holder without principal in a voting class is
// no holder for this amendment.
func (t *Tally) Cast(class string, principal money.Amount, inFavour bool) error {
	ct := t.class(class)
	if ct == nil {
		return errs.New(errs.Forbidden, "class %s does not vote on this amendment", class)
	}
	if !principal.IsPositive() {
		return errs.New(errs.Forbidden, "no principal in class %s at the record date: only holders at the record date vote", class)
	}
	next := *ct
	var err error
	if inFavour {
		next.For, err = next.For.Add(principal)
		next.ForHolders++
	} else {
		next.Against, err = next.Against.Add(principal)
		next.AgainstHolders++
	}
	if err != nil {
		return err
	}
	if voted, err := next.For.Add(next.Against); err != nil || voted > next.Outstanding || next.ForHolders+next.AgainstHolders > next.Holders {
		return errs.New(errs.Internal, "class %s: votes would exceed the principal or holders at the record date", class)
	}
	*ct = next
	return nil
}

func (t *Tally) class(id string) *ClassTally {
	for i := range t.Classes {
		if t.Classes[i].Class == id {
			return &t.Classes[i]
		}
	}
	return nil
}

// Outcome is where an amendment's vote stands.
type Outcome string

// Outcomes.
const (
	Pending Outcome = "pending" // the threshold is not met yet and still can be
	Passed  Outcome = "passed"  // every voting class met the threshold
	Failed  Outcome = "failed"  // a voting class can no longer meet it
	Expired Outcome = "expired" // the expiry came before it passed
)

// Decide gives the outcome of a tally at time now. A passed amendment
// stays passed after its expiry (it waits for the trustee to execute it);
// a failed one fails even before its expiry.
func Decide(req Requirement, t Tally, now, expiry time.Time) Outcome {
	passed := true
	for _, c := range t.Classes {
		if !Met(req.Threshold, c.For, c.Outstanding) {
			passed = false
		}
		remaining := c.Outstanding - c.Against
		if !Met(req.Threshold, remaining, c.Outstanding) {
			return Failed
		}
	}
	switch {
	case passed && len(t.Classes) > 0:
		return Passed
	case !now.Before(expiry):
		return Expired
	default:
		return Pending
	}
}

// Met reports whether principal in favour meets a threshold of a class's
// outstanding principal: more than half, at least two-thirds, or all of
// it (then every holder voted in favour). Exact integer arithmetic on
// cents.
func Met(th Threshold, inFavour, outstanding money.Amount) bool {
	if !outstanding.IsPositive() {
		return false
	}
	f, o := big.NewInt(inFavour.Cents()), big.NewInt(outstanding.Cents())
	switch th {
	case Majority:
		return new(big.Int).Mul(f, big.NewInt(2)).Cmp(o) > 0
	case TwoThirds:
		return new(big.Int).Mul(f, big.NewInt(3)).Cmp(new(big.Int).Mul(o, big.NewInt(2))) >= 0
	case Unanimous:
		return f.Cmp(o) == 0
	default:
		return false
	}
}
