package auction

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Sealed is a bid as its bidder seals it: the record its commitment
// hashes. Auction and Bidder bind it to one auction and one bidder, so a
// commitment cannot be replayed elsewhere; Salt (at least 16 characters
// the bidder chose at random) keeps the price from being found by trying
// prices against the public commitment.
type Sealed struct {
	Deal    string       `json:"deal"`
	Auction string       `json:"auction"`
	Bidder  string       `json:"bidder"` // identity key
	Price   money.Amount `json:"price"`
	Salt    string       `json:"salt"`
}

// MinSaltLength is the shortest salt accepted.
const MinSaltLength = 16

// Validate checks a sealed bid's own fields.
func (s Sealed) Validate() error {
	switch {
	case s.Deal == "" || s.Auction == "" || s.Bidder == "":
		return errs.Field("bid", "deal, auction and bidder are required")
	case !s.Price.IsPositive():
		return errs.Field("bid.price", "must be positive, got %s", s.Price)
	case len(s.Salt) < MinSaltLength || len(s.Salt) > 128:
		return errs.Field("bid.salt", "must be %d to 128 characters chosen at random, got %d", MinSaltLength, len(s.Salt))
	}
	return nil
}

// Bytes is the canonical JSON the bidder's implicit collection stores;
// its SHA-256 is the bid's public commitment.
func (s Sealed) Bytes() ([]byte, error) { return canon.Marshal(s) }

// Commitment is the hex SHA-256 of the sealed bid's canonical JSON: what
// Fabric's private data hash of the stored bid is, and what the public
// record shows.
func (s Sealed) Commitment() (string, error) {
	b, err := s.Bytes()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// CheckReveal checks a revealed bid against the commitment published when
// it was placed: any difference (price, salt, auction, bidder) is refused
// with BAD_INPUT, and the revealed bid counts for nothing.
func CheckReveal(commitment string, revealed Sealed) error {
	if err := revealed.Validate(); err != nil {
		return err
	}
	got, err := revealed.Commitment()
	if err != nil {
		return err
	}
	if got != commitment {
		return errs.Field("bid", "the revealed bid of %s does not match its commitment %s (price or salt differ)", revealed.Bidder, commitment)
	}
	return nil
}

// Window is when bids may be placed: from Opens (inclusive) to Closes
// (exclusive), both compared with the transaction's timestamp.
type Window struct {
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
}

// Validate wants a window that closes after it opens.
func (w Window) Validate() error {
	if w.Opens.IsZero() || !w.Closes.After(w.Opens) {
		return errs.Field("closes", "must be after opens (%s)", w.Opens.UTC().Format(time.RFC3339))
	}
	return nil
}

// Bidding refuses a bid placed outside the window.
func (w Window) Bidding(now time.Time) error {
	switch {
	case now.Before(w.Opens):
		return errs.New(errs.WrongState, "bidding opens at %s", w.Opens.UTC().Format(time.RFC3339))
	case !now.Before(w.Closes):
		return errs.New(errs.WrongState, "bidding closed at %s", w.Closes.UTC().Format(time.RFC3339))
	}
	return nil
}

// Closed refuses a reveal or an award before the window closes: until
// then a bid may still come.
func (w Window) Closed(now time.Time) error {
	if now.Before(w.Closes) {
		return errs.New(errs.WrongState, "bidding is open until %s", w.Closes.UTC().Format(time.RFC3339))
	}
	return nil
}
