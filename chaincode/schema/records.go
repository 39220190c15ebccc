package schema

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
)

// PoolStatus is the life cycle of an SPV pool's loan tape.
type PoolStatus string

const (
	PoolOpen   PoolStatus = "open"   // loans are being added
	PoolSealed PoolStatus = "sealed" // tape fixed: Merkle root and aggregates published
)

// Pool is the public record of an SPV pool. Loan-level data is in the
// loanTape collection; here are only the aggregates and the Merkle root
// against which any disclosed loan can be proved.
type Pool struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Originator string `json:"originator"` // MSP of the originator
	Servicer   string `json:"servicer"`   // MSP of the servicer (who may add loans and report)
	CutoffDate string `json:"cutoffDate"` // YYYY-MM-DD
	// AssetClass is the pool's class (package assetclass); absent means
	// "auto", so auto pools keep their bytes.
	AssetClass string       `json:"assetClass,omitempty"`
	Status     PoolStatus   `json:"status"`
	LoanCount  int          `json:"loanCount"`
	Balance    money.Amount `json:"balance"` // sum of cut-off balances
	// MerkleRoot is the hex root over the loans' canonical records in the
	// order they were added; set when sealed.
	MerkleRoot string `json:"merkleRoot,omitempty"`
	// Aggregates are the tape's public statistics (loantape.TapeAggregates
	// as canonical JSON), set when sealed.
	Aggregates json.RawMessage `json:"aggregates,omitempty"`
	CreatedTx  string          `json:"createdTx"`
	SealedTx   string          `json:"sealedTx,omitempty"`

	// DiscountRate is a lease pool's discount rate (a decimal fraction):
	// every lease is valued at it. Absent for other classes.
	DiscountRate string `json:"discountRate,omitempty"`
	// CardSeries is set on a cards pool sealed as one series' collateral
	// in a card trust (Pool:SealCardSeries); the deal it backs is
	// reported from the trust's allocated months.
	CardSeries *CardSeriesRef `json:"cardSeries,omitempty"`
	// TapeChunkSize is set when sealed for a tape kept a chunk to a
	// value (records_tape_values.go): loan i is in chunk i / TapeChunkSize.
	// Zero: one private key a loan (a tape added in order).
	TapeChunkSize int `json:"tapeChunkSize,omitempty"`
}

// Position is one holder's units of one tranche, in the holder's custodian
// registry.
type Position struct {
	Units       int64 `json:"units"`
	FrozenUnits int64 `json:"frozenUnits"`
	// HeldUnits are reserved by pending settlement instructions (set by the
	// settlement contract): they stay the holder's but cannot be sold twice.
	// Units free to move = Units - max(FrozenUnits, 0) - HeldUnits.
	HeldUnits int64 `json:"heldUnits,omitempty"`
	// IndexPaid is the tranche's cumulative distribution index (decimal
	// string, cash per unit) up to which this position has been paid; set
	// by the servicing contract.
	IndexPaid string `json:"indexPaid,omitempty"`
	// Distributions is what this position's claims (and the settlements
	// of its accrual before its units changed) took out of the tranche's
	// distribution account: the claim tally of one holder. A claim writes
	// only its holder's position and cash account, both in the holder's
	// registry, so concurrent claims of different holders touch no common
	// key; the class's totals are the class book's own and every
	// position's (accruals.ReadTotals). Absent until the first claim
	// (claims before the per-holder tallies counted in the class book or
	// its shard tallies, TypeClaimTally).
	Distributions distribution.ClaimTally `json:"distributions,omitzero"`
}

// CashAccount is one holder's balance of the settlement asset, in the
// holder's custodian registry. Held is reserved by pending settlements.
type CashAccount struct {
	Balance money.Amount `json:"balance"`
	Held    money.Amount `json:"held"`
}

// TrancheBook is the part of a tranche's register the trustee keeps alone:
// units minted but not yet placed with investors (the SPV's issuance
// account), units redeemed, and the holders counted before the tranche had
// holder shards. Conservation: sum of positions + IssuerUnits =
// Tranche.Issued - Redeemed; holders with units = Holders + Σ shards.
type TrancheBook struct {
	IssuerUnits int64 `json:"issuerUnits"`
	Redeemed    int64 `json:"redeemed"`
	// Holders is the count of a tranche created before holder shards
	// (HolderShard); a tranche with shards leaves it at 0 and counts in them.
	Holders int `json:"holders"`
}

// HolderShards is the number of holder-count shards of a tranche.
// Arrivals and departures of holders change the shard their identity
// key hashes to, so first transfers to different new holders rarely touch
// the same key (64 shards: at ten transactions a block, about one block
// in ten has two arrivals in one shard, and the later one is retried)
// instead of all serialising on one counter.
const HolderShards = 64

// ShardOf names the shard (two hex digits) a holder counts in: its
// holder-count shard and its claim tally (TypeClaimTally).
func ShardOf(holderKey string) string {
	sum := sha256.Sum256([]byte(holderKey))
	return fmt.Sprintf("%02x", int(sum[0])%HolderShards)
}

// HolderShard is one shard of a tranche's holder count: how many holders
// whose key hashes to it hold units. Kept by the trustee, like the book.
type HolderShard struct {
	Holders int `json:"holders"`
}

// CashSupply is the public supply record of the settlement asset, changed
// only with a majority's endorsement. Minted - Burned never exceeds the
// reserves the settlement agent last attested.
type CashSupply struct {
	Minted   money.Amount `json:"minted"`
	Burned   money.Amount `json:"burned"`
	Reserves money.Amount `json:"reserves"` // last attested reserves backing the tokens
	// ReservesAttestedAt is the RFC 3339 time of the last attestation.
	ReservesAttestedAt string `json:"reservesAttestedAt,omitempty"`
	ReservesEvidence   string `json:"reservesEvidence,omitempty"` // hash or reference of the evidence
}

// CashBook is the settlement agent's float kept by the trustee: cash minted
// but not yet paid to a holder, or returned for burning. Conservation
// (contracttest.CashBooks.Check): sum of holders' cash accounts + Float +
// the deals' accounts (collection, reserves, fees) + the class books'
// distribution accounts = Minted - Burned.
type CashBook struct {
	Float money.Amount `json:"float"`
}

// CashFloatShards is the number of shards the float is kept in
// (cashfloat~<nn>, each a CashBook): a payment to a holder draws from the
// shard its key hashes to (CashFloatShardOf), so payments to different
// holders rarely touch one key. The float is the shards' sum plus the
// single cashbook record of a ledger from before the shards.
const CashFloatShards = 64

// CashFloatShardOf is the float shard (0 … CashFloatShards−1) payments to
// and returns from a holder go through first.
func CashFloatShardOf(holderKey string) int {
	sum := sha256.Sum256([]byte(holderKey))
	return int(sum[0]) % CashFloatShards
}

// DossierRef is the public trace of an investor's dossier: its hash (the
// dossier itself stays in the investor bank's implicit collection).
type DossierRef struct {
	SHA256     string `json:"sha256"`
	AttestedBy string `json:"attestedBy"`
	AttestedAt string `json:"attestedAt"`
}

// ClaimsRecord is what the compliance collection stores per investor.
type ClaimsRecord = rules.Claims
