package schema

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
)

// TypeIndexQuote: indexquote~<dealID>~<period>~<index>~<source>~<txID>,
// public: IndexQuote, every quote a fixing source ever posted (a later
// quote of the same source supersedes an earlier one at resolution, but
// both stay on the record).
const TypeIndexQuote = "indexquote"

// IndexQuote is one source's posting of an index rate for a period.
type IndexQuote struct {
	Deal   string          `json:"deal"`
	Period int             `json:"period"`
	Index  string          `json:"index"`
	Source string          `json:"source"` // the rule's source: an MSP ID or an identity key
	Rate   decimal.Decimal `json:"rate"`
	// PostedBy is the identity key that posted; PostedAt the transaction's
	// timestamp (RFC 3339, UTC), against which the cut-off and staleness
	// are judged.
	PostedBy string `json:"postedBy"`
	PostedAt string `json:"postedAt"`
	PostedTx string `json:"postedTx"`
}

// FixingStatus answers Servicing:GetFixingStatus: an index's quotes for a
// period and what its rule makes of them now. Resolution is absent while
// the period's report, whose collection period fixes the payment date and
// so the cut-off, is not in.
type FixingStatus struct {
	Deal       string             `json:"deal"`
	Period     int                `json:"period"`
	Index      string             `json:"index"`
	Rule       fixing.Rule        `json:"rule"`
	Quotes     []IndexQuote       `json:"quotes"`
	Resolution *fixing.Resolution `json:"resolution,omitempty"`
	// Final is the fixing certification recorded, once the period is
	// certified.
	Final *Fixing `json:"final,omitempty"`
	// Waiting says why there is no resolution yet, when there is none.
	Waiting string `json:"waiting,omitempty"`
}
