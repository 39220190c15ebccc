package auction

import (
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func bid(who string, price int64, minute int, funded bool) Revealed {
	return Revealed{Bidder: who, Price: money.FromMajor(price), PlacedAt: t0.Add(time.Duration(minute) * time.Minute), PlacedTx: "tx-" + who, Funded: funded}
}

// Hand-worked awards against a reserve of 9,000,000.00.
func TestDecideGolden(t *testing.T) {
	reserve := money.FromMajor(9_000_000)
	for _, c := range []struct {
		name     string
		bids     []Revealed
		reason   Reason
		winner   string
		unfunded int
	}{
		{"best bid wins", []Revealed{bid("org2", 9_500_000, 5, true), bid("org3", 9_750_000, 9, true)}, Sold, "org3", 0},
		{"equal prices: the earlier bid", []Revealed{bid("org3", 9_500_000, 9, true), bid("org2", 9_500_000, 5, true)}, Sold, "org2", 0},
		{"equal prices and times: the lower tx ID", []Revealed{bid("org3", 9_500_000, 5, true), bid("org2", 9_500_000, 5, true)}, Sold, "org2", 0},
		{"a bid at the reserve sells", []Revealed{bid("org2", 9_000_000, 5, true)}, Sold, "org2", 0},
		{"below the reserve: no sale", []Revealed{bid("org2", 8_999_999, 5, true), bid("org3", 8_000_000, 1, true)}, BelowReserve, "", 0},
		{"the best bidder cannot pay: the next one wins", []Revealed{bid("org3", 9_750_000, 9, false), bid("org2", 9_500_000, 5, true)}, Sold, "org2", 1},
		{"nobody above the reserve can pay", []Revealed{bid("org3", 9_750_000, 9, false), bid("org2", 8_500_000, 5, true)}, NoFundedBids, "", 1},
		{"no bids", nil, NoBids, "", 0},
	} {
		a := Decide(c.bids, reserve)
		got := ""
		if a.Winner != nil {
			got = a.Winner.Bidder
		}
		if a.Reason != c.reason || got != c.winner || a.Unfunded != c.unfunded || a.Bids != len(c.bids) {
			t.Errorf("%s: %+v (winner %q), want %s %q with %d unfunded", c.name, a, got, c.reason, c.winner, c.unfunded)
		}
	}
}

// For random bids in any order: a winner is funded, at or above the
// reserve, and no other funded bid at or above it is better; without a
// winner no funded bid reaches the reserve; shuffling changes nothing.
func TestDecideProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 2000; i++ {
		n := rng.Intn(8)
		bids := make([]Revealed, n)
		for j := range bids {
			bids[j] = Revealed{Bidder: string(rune('a' + j)), Price: money.Amount(rng.Int63n(20) * 50_000_00),
				PlacedAt: t0.Add(time.Duration(rng.Intn(4)) * time.Minute), PlacedTx: string(rune('a' + j)), Funded: rng.Intn(4) != 0}
		}
		reserve := money.Amount(rng.Int63n(20) * 50_000_00)
		a := Decide(bids, reserve)
		shuffled := slices.Clone(bids)
		rng.Shuffle(len(shuffled), func(x, y int) { shuffled[x], shuffled[y] = shuffled[y], shuffled[x] })
		if b := Decide(shuffled, reserve); b.Reason != a.Reason || (a.Winner != nil) != (b.Winner != nil) || (a.Winner != nil && a.Winner.Bidder != b.Winner.Bidder) {
			t.Fatalf("order changed the award: %+v vs %+v", a, b)
		}
		for _, b := range bids {
			eligible := b.Funded && b.Price >= reserve
			switch {
			case a.Winner == nil && eligible:
				t.Fatalf("no sale (%s) though %+v is funded and reaches the reserve %s", a.Reason, b, reserve)
			case a.Winner != nil && eligible && better(b, *a.Winner) < 0:
				t.Fatalf("%+v beats the winner %+v", b, *a.Winner)
			}
		}
		if a.Winner != nil && (!a.Winner.Funded || a.Winner.Price < reserve) {
			t.Fatalf("winner %+v against reserve %s", *a.Winner, reserve)
		}
	}
}

func TestRevealMustMatchTheCommitment(t *testing.T) {
	sealed := Sealed{Deal: "D", Auction: "AUC-1", Bidder: "x509::Org2MSP::abc", Price: money.FromMajor(9_500_000), Salt: "0123456789abcdef0123"}
	c, err := sealed.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := sealed.Commitment(); c2 != c || len(c) != 64 {
		t.Fatalf("commitment %q is not a stable SHA-256", c)
	}
	if err := CheckReveal(c, sealed); err != nil {
		t.Fatalf("the sealed bid itself: %v", err)
	}
	for name, edit := range map[string]func(*Sealed){
		"price":   func(s *Sealed) { s.Price++ },
		"salt":    func(s *Sealed) { s.Salt = "fedcba9876543210fedc" },
		"bidder":  func(s *Sealed) { s.Bidder = "x509::Org3MSP::def" },
		"auction": func(s *Sealed) { s.Auction = "AUC-2" },
	} {
		r := sealed
		edit(&r)
		if err := CheckReveal(c, r); errs.CodeOf(err) != errs.BadInput {
			t.Errorf("a reveal with another %s: %v", name, err)
		}
	}
	for name, s := range map[string]Sealed{
		"short salt": {Deal: "D", Auction: "A", Bidder: "b", Price: 1, Salt: "short"},
		"zero price": {Deal: "D", Auction: "A", Bidder: "b", Price: 0, Salt: "0123456789abcdef"},
	} {
		if errs.CodeOf(s.Validate()) != errs.BadInput {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestWindow(t *testing.T) {
	w := Window{Opens: t0, Closes: t0.Add(time.Hour)}
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	if (Window{Opens: t0, Closes: t0}).Validate() == nil {
		t.Error("an empty window accepted")
	}
	for _, c := range []struct {
		at             time.Duration
		bidding, close bool
	}{{-time.Second, false, false}, {0, true, false}, {59 * time.Minute, true, false}, {time.Hour, false, true}, {2 * time.Hour, false, true}} {
		now := t0.Add(c.at)
		if got := w.Bidding(now) == nil; got != c.bidding {
			t.Errorf("at %s: bidding %v", c.at, got)
		}
		if got := w.Closed(now) == nil; got != c.close {
			t.Errorf("at %s: closed %v", c.at, got)
		}
	}
}
