package rules

import (
	"encoding/json"
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// failingRules is a test oracle: every rule that t breaks, in number
// order, written from the rule table in the package documentation
// without the early exits and shared helpers of Check.
func failingRules(r TrancheRules, t Transfer, s State) []int {
	k := t.Kind
	receives := k != KindRedeem
	sends := k != KindIssue
	investorSends := k == KindTransfer || k == KindRedeem
	sc, rc := t.Sender.Claims, t.Receiver.Claims
	valid := func(p Party) bool { return p.Claims != nil && !p.Claims.Revoked && p.Claims.AttestedBy == p.MSP }
	// An entry matches a jurisdiction if it is the same code or its country.
	matches := func(entry, j string) bool {
		country, _, isSubdivision := strings.Cut(j, "-")
		return entry == j || isSubdivision && entry == country
	}
	jurisdictionRefused := func(j string) bool {
		for _, b := range r.BlockedJurisdictions {
			if matches(b, j) || matches(j, b) {
				return true
			}
		}
		return len(r.AllowedJurisdictions) > 0 && !slices.ContainsFunc(r.AllowedJurisdictions, func(a string) bool { return matches(a, j) })
	}
	lapsed := func(expiry time.Time) bool { return !expiry.After(t.Time) }
	increment := r.DenominationIncrement
	if increment == 0 {
		increment = 1
	}
	senderLeft := s.Sender.Units - t.Units
	receiverGets := s.Receiver.Units + t.Units
	holdersAfter := s.Holders
	if s.Receiver.Units == 0 {
		holdersAfter++
	}
	if sends && senderLeft == 0 {
		holdersAfter--
	}

	broken := []bool{
		1:  k != KindForced && r.Paused,
		2:  investorSends && !slices.Contains(r.ConsortiumMSPs, t.Sender.MSP) || receives && !slices.Contains(r.ConsortiumMSPs, t.Receiver.MSP),
		3:  receives && valid(t.Receiver) && !slices.Contains(r.EligibleInvestorTypes, rc.InvestorType),
		4:  receives && valid(t.Receiver) && jurisdictionRefused(rc.Jurisdiction),
		5:  investorSends && !valid(t.Sender) || receives && !valid(t.Receiver),
		6:  investorSends && (sc == nil || lapsed(sc.KYCExpiry)) || receives && (rc == nil || lapsed(rc.KYCExpiry)),
		7:  receives && r.RequireAccreditation && (rc == nil || lapsed(rc.AccreditationExpiry)),
		8:  investorSends && (sc != nil && sc.Frozen || t.Units <= s.Sender.Units && s.Sender.Units-s.Sender.FrozenUnits < t.Units) || receives && rc != nil && rc.Frozen,
		9:  k == KindTransfer && t.Time.Before(r.LockupUntil),
		10: sends && s.Sender.Units < t.Units,
		11: t.Units < r.MinDenomination || (t.Units-r.MinDenomination)%increment != 0,
		12: investorSends && senderLeft > 0 && senderLeft < r.MinHolding || receives && receiverGets < r.MinHolding,
		13: receives && r.MaxBalancePerHolder > 0 && receiverGets > r.MaxBalancePerHolder,
		14: receives && r.MaxHolders > 0 && holdersAfter > r.MaxHolders && holdersAfter > s.Holders,
	}
	var out []int
	for n, b := range broken {
		if b {
			out = append(out, n)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.Intn(len(xs))] }

func subset(rng *rand.Rand, xs ...string) []string {
	var out []string
	for _, x := range xs {
		if rng.Intn(2) == 0 {
			out = append(out, x)
		}
	}
	return out
}

func randomClaims(rng *rand.Rand, msp string) *Claims {
	if rng.Intn(10) == 0 {
		return nil
	}
	times := []time.Time{{}, past, txTime, future}
	return &Claims{
		InvestorType:        pick(rng, "qib", "institutional", "retail"),
		Jurisdiction:        pick(rng, "US", "US-NY", "US-CA", "GB", "FR", "DE-BY"),
		KYCExpiry:           pick(rng, times...),
		AccreditationExpiry: pick(rng, times...),
		Frozen:              rng.Intn(10) == 0,
		Revoked:             rng.Intn(10) == 0,
		AttestedBy:          pick(rng, msp, msp, msp, msp, "Org1MSP"),
	}
}

func randomCase(rng *rand.Rand) (TrancheRules, Transfer, State) {
	r := TrancheRules{
		EligibleInvestorTypes: subset(rng, "qib", "institutional", "retail"),
		AllowedJurisdictions:  subset(rng, "US", "GB", "DE", "US-CA"),
		BlockedJurisdictions:  subset(rng, "US-NY", "FR", "DE-BY"),
		RequireAccreditation:  rng.Intn(2) == 0,
		MinHolding:            pick[int64](rng, 0, 500, 1000, 3000),
		MinDenomination:       pick[int64](rng, 0, 1000),
		DenominationIncrement: pick[int64](rng, 0, 500, 1000),
		MaxBalancePerHolder:   pick[int64](rng, 0, 0, 1500, 5000, 1_000_000),
		MaxHolders:            pick(rng, 0, 3, 10),
		LockupUntil:           pick(rng, time.Time{}, past, txTime, future),
		ConsortiumMSPs:        subset(rng, "Org1MSP", "Org2MSP", "Org3MSP"),
		Paused:                rng.Intn(8) == 0,
	}
	smsp := pick(rng, "Org1MSP", "Org2MSP", "Org3MSP", "Org9MSP")
	rmsp := pick(rng, "Org1MSP", "Org2MSP", "Org3MSP", "Org9MSP")
	t := Transfer{
		Kind:     pick(rng, KindIssue, KindTransfer, KindTransfer, KindForced, KindRedeem),
		Tranche:  pick(rng, "A", "M", "E"),
		Sender:   Party{Key: smsp + "/s", MSP: smsp, Claims: randomClaims(rng, smsp)},
		Receiver: Party{Key: rmsp + "/r", MSP: rmsp, Claims: randomClaims(rng, rmsp)},
		Units:    pick[int64](rng, 500, 1000, 1500, 2000, 2500),
		Time:     txTime,
	}
	s := State{
		Sender:   Holding{Units: pick[int64](rng, 0, 1000, 2000, 2500, 5000), FrozenUnits: pick[int64](rng, 0, 0, 500, 2000, 10_000)},
		Receiver: Holding{Units: pick[int64](rng, 0, 0, 1000, 4000)},
		Holders:  pick(rng, 0, 1, 3, 10, 11),
	}
	return r, t, s
}

// TestCheckAgainstOracle: on random well-formed inputs Check returns
// exactly the lowest-numbered rule the oracle finds broken, the same
// result twice, and the same after the inputs travel through canonical
// JSON (as they do from the ledger).
func TestCheckAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewSource(20260601))
	checked, passed := 0, 0
	hits := make([]int, 15)
	for i := 0; i < 30_000; i++ {
		r, tr, s := randomCase(rng)
		err := Check(r, tr, s)
		if again := Check(r, tr, s); errText(again) != errText(err) {
			t.Fatalf("case %d: not deterministic: %v / %v", i, err, again)
		}
		if rt, tt, st := roundTrip(t, r, tr, s); errText(Check(rt, tt, st)) != errText(err) {
			t.Fatalf("case %d: result changed after JSON round trip: %v / %v", i, err, Check(rt, tt, st))
		}
		if r.Validate() != nil {
			if !errs.Is(err, errs.Internal) {
				t.Fatalf("case %d: invalid rules must give INTERNAL, got %v", i, err)
			}
			continue
		}
		checked++
		want := failingRules(r, tr, s)
		var e *errs.Error
		switch {
		case len(want) == 0:
			if err != nil {
				t.Fatalf("case %d: oracle passes, Check says %v\n%+v\n%+v\n%+v", i, err, r, tr, s)
			}
			passed++
		case !errors.As(err, &e) || e.Rule != want[0] || e.Code != Rules()[want[0]-1].Code:
			t.Fatalf("case %d: oracle says rules %v fail, Check says %v\nrules %+v\ntransfer %+v\nstate %+v", i, want, err, r, tr, s)
		default:
			hits[e.Rule]++
		}
	}
	// The generator must reach every rule and the passing case, or the
	// comparison proves little.
	for n := 1; n <= 14; n++ {
		if hits[n] == 0 {
			t.Errorf("random cases never made rule %d the first failure", n)
		}
	}
	if passed == 0 || checked < 10_000 {
		t.Errorf("only %d valid cases, %d passing", checked, passed)
	}
}

