package rules

import "time"

// TrancheRules are the transfer rules of one tranche, part of the public
// deal terms. Zero limits mean "no limit"; Validate checks the rest.
type TrancheRules struct {
	// EligibleInvestorTypes lists the investor types that may receive units,
	// e.g. "qib", "institutional", "professional" (at least one; lower-case
	// letters, digits and '-'). The types are the deal's vocabulary and
	// must match what compliance officers attest.
	EligibleInvestorTypes []string `json:"eligibleInvestorTypes"`
	// AllowedJurisdictions, when not empty, is the only place receivers may
	// be in. BlockedJurisdictions are never allowed. Entries are ISO 3166-1
	// alpha-2 countries ("US") or ISO 3166-2 subdivisions ("US-NY"); a
	// country entry also covers its subdivisions.
	AllowedJurisdictions []string `json:"allowedJurisdictions"`
	BlockedJurisdictions []string `json:"blockedJurisdictions"`
	// RequireAccreditation refuses receivers without unexpired accreditation.
	RequireAccreditation bool `json:"requireAccreditation"`
	// MinHolding is the smallest non-zero holding, in units (0: none).
	MinHolding int64 `json:"minHolding"`
	// Amounts moved must be MinDenomination plus a multiple of
	// DenominationIncrement ("minimum denominations of 100,000 and integral
	// multiples of 1,000 in excess thereof"); 0 means no minimum and an
	// increment of 1.
	MinDenomination       int64 `json:"minDenomination"`
	DenominationIncrement int64 `json:"denominationIncrement"`
	// MaxBalancePerHolder caps any holding, in units (0: none).
	MaxBalancePerHolder int64 `json:"maxBalancePerHolder"`
	// MaxHolders caps the number of holders with a non-zero holding (0: none).
	MaxHolders int `json:"maxHolders"`
	// LockupUntil refuses investor transfers before this instant (zero: none).
	LockupUntil time.Time `json:"lockupUntil,omitzero"`
	// ConsortiumMSPs are the MSPs whose identities may hold the tranche.
	ConsortiumMSPs []string `json:"consortiumMSPs"`
	// Paused stops issuance, transfers and redemptions; the contract sets it
	// too when the deal is in an event of default that stops transfers.
	Paused bool `json:"paused"`
}

// Claims are what a compliance officer of the investor's own MSP attests
// about an investor, kept in the compliance collection. Partial freezes
// are per holding (Holding.FrozenUnits); Frozen here freezes the investor
// in every tranche.
type Claims struct {
	InvestorType        string    `json:"investorType"`
	Jurisdiction        string    `json:"jurisdiction"` // "US-NY", "GB", "DE"
	KYCExpiry           time.Time `json:"kycExpiry"`
	AccreditationExpiry time.Time `json:"accreditationExpiry,omitzero"` // zero: not accredited
	Frozen              bool      `json:"frozen"`
	Revoked             bool      `json:"revoked"`
	AttestedBy          string    `json:"attestedBy"` // MSP of the attesting compliance officer
}

// Kind is what a movement of units does.
type Kind string

const (
	// KindIssue creates units for the receiver, or delivers them from the
	// issuer's (SPV's) account in primary issuance: the sender, if any, is
	// neither checked nor counted as a holder.
	KindIssue Kind = "issue"
	// KindTransfer moves units between two holders at their request
	// (including a settled trade).
	KindTransfer Kind = "transfer"
	// KindForced is a transfer the trustee makes under a court order or
	// to recover lost keys; it overrides what such an order overrides
	// (see the rule table).
	KindForced Kind = "forced"
	// KindRedeem gives units back to the issuer, which cancels them.
	KindRedeem Kind = "redeem"
)

// Party is one side of a movement.
type Party struct {
	Key    string  `json:"key"` // identity key (roles.Identity.Key) or account
	MSP    string  `json:"msp"`
	Claims *Claims `json:"claims,omitempty"` // nil: no claims on record
}

// Transfer is a movement of units of one tranche, checked before it is
// written. Sender is unused for KindIssue and Receiver for KindRedeem.
type Transfer struct {
	Kind     Kind      `json:"kind"`
	Tranche  string    `json:"tranche"` // tranche ID, named in refusals
	Sender   Party     `json:"sender"`
	Receiver Party     `json:"receiver"`
	Units    int64     `json:"units"`
	Time     time.Time `json:"time"` // transaction timestamp, never the wall clock
}

// Holding is one party's position in the tranche before the movement.
type Holding struct {
	Units       int64 `json:"units"`
	FrozenUnits int64 `json:"frozenUnits"` // units the trustee froze in this holding
}

// State is the ledger state the rules need, read by the contract.
type State struct {
	Sender   Holding `json:"sender"`
	Receiver Holding `json:"receiver"`
	Holders  int     `json:"holders"` // holders with a non-zero holding, before the movement
}
