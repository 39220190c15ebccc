package schema

import (
	"encoding/json"

	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Composite-key object types of the Amendment contract.
const (
	// TypeAmendment: amendment~<dealID>~<amendmentID>, public: Amendment
	// (the proposal, its consent requirement, the tally by class and the
	// outcome; never a holder or a vote). Once positions are recorded its
	// key-level policy is the trustee's: votes update the tally endorsed
	// by the trustee alone, as transfers update the books it keeps.
	TypeAmendment = "amendment"
	// TypeAmendmentPosition: amdpos~<dealID>~<amendmentID>~<trancheID>~<holderKey>,
	// registry<MSP>: AmendmentPosition, a holder's record-date position
	// and, once cast, its vote. Private to the holder's bank and the
	// trustee.
	TypeAmendmentPosition = "amdpos"
	// TypeDealVersion: dealversion~<dealID>~<version, 6 digits>, public:
	// DealVersion, each executed amendment's change of the deal's terms.
	TypeDealVersion = "dealversion"
)

// Amendment statuses.
const (
	AmendmentProposed = "proposed" // awaiting the record date
	AmendmentOpen     = "open"     // positions recorded; holders vote
	AmendmentExecuted = "executed" // applied by the trustee
)

// Amendment is a proposed change of a deal's terms and its vote.
type Amendment struct {
	ID              string              `json:"id"`
	Deal            string              `json:"deal"`
	Kind            consent.Kind        `json:"kind"`
	Affected        []string            `json:"affected"` // tranche IDs whose terms change
	TouchesPriority bool                `json:"touchesPriority,omitempty"`
	Change          AmendmentChange     `json:"change"`
	Reason          string              `json:"reason"`
	Requirement     consent.Requirement `json:"requirement"`
	// RecordDate is when positions are fixed (Amendment:Record may run
	// from then on); Expiry is when an amendment that has not passed
	// lapses. RFC 3339 UTC.
	RecordDate string        `json:"recordDate"`
	Expiry     string        `json:"expiry"`
	Status     string        `json:"status"`
	Tally      consent.Tally `json:"tally"`
	// Outcome is the vote's standing after the last vote or Record; a
	// reader compares Expiry with its own clock for "expired".
	Outcome    consent.Outcome `json:"outcome"`
	ProposedBy string          `json:"proposedBy"` // identity key
	CreatedTx  string          `json:"createdTx"`
	RecordedTx string          `json:"recordedTx,omitempty"`
	ExecutedTx string          `json:"executedTx,omitempty"`
	Version    int             `json:"version,omitempty"` // the deal version it created
}

// AmendmentChange is the new term an amendment sets; exactly the field of
// its kind is present.
type AmendmentChange struct {
	Coupon         *Coupon             `json:"coupon,omitempty"`         // coupon-change
	LegalFinalDate *daycount.Date      `json:"legalFinalDate,omitempty"` // maturity-extension
	Rules          *rules.TrancheRules `json:"rules,omitempty"`          // transfer-rule-change
	// Successor is the MSP that takes over: the backup servicer
	// (servicer-replacement) or the successor trustee bank
	// (trustee-succession).
	Successor string `json:"successor,omitempty"`
	// Trigger is the new threshold schedule of one trigger of the
	// waterfall (trigger-threshold-change).
	Trigger *TriggerThreshold `json:"trigger,omitempty"`
	// Waterfall is the new waterfall definition, a waterfall.Definition
	// whose version is the next (waterfall-change).
	Waterfall json.RawMessage `json:"waterfall,omitempty"`
	// Terms describes the change in words: the whole of a change carried
	// out through another step (principal, trustee succession), for which
	// the executed amendment is the authority the trustee cites, and an
	// optional summary of the others.
	Terms string `json:"terms,omitempty"`
}

// TriggerThreshold replaces a trigger's threshold schedule. Periods
// already certified were tested under the old one; the new schedule
// applies from the first period certified after execution.
type TriggerThreshold struct {
	Name     string                `json:"name"`
	Schedule []waterfall.Threshold `json:"schedule"`
}

// AmendmentPosition is a holder's record-date units in one voting class
// and, once cast, its vote. Within a class every unit carries the same
// outstanding principal, so units weigh exactly as principal does.
type AmendmentPosition struct {
	Tranche string `json:"tranche"`
	Units   int64  `json:"units"`
	Voted   bool   `json:"voted"`
	For     bool   `json:"for,omitempty"`
	VotedTx string `json:"votedTx,omitempty"`
}

// DealVersion is one executed change of a deal's terms.
type DealVersion struct {
	Deal      string          `json:"deal"`
	Version   int             `json:"version"` // 1 is the first amendment; the terms at creation are version 0
	Amendment string          `json:"amendment"`
	Kind      consent.Kind    `json:"kind"`
	Affected  []string        `json:"affected"`
	Change    AmendmentChange `json:"change"`
	// EffectiveFrom: the change applies from the first period certified
	// after it (periods already certified are never recomputed).
	EffectiveFrom string `json:"effectiveFrom"`
	ExecutedTx    string `json:"executedTx"`
	ExecutedAt    string `json:"executedAt"`
}