func roundTrip(t *testing.T, r TrancheRules, tr Transfer, s State) (TrancheRules, Transfer, State) {
	t.Helper()
	var out struct {
		R TrancheRules `json:"r"`
		T Transfer     `json:"t"`
		S State        `json:"s"`
	}
	b, err := canon.Marshal(map[string]any{"r": r, "t": tr, "s": s})
	if err != nil {
		t.Fatal(err)
	}
	if err := canon.Unmarshal(b, &out); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return out.R, out.T, out.S
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// FuzzCheck decodes tranche rules from JSON the way the Deal contract does,
// then checks a movement built from the other inputs. Check must never
// panic, must be deterministic, must only return known codes, and on
// well-formed input must agree with the oracle.
func FuzzCheck(f *testing.F) {
	seed, _ := json.Marshal(newFixture().r)
	f.Add(seed, byte(1), int64(2000), int64(10_000), int64(0), int64(0), 10, "qib", "US-CA", int64(3600))
	f.Add(seed, byte(2), int64(2000), int64(1000), int64(0), int64(0), 100, "retail", "US-NY", int64(-1))
	f.Add([]byte(`{"eligibleInvestorTypes":["qib"],"consortiumMSPs":["Org1MSP"],"minDenomination":-1}`), byte(0), int64(1), int64(0), int64(0), int64(0), 0, "qib", "US", int64(0))
	f.Add([]byte(`{"eligibleInvestorTypes":["qib"],"consortiumMSPs":["Org1MSP"],"maxHolders":1}`), byte(3), int64(9223372036854775807), int64(9223372036854775807), int64(-5), int64(1), 1, "qib", "GB", int64(9))
	f.Fuzz(func(t *testing.T, rulesJSON []byte, kind byte, units, senderUnits, senderFrozen, receiverUnits int64, holders int, investorType, jurisdiction string, kycSeconds int64) {
		var r TrancheRules
		if err := canon.Unmarshal(rulesJSON, &r); err != nil {
			if !errs.Is(err, errs.BadInput) {
				t.Fatalf("decode error without BAD_INPUT: %v", err)
			}
			return
		}
		tr := Transfer{
			Kind:    []Kind{KindIssue, KindTransfer, KindForced, KindRedeem, "gift"}[int(kind)%5],
			Tranche: "A",
			Sender:  Party{Key: "Org1MSP/s", MSP: "Org1MSP", Claims: validClaims("Org1MSP", "qib", "GB")},
			Receiver: Party{Key: "Org2MSP/r", MSP: "Org2MSP", Claims: &Claims{
				InvestorType: investorType, Jurisdiction: jurisdiction, AttestedBy: "Org2MSP",
				KYCExpiry: txTime.Add(time.Duration(kycSeconds%1e9) * time.Second), AccreditationExpiry: future,
			}},
			Units: units,
			Time:  txTime,
		}
		s := State{Sender: Holding{Units: senderUnits, FrozenUnits: senderFrozen}, Receiver: Holding{Units: receiverUnits}, Holders: holders}

		err := Check(r, tr, s)
		if errText(Check(r, tr, s)) != errText(err) {
			t.Fatal("not deterministic")
		}
		if err == nil {
			if r.Validate() != nil {
				t.Fatal("invalid rules passed")
			}
			if want := failingRules(r, tr, s); len(want) > 0 {
				t.Fatalf("oracle says %v fail, Check passed", want)
			}
			return
		}
		var e *errs.Error
		if !errors.As(err, &e) || !errs.Known(e.Code) {
			t.Fatalf("unknown error %v", err)
		}
		switch e.Code {
		case errs.BadInput, errs.Internal, errs.Overflow:
			if e.Rule != 0 {
				t.Fatalf("non-rule error with a rule number: %v", err)
			}
		default:
			if e.Rule < 1 || e.Rule > len(Rules()) || Rules()[e.Rule-1].Code != e.Code {
				t.Fatalf("rule number and code disagree: %v", err)
			}
			if want := failingRules(r, tr, s); len(want) == 0 || want[0] != e.Rule {
				t.Fatalf("oracle says %v fail, Check says %v", want, err)
			}
		}
	})
}
