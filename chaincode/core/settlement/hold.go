package settlement

import (
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// UnitHolding is a holder's units of one tranche with what is reserved:
// Frozen by the trustee, Held by pending settlements. Held units stay the
// holder's (they count for the transfer rules and for distributions) but
// cannot leave except to the settlement that holds them.
type UnitHolding struct {
	Units  int64
	Frozen int64
	Held   int64
}

// Free is what may leave the holding now: Units − Frozen − Held, never
// below zero. Frozen counts at most the units held (the Token contract
// freezes "all" as math.MaxInt64) and a negative freeze as none.
func (h UnitHolding) Free() int64 { return max(h.Units-h.frozen()-h.Held, 0) }

func (h UnitHolding) frozen() int64 { return min(max(h.Frozen, 0), max(h.Units, 0)) }

func (h UnitHolding) check() error {
	if h.Units < 0 || h.Held < 0 || h.Held > h.Units {
		return errs.New(errs.Internal, "holding of %d units with %d held is inconsistent", h.Units, h.Held)
	}
	return nil
}

// Hold reserves n free units.
func (h UnitHolding) Hold(n int64) (UnitHolding, error) {
	if err := positive("units", n, h.check()); err != nil {
		return h, err
	}
	if free := h.Free(); free < n {
		return h, errs.New(errs.InsufficientBalance, "%d units free to hold (%d held for other settlements, %d frozen), %d requested",
			free, h.Held, h.frozen(), n)
	}
	h.Held += n
	return h, nil
}

// Release un-reserves n held units. Releasing more than is held means the
// ledger and the settlement records disagree: INTERNAL.
func (h UnitHolding) Release(n int64) (UnitHolding, error) {
	if err := positive("units", n, h.check()); err != nil {
		return h, err
	}
	if h.Held < n {
		return h, errs.New(errs.Internal, "release of %d units but only %d are held", n, h.Held)
	}
	h.Held -= n
	return h, nil
}

// Debit removes n free units (release a settlement's own hold first).
func (h UnitHolding) Debit(n int64) (UnitHolding, error) {
	if err := positive("units", n, h.check()); err != nil {
		return h, err
	}
	if free := h.Free(); free < n {
		return h, errs.New(errs.InsufficientBalance, "%d units free to deliver (%d held for other settlements, %d frozen), %d requested",
			free, h.Held, h.frozen(), n)
	}
	h.Units -= n
	return h, nil
}

// Credit adds n units.
func (h UnitHolding) Credit(n int64) (UnitHolding, error) {
	if err := positive("units", n, h.check()); err != nil {
		return h, err
	}
	if h.Units > maxInt64-n {
		return h, errs.New(errs.Overflow, "holding of %d units cannot receive %d more", h.Units, n)
	}
	h.Units += n
	return h, nil
}

const maxInt64 = 1<<63 - 1

// CashBalance is a holder's cash tokens with what pending settlements
// hold.
type CashBalance struct {
	Balance money.Amount
	Held    money.Amount
}

// Free is Balance − Held, never below zero.
func (c CashBalance) Free() money.Amount { return max(c.Balance-c.Held, 0) }

func (c CashBalance) check() error {
	if c.Balance < 0 || c.Held < 0 || c.Held > c.Balance || c.Balance > money.MaxAmount {
		return errs.New(errs.Internal, "cash balance %s with %s held is inconsistent", c.Balance, c.Held)
	}
	return nil
}

// Hold reserves a of the free cash.
func (c CashBalance) Hold(a money.Amount) (CashBalance, error) {
	if err := positiveCash(a, c.check()); err != nil {
		return c, err
	}
	if free := c.Free(); free < a {
		return c, errs.New(errs.InsufficientBalance, "%s cash free to hold (%s held for other settlements), %s requested", free, c.Held, a)
	}
	c.Held += a
	return c, nil
}

// Release un-reserves a of the held cash.
func (c CashBalance) Release(a money.Amount) (CashBalance, error) {
	if err := positiveCash(a, c.check()); err != nil {
		return c, err
	}
	if c.Held < a {
		return c, errs.New(errs.Internal, "release of %s cash but only %s is held", a, c.Held)
	}
	c.Held -= a
	return c, nil
}

// Debit pays a out of the free cash.
func (c CashBalance) Debit(a money.Amount) (CashBalance, error) {
	if err := positiveCash(a, c.check()); err != nil {
		return c, err
	}
	if free := c.Free(); free < a {
		return c, errs.New(errs.InsufficientBalance, "%s cash free to pay (%s held for other settlements), %s requested", free, c.Held, a)
	}
	c.Balance -= a
	return c, nil
}

// Credit receives a.
func (c CashBalance) Credit(a money.Amount) (CashBalance, error) {
	if err := positiveCash(a, c.check()); err != nil {
		return c, err
	}
	b, err := c.Balance.Add(a)
	if err != nil || b > money.MaxAmount {
		return c, errs.New(errs.Overflow, "cash balance %s cannot receive %s more", c.Balance, a)
	}
	c.Balance = b
	return c, nil
}

// positive returns stateErr, or a BAD_INPUT error if n is not positive.
func positive(field string, n int64, stateErr error) error {
	if stateErr != nil {
		return stateErr
	}
	if n <= 0 {
		return errs.Field(field, "must be positive, got %d", n)
	}
	return nil
}

func positiveCash(a money.Amount, stateErr error) error {
	if stateErr != nil {
		return stateErr
	}
	if a <= 0 {
		return errs.Field("cash", "must be positive, got %s", a)
	}
	return nil
}
