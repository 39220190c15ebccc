package schema

import (
	"encoding/json"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// TypeDealOpening: dealopening~<dealID>, public: Opening, the trustee
// certificate a seasoned deal was opened from (Servicing:OpenAt). It is
// written once, under the governance policy (the trustee AND a majority),
// so no set of banks without the trustee can rewrite where the deal's
// ledger history starts.
const TypeDealOpening = "dealopening"

// Opening is a deal moved onto the ledger mid-life: the position its latest
// trustee certificate shows after period Period, and the waterfall state
// built from it (waterfall.OpenState), from which period Period+1 runs and
// replays. Periods up to Period were paid before the deal was on the
// ledger and have no certification here.
type Opening struct {
	Deal   string `json:"deal"`
	Period int    `json:"period"`
	// WaterfallVersion is the definition the certificate was checked
	// against.
	WaterfallVersion int `json:"waterfallVersion"`
	// Certificate is the canonical JSON of the waterfall.Onboarding the
	// trustee gave; CertificateHash its hex SHA-256.
	Certificate     json.RawMessage `json:"certificate"`
	CertificateHash string          `json:"certificateHash"`
	// State is the waterfall state after period Period: the prior state of
	// the first certified period, for Certify and every replay.
	State    waterfall.State `json:"state"`
	OpenedBy string          `json:"openedBy"`
	OpenedTx string          `json:"openedTx"`
	OpenedAt string          `json:"openedAt"`
}
