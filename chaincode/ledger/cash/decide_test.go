package cash

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

var alice = roles.Identity{MSP: "Org2MSP", ID: "alice"}

// Worked by hand: reserves of 1,000.00 allow 1,000.00 outstanding; with
// 600.00 minted and 100.00 burned, 500.00 more reach the limit exactly
// and 500.01 does not.
func TestMintStaysWithinTheAttestedReserves(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	s := DecideAttest(schema.CashSupply{Minted: 600_00, Burned: 100_00}, 1000_00, "sha256:statement", at)
	if s.ReservesAttestedAt != "2026-03-01T08:30:00Z" || s.ReservesEvidence != "sha256:statement" {
		t.Fatalf("attestation %+v", s)
	}
	b := schema.CashBook{Float: 50_00}

	_, _, err := DecideMint(s, b, 500_01)
	if !errs.Is(err, errs.LimitExceeded) || !strings.Contains(err.Error(), "to 1000.01, above the attested reserves 1000.00 (attested 2026-03-01T08:30:00Z)") {
		t.Fatalf("minting past the reserves: %v", err)
	}
	s2, b2, err := DecideMint(s, b, 500_00)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Minted != 1100_00 || s2.Burned != 100_00 || b2.Float != 550_00 {
		t.Fatalf("after mint: %+v %+v", s2, b2)
	}
	if _, _, err := DecideMint(schema.CashSupply{}, b, 1); !errs.Is(err, errs.LimitExceeded) || !strings.Contains(err.Error(), "(attested never)") {
		t.Fatalf("minting before any attestation: %v", err)
	}
	for _, bad := range []money.Amount{0, -1} {
		if _, _, err := DecideMint(s, b, bad); !errs.Is(err, errs.BadInput) {
			t.Fatalf("mint %s: %v", bad, err)
		}
	}
}

func TestBurnAndPayComeOutOfTheFloat(t *testing.T) {
	s, b := schema.CashSupply{Minted: 300_00, Reserves: 300_00}, schema.CashBook{Float: 120_00}
	if _, _, err := DecideBurn(s, b, 120_01); !errs.Is(err, errs.InsufficientBalance) || !strings.HasSuffix(err.Error(), "burning 120.01: the float holds 120.00") {
		t.Fatalf("burn past the float: %v", err)
	}
	s2, b2, err := DecideBurn(s, b, 20_00)
	if err != nil || s2.Burned != 20_00 || b2.Float != 100_00 {
		t.Fatalf("burn: %+v %+v %v", s2, b2, err)
	}
	if _, err := DecidePay(b, 120_01); !errs.Is(err, errs.InsufficientBalance) || !strings.HasSuffix(err.Error(), "(mint first)") {
		t.Fatalf("pay past the float: %v", err)
	}
	if b3, err := DecidePay(b, 120_00); err != nil || b3.Float != 0 {
		t.Fatalf("pay the whole float: %+v %v", b3, err)
	}
	if b4, err := DecideReturn(b, 5_00); err != nil || b4.Float != 125_00 {
		t.Fatalf("return: %+v %v", b4, err)
	}
	if _, err := DecideReturn(schema.CashBook{Float: money.MaxAmount}, 1); !errs.Is(err, errs.Overflow) {
		t.Fatalf("return past the largest amount: %v", err)
	}
}

// Held cash stays the holder's but cannot be debited: 100.00 with 30.00
// held leaves 70.00 to spend.
func TestDebitSpendsOnlyWhatNoSettlementHolds(t *testing.T) {
	a := schema.CashAccount{Balance: 100_00, Held: 30_00}
	_, err := DecideDebit(alice, a, 70_01)
	if !errs.Is(err, errs.InsufficientBalance) || !strings.Contains(err.Error(), "has 70.00 available (30.00 held by pending settlements), 70.01 requested") {
		t.Fatalf("debit past the available cash: %v", err)
	}
	if got, err := DecideDebit(alice, a, 70_00); err != nil || got != (schema.CashAccount{Balance: 30_00, Held: 30_00}) {
		t.Fatalf("debit all available: %+v %v", got, err)
	}
	if got, err := DecideCredit(a, 1_00); err != nil || got.Balance != 101_00 || got.Held != 30_00 {
		t.Fatalf("credit: %+v %v", got, err)
	}
	if _, err := DecideCredit(schema.CashAccount{Balance: money.MaxAmount}, 1); !errs.Is(err, errs.Overflow) {
		t.Fatalf("credit past the largest amount: %v", err)
	}
	if _, err := DecideHeld(alice, a, 100_01); !errs.Is(err, errs.InsufficientBalance) {
		t.Fatalf("hold more than the balance: %v", err)
	}
	if _, err := DecideHeld(alice, a, -1); !errs.Is(err, errs.InsufficientBalance) {
		t.Fatalf("hold a negative amount: %v", err)
	}
	if got, err := DecideHeld(alice, a, 100_00); err != nil || got.Held != 100_00 || got.Balance != 100_00 {
		t.Fatalf("hold the whole balance: %+v %v", got, err)
	}
}

// Whatever sequence of decisions is taken, and whichever of them are
// refused, Σ accounts + float = minted − burned, no balance goes negative
// and no account holds more than its balance.
func TestDecisionsConserveCash(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for run := 0; run < 200; run++ {
		s := DecideAttest(schema.CashSupply{}, money.Amount(rng.Int64N(1_000_000_00)), "e", time.Unix(0, 0))
		var b schema.CashBook
		accounts := make([]schema.CashAccount, 3)
		for step := 0; step < 60; step++ {
			amount := money.Amount(rng.Int64N(300_00) - 10_00)
			i, j := rng.IntN(len(accounts)), rng.IntN(len(accounts))
			switch rng.IntN(6) {
			case 0:
				if s2, b2, err := DecideMint(s, b, amount); err == nil {
					s, b = s2, b2
				}
			case 1:
				if s2, b2, err := DecideBurn(s, b, amount); err == nil {
					s, b = s2, b2
				}
			case 2:
				if b2, err := DecidePay(b, amount); err == nil {
					if a, err := DecideCredit(accounts[i], amount); err == nil {
						b, accounts[i] = b2, a
					}
				}
			case 3:
				if a, err := DecideDebit(alice, accounts[i], amount); err == nil {
					if b2, err := DecideReturn(b, amount); err == nil {
						accounts[i], b = a, b2
					}
				}
			case 4:
				if i != j {
					if a, err := DecideDebit(alice, accounts[i], amount); err == nil {
						if c, err := DecideCredit(accounts[j], amount); err == nil {
							accounts[i], accounts[j] = a, c
						}
					}
				}
			case 5:
				if a, err := DecideHeld(alice, accounts[i], amount); err == nil {
					accounts[i] = a
				}
			}
			sum := b.Float
			for _, a := range accounts {
				if a.Balance < 0 || a.Held < 0 || a.Held > a.Balance {
					t.Fatalf("run %d step %d: account %+v", run, step, a)
				}
				sum += a.Balance
			}
			if sum != s.Minted-s.Burned || b.Float < 0 {
				t.Fatalf("run %d step %d: accounts and float %s, outstanding %s", run, step, sum, s.Minted-s.Burned)
			}
		}
	}
}
