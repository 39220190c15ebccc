package rules

import "time"

// Shared fixture: a transfer of 2,000 units of tranche A from an Org2
// investor to a new Org3 investor that passes every rule. Each test breaks
// one thing.

var (
	txTime  = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	future  = txTime.AddDate(1, 0, 0)
	past    = txTime.AddDate(0, -1, 0)
	aliceID = "Org2MSP/alice" // keys are opaque to the rules
	bobID   = "Org3MSP/bob"
)

type fixture struct {
	r TrancheRules
	t Transfer
	s State
}

func validClaims(msp, investorType, jurisdiction string) *Claims {
	return &Claims{
		InvestorType:        investorType,
		Jurisdiction:        jurisdiction,
		KYCExpiry:           future,
		AccreditationExpiry: future,
		AttestedBy:          msp,
	}
}

func newFixture() *fixture {
	return &fixture{
		r: TrancheRules{
			EligibleInvestorTypes: []string{"qib", "institutional"},
			AllowedJurisdictions:  []string{"US", "GB", "DE"},
			BlockedJurisdictions:  []string{"US-NY"},
			RequireAccreditation:  true,
			MinHolding:            1000,
			MinDenomination:       1000,
			DenominationIncrement: 500,
			MaxBalancePerHolder:   1_000_000,
			MaxHolders:            100,
			LockupUntil:           time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			ConsortiumMSPs:        []string{"Org1MSP", "Org2MSP", "Org3MSP"},
		},
		t: Transfer{
			Kind:     KindTransfer,
			Tranche:  "A",
			Sender:   Party{Key: aliceID, MSP: "Org2MSP", Claims: validClaims("Org2MSP", "institutional", "GB")},
			Receiver: Party{Key: bobID, MSP: "Org3MSP", Claims: validClaims("Org3MSP", "qib", "US-CA")},
			Units:    2000,
			Time:     txTime,
		},
		s: State{
			Sender:   Holding{Units: 10_000},
			Receiver: Holding{Units: 0},
			Holders:  10,
		},
	}
}

func (f *fixture) check() error { return Check(f.r, f.t, f.s) }
