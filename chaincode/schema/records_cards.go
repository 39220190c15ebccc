package schema

import "github.com/tranchenet/tranchenet/chaincode/core/cardtrust"

// Composite-key object types of the CardTrust contract.
const (
	// TypeCardTrust: cardtrust~<trustID>, public: CardTrust.
	TypeCardTrust = "cardtrust"
	// TypeCardMonth: cardmonth~<trustID>~<period, 4 digits>, public:
	// CardMonth, one allocated month.
	TypeCardMonth = "cardmonth"
)

// CardTrust is a credit-card master trust on the ledger: its terms, the
// servicer organisation that reports on it and its state after the last
// allocated month. Card trusts report at pool level, so everything here
// is public, as in the trust's monthly filings.
type CardTrust struct {
	Trust cardtrust.Trust `json:"trust"`
	// Servicer is the MSP whose servicers submit the monthly reports.
	Servicer  string          `json:"servicer"`
	State     cardtrust.State `json:"state"`
	CreatedBy string          `json:"createdBy"`
	CreatedTx string          `json:"createdTx"`
}

// CardMonth is one month of a card trust as the chaincode allocated it:
// the inputs (terms, prior state, report) and the result with their
// hashes, so any bank replays it with cardtrust.Replay.
type CardMonth struct {
	Trust       string              `json:"trust"`
	Period      int                 `json:"period"`
	Allocated   cardtrust.Allocated `json:"allocated"`
	SubmittedBy string              `json:"submittedBy"`
	SubmittedTx string              `json:"submittedTx"`
}

// CardSeriesRef names a series of a card trust.
type CardSeriesRef struct {
	Trust  string `json:"trust"`
	Series string `json:"series"`
}
