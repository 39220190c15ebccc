package cash

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The cash book's decisions: records in, the records to write out, or a
// refusal with its code. They read and write nothing; Ledger reads the
// records, calls them and applies what they return.

// DecideAttest records an attestation of the reserves backing the tokens.
// Lower reserves than the tokens outstanding are recorded as they are:
// the supply then shows the shortfall and DecideMint refuses.
func DecideAttest(s schema.CashSupply, reserves money.Amount, evidence string, at time.Time) schema.CashSupply {
	s.Reserves, s.ReservesEvidence, s.ReservesAttestedAt = reserves, evidence, at.UTC().Format(time.RFC3339)
	return s
}

// DecideMint creates amount in the float, if the tokens outstanding
// afterwards stay within the attested reserves.
func DecideMint(s schema.CashSupply, b schema.CashBook, amount money.Amount) (schema.CashSupply, schema.CashBook, error) {
	if err := positive(amount); err != nil {
		return s, b, err
	}
	outstanding, err := s.Minted.Sub(s.Burned)
	if err != nil {
		return s, b, overflow(err)
	}
	after, err := outstanding.Add(amount)
	if err != nil {
		return s, b, overflow(err)
	}
	if after > s.Reserves {
		return s, b, errs.New(errs.LimitExceeded, "minting %s would bring the tokens outstanding to %s, above the attested reserves %s (attested %s)",
			amount, after, s.Reserves, orNever(s.ReservesAttestedAt))
	}
	if s.Minted, err = s.Minted.Add(amount); err != nil {
		return s, b, overflow(err)
	}
	if b.Float, err = b.Float.Add(amount); err != nil {
		return s, b, overflow(err)
	}
	return s, b, nil
}

// DecideBurn destroys amount of the float.
func DecideBurn(s schema.CashSupply, b schema.CashBook, amount money.Amount) (schema.CashSupply, schema.CashBook, error) {
	if err := positive(amount); err != nil {
		return s, b, err
	}
	if amount > b.Float {
		return s, b, errs.New(errs.InsufficientBalance, "burning %s: the float holds %s", amount, b.Float)
	}
	var err error
	if s.Burned, err = s.Burned.Add(amount); err != nil {
		return s, b, overflow(err)
	}
	b.Float -= amount
	return s, b, nil
}

// DecidePay takes amount out of the float to pay a holder (whose account
// DecideCredit then credits).
func DecidePay(b schema.CashBook, amount money.Amount) (schema.CashBook, error) {
	if err := positive(amount); err != nil {
		return b, err
	}
	if amount > b.Float {
		return b, errs.New(errs.InsufficientBalance, "paying %s: the float holds %s (mint first)", amount, b.Float)
	}
	b.Float -= amount
	return b, nil
}

// DecideReturn puts amount a holder returned (debited by DecideDebit)
// back in the float, for burning.
func DecideReturn(b schema.CashBook, amount money.Amount) (schema.CashBook, error) {
	if err := positive(amount); err != nil {
		return b, err
	}
	var err error
	if b.Float, err = b.Float.Add(amount); err != nil {
		return b, overflow(err)
	}
	return b, nil
}

// DecideCredit adds amount to a holder's account (paid out of a deal's
// book, which the caller debits).
func DecideCredit(a schema.CashAccount, amount money.Amount) (schema.CashAccount, error) {
	if err := positive(amount); err != nil {
		return a, err
	}
	return credit(a, amount)
}

// DecideDebit takes amount from a holder's available cash: its balance
// less what pending settlements hold.
func DecideDebit(holder roles.Identity, a schema.CashAccount, amount money.Amount) (schema.CashAccount, error) {
	if err := positive(amount); err != nil {
		return a, err
	}
	return debit(holder, a, amount)
}

// DecideHeld sets the cash of a holder's account that pending settlement
// instructions reserve: at most its balance.
func DecideHeld(holder roles.Identity, a schema.CashAccount, amount money.Amount) (schema.CashAccount, error) {
	if amount < 0 || amount > a.Balance {
		return a, errs.New(errs.InsufficientBalance, "%s has %s; cannot hold %s for settlement", holder.Short(), a.Balance, amount)
	}
	a.Held = amount
	return a, nil
}

func debit(holder roles.Identity, a schema.CashAccount, amount money.Amount) (schema.CashAccount, error) {
	if available := a.Balance - a.Held; amount > available {
		return a, errs.New(errs.InsufficientBalance, "%s has %s available (%s held by pending settlements), %s requested",
			holder.Short(), max(available, 0), a.Held, amount)
	}
	a.Balance -= amount
	return a, nil
}

func credit(a schema.CashAccount, amount money.Amount) (schema.CashAccount, error) {
	var err error
	if a.Balance, err = a.Balance.Add(amount); err != nil {
		return a, overflow(err)
	}
	return a, nil
}

func positive(a money.Amount) error {
	if !a.IsPositive() {
		return errs.Field("amount", "must be positive, got %s", a)
	}
	return nil
}

func overflow(err error) error { return errs.New(errs.Overflow, "cash amount: %v", err) }

func orNever(at string) string {
	if at == "" {
		return "never"
	}
	return at
}
