package schema

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Deal is the public record of a securitisation: the sealed pool it is
// backed by, its tranches and its documents.
type Deal struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Pool     string `json:"pool"`     // ID of the sealed pool backing the deal
	Arranger string `json:"arranger"` // MSP of the arranger that created it
	// RequiredCollateralization is the mint gate: the face of all units
	// issued across the deal's tranches never exceeds the sealed pool
	// balance times this fraction (0 < x ≤ 1; 0.92 means notes of at most
	// 92% of the pool, i.e. 8% overcollateralisation).
	RequiredCollateralization decimal.Decimal `json:"requiredCollateralization"`
	Tranches                  []string        `json:"tranches"` // tranche IDs, most senior first as given
	Documents                 []Document      `json:"documents"`
	CreatedTx                 string          `json:"createdTx"`
}

// Document is an offering or transaction document: only its hash and
// where to fetch it are on the ledger.
type Document struct {
	Name    string `json:"name"`
	URI     string `json:"uri"`
	SHA256  string `json:"sha256"` // lower-case hex of the document's bytes
	AddedTx string `json:"addedTx"`
}

// TrancheKind says whether a tranche is debt or equity.
type TrancheKind string

const (
	KindNote        TrancheKind = "note"        // pays a coupon and principal
	KindCertificate TrancheKind = "certificate" // the residual (equity) class: no coupon
)

// Tranche holds one class's public terms and its public supply record.
// Units are whole numbers; one unit has face UnitFace, so at most
// OriginalFace / UnitFace units can ever exist.
type Tranche struct {
	ID             string             `json:"id"`
	Deal           string             `json:"deal"`
	Class          string             `json:"class"`     // "A-1", "B", "R"
	Seniority      int                `json:"seniority"` // 1 is the most senior; equal ranks share pro rata
	Kind           TrancheKind        `json:"kind"`
	OriginalFace   money.Amount       `json:"originalFace"`
	UnitFace       money.Amount       `json:"unitFace"`
	Coupon         *Coupon            `json:"coupon,omitempty"` // nil for a certificate
	LegalFinalDate daycount.Date      `json:"legalFinalDate"`
	Rules          rules.TrancheRules `json:"rules"`
	// Issued counts units ever minted into the SPV issuance account. It is
	// changed only with a majority's endorsement; redemptions are counted
	// in TrancheBook.Redeemed.
	Issued    int64  `json:"issued"`
	CreatedTx string `json:"createdTx"`
	// WoundDown is the period in which the deal was wound down after its
	// pool was sold (0 while it lives): its units no longer move (no
	// transfer, placement, issuance or redemption, forced or not), while
	// holders may still claim what the final period paid them.
	WoundDown int `json:"woundDown,omitempty"`
}

// MaxUnits is how many units the tranche's original face allows.
func (t Tranche) MaxUnits() int64 {
	if t.UnitFace <= 0 {
		return 0
	}
	return int64(t.OriginalFace / t.UnitFace)
}

// Coupon is a note's interest: Fixed, or Index + Margin bounded by Floor
// and Cap, accrued under DayCount. Rates are fractions ("0.0525" is
// 5.25%). The shape is waterfall.Coupon's plus the day count, so the
// servicing contract can build its waterfall classes from it.
type Coupon struct {
	Fixed    *decimal.Decimal    `json:"fixed,omitempty"`
	Index    string              `json:"index,omitempty"` // e.g. "SOFR-30D-AVG"
	Margin   decimal.Decimal     `json:"margin,omitzero"`
	Floor    *decimal.Decimal    `json:"floor,omitempty"`
	Cap      *decimal.Decimal    `json:"cap,omitempty"`
	DayCount daycount.Convention `json:"dayCount"`
}
