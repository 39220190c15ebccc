package schema

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// The answers queries and steps return that are not ledger records, each
// defined once: the contracts marshal them, the gateway app decodes them
// (the doc tags describe fields in its OpenAPI document). The tests of
// the contracts decode every answer strictly into these types and
// re-encode it byte for byte, so a field added on one side only fails
// there.

// PoolView is a pool's public record and, while its tape is being built,
// how far it has come (Pool:Get).
type PoolView struct {
	Pool         Pool         `json:"pool"`
	NextChunk    int          `json:"nextChunk" doc:"number of the next chunk of loans Pool:AddLoans takes"`
	LoansAdded   int          `json:"loansAdded"`
	BalanceSoFar money.Amount `json:"balanceSoFar"`
	// Chunks lists the chunks on the ledger of a tape added concurrently
	// (chunkSize in AddLoans' transient data), in index order; NextChunk
	// is then the first index missing.
	Chunks []TapeChunkSummary `json:"chunks,omitempty"`
}

// LoanProof is a loan of a sealed pool with the proof that its canonical
// record is a leaf of the pool's published Merkle root (Pool:GetLoan).
type LoanProof struct {
	Pool  string        `json:"pool"`
	Root  string        `json:"root"`
	Loan  loantape.Loan `json:"loan"`
	Proof merkle.Proof  `json:"proof"`
	// Mortgage is the full row of a mortgage pool: the record the leaf
	// commits to (Loan is its projection).
	Mortgage *mortgage.ALRow `json:"mortgage,omitempty"`
	// Lease is the full row of a lease pool (Loan is its projection).
	Lease *lease.Row `json:"lease,omitempty"`
}

// Verification is Pool:VerifyLoan's answer: a proof that does not hold is
// valid=false with the reason, not an error.
type Verification struct {
	Valid  bool   `json:"valid"`
	Pool   string `json:"pool"`
	Root   string `json:"root"`
	Leaf   string `json:"leaf" doc:"the loan's leaf hash, hex"`
	Reason string `json:"reason,omitempty"`
}

// PositionView is a holder's position in a tranche (Token:Position).
type PositionView struct {
	Tranche     string `json:"tranche"`
	Holder      string `json:"holder" doc:"identity key MSP/id"`
	Units       int64  `json:"units"`
	FrozenUnits int64  `json:"frozenUnits" doc:"9223372036854775807 means all, now and later"`
	HeldUnits   int64  `json:"heldUnits" doc:"reserved by pending settlements"`
	Free        int64  `json:"free" doc:"units the holder could move now: neither frozen nor held"`
}

// HolderList is every holder of a tranche (Token:Holders).
type HolderList struct {
	Tranche string         `json:"tranche"`
	Holders []PositionView `json:"holders"`
	Units   int64          `json:"units" doc:"sum of the listed holders' units"`
}

// TrancheSupply is a tranche's public supply (Token:Supply).
type TrancheSupply struct {
	Tranche         string       `json:"tranche"`
	Issued          int64        `json:"issued"`
	Redeemed        int64        `json:"redeemed"`
	Outstanding     int64        `json:"outstanding" doc:"issued − redeemed"`
	IssuerUnits     int64        `json:"issuerUnits" doc:"minted, not yet placed with investors"`
	Placed          int64        `json:"placed" doc:"outstanding − issuerUnits: the sum of every holder's units"`
	Holders         int          `json:"holders"`
	MaxUnits        int64        `json:"maxUnits" doc:"what the original face allows"`
	UnitFace        money.Amount `json:"unitFace"`
	OutstandingFace money.Amount `json:"outstandingFace"`
	Paused          bool         `json:"paused"`
}

// CashBalance is a holder's cash (Cash:Balance).
type CashBalance struct {
	Holder    string       `json:"holder"`
	Balance   money.Amount `json:"balance"`
	Held      money.Amount `json:"held" doc:"reserved by pending settlements"`
	Available money.Amount `json:"available" doc:"balance − held"`
}

// CashSupplyView is the settlement asset's public supply and proof-of-reserve
// status (Cash:Supply).
type CashSupplyView struct {
	Minted             money.Amount `json:"minted"`
	Burned             money.Amount `json:"burned"`
	Outstanding        money.Amount `json:"outstanding" doc:"minted − burned"`
	Float              money.Amount `json:"float" doc:"outstanding not held by anyone: minted, not yet paid; returned, not yet burned"`
	Reserves           money.Amount `json:"reserves"`
	Covered            bool         `json:"covered" doc:"the last attested reserves cover the tokens outstanding"`
	ReservesAttestedAt string       `json:"reservesAttestedAt,omitempty"`
	ReservesEvidence   string       `json:"reservesEvidence,omitempty"`
}

// RolesView is an identity's roles on the ledger (Admin:Roles,
// Admin:WhoAmI).
type RolesView struct {
	Key           string    `json:"key" doc:"the identity key other operations take (MSP/id)"`
	MSP           string    `json:"msp"`
	Roles         roles.Set `json:"roles"`
	Admin         bool      `json:"admin,omitempty" doc:"the certificate carries the admin NodeOU (whoami only)"`
	RoleAttribute string    `json:"roleAttribute,omitempty" doc:"the certificate's tranchenet.role attribute (whoami only)"`
}

// ProposalStatus says how far a configuration proposal is
// (Admin:ProposeConfig).
type ProposalStatus struct {
	Hash      string `json:"hash" doc:"what the other organisations' admins approve"`
	Approvals int    `json:"approvals"`
	Needed    int    `json:"needed"`
	Applied   bool   `json:"applied"`
	// MissingTrustees lists the trustee organisations whose admins must
	// still approve, because the proposal moves a guarded role.
	MissingTrustees []string `json:"missingTrustees,omitempty"`
}

// ClaimsView is an investor's attested claims and dossier hash
// (Identity:GetClaims).
type ClaimsView struct {
	Investor string       `json:"investor"`
	Claims   rules.Claims `json:"claims"`
	Dossier  *DossierRef  `json:"dossier,omitempty"`
}

// DossierView is an investor's dossier, for its own bank only
// (Identity:GetDossier).
type DossierView struct {
	Investor string `json:"investor"`
	SHA256   string `json:"sha256"`
	Dossier  string `json:"dossier" doc:"the dossier's bytes, base64"`
}

// ClaimResult is what a distribution claim paid (Servicing:Claim); it is
// returned to the caller only, never in an event.
type ClaimResult struct {
	Tranche   string       `json:"tranche"`
	Holder    string       `json:"holder"`
	Units     int64        `json:"units"`
	Amount    money.Amount `json:"amount" doc:"units × (index − indexPaid), floored to the cent"`
	IndexPaid string       `json:"indexPaid" doc:"the position's index after the claim"`
}

// FeeClaim is what a fee claim paid (Servicing:ClaimFee).
type FeeClaim struct {
	Deal   string       `json:"deal"`
	Fee    string       `json:"fee"`
	Payee  string       `json:"payee"`
	Amount money.Amount `json:"amount"`
}

// Accrual is what a position could claim now (Servicing:Accrued).
type Accrual struct {
	Tranche     string          `json:"tranche"`
	Holder      string          `json:"holder"`
	Units       int64           `json:"units"`
	Index       decimal.Decimal `json:"index"`
	IndexPaid   decimal.Decimal `json:"indexPaid"`
	Entitlement decimal.Decimal `json:"entitlement" doc:"exact"`
	Claimable   money.Amount    `json:"claimable" doc:"what a claim would pay now"`
}

// ClassBookView is a tranche's distribution index and account
// (Servicing:GetClassBook).
type ClassBookView struct {
	Tranche string `json:"tranche"`
	distribution.ClassBook
	Balance     money.Amount    `json:"balance"`
	ResidueLine decimal.Decimal `json:"residueLine"`
}

// Accounts are a deal's cash accounts (Servicing:GetAccounts).
type Accounts struct {
	Deal       string         `json:"deal"`
	Collection money.Amount   `json:"collection"`
	Reserves   []NamedBalance `json:"reserves"`
	Fees       []NamedBalance `json:"fees"`
	Advances   money.Amount   `json:"advances" doc:"advance reimbursements certified, not yet claimed by the servicer"`
	Classes    []NamedBalance `json:"classes" doc:"the tranches' distribution accounts: distributed, not yet claimed"`
	Total      money.Amount   `json:"total"`
}

// AdvancesClaim is what a claim of the servicer's advance reimbursements
// paid (Servicing:ClaimAdvances).
type AdvancesClaim struct {
	Deal   string       `json:"deal"`
	Payee  string       `json:"payee"`
	Amount money.Amount `json:"amount"`
}

// NamedBalance is one account's balance.
type NamedBalance struct {
	Name    string       `json:"name"`
	Tranche string       `json:"tranche,omitempty"`
	Balance money.Amount `json:"balance"`
}

// CertifySummary is what a certification did (Servicing:Certify).
type CertifySummary struct {
	Deal           string                `json:"deal"`
	Period         int                   `json:"period"`
	ResultHash     string                `json:"resultHash"`
	InputsHash     string                `json:"inputsHash"`
	Cash           distribution.CashPlan `json:"cash"`
	Distributions  []ClassDistribution   `json:"distributions"`
	Reserve        distribution.Reserve  `json:"reserve"`
	EventOfDefault bool                  `json:"eventOfDefault"`
	Accelerated    bool                  `json:"accelerated"`
}

// ReserveProof is a certified period's proof of reserve
// (Servicing:ProofOfReserve).
type ReserveProof struct {
	Deal   string `json:"deal"`
	Period int    `json:"period"`
	distribution.Reserve
	MerkleRoot  string `json:"merkleRoot" doc:"commits to the report rows the pool balance sums"`
	CertifiedTx string `json:"certifiedTx"`
}

// SettlementPage is one page of a bank's settlements
// (Settlement:ListByBank).
type SettlementPage struct {
	Bank        string              `json:"bank"`
	Settlements []settlement.Record `json:"settlements"`
	Bookmark    string              `json:"bookmark" doc:"pass as ?bookmark= for the next page; empty after the last"`
}

// SettlementStep is the outcome of a settlement step: the settlement's
// public status after it. It is also the payload of every Settlement
// event, and like the public record it carries no party, units or cash.
type SettlementStep struct {
	TradeRef   string            `json:"tradeRef"`
	Tranche    string            `json:"tranche"`
	SellerBank string            `json:"sellerBank"`
	BuyerBank  string            `json:"buyerBank"`
	Status     settlement.Status `json:"status"`
	Side       settlement.Side   `json:"side,omitempty"`
	Code       errs.Code         `json:"code,omitempty" doc:"why a settlement attempt failed (status failed); POST .../check gives the message"`
	Rule       int               `json:"rule,omitempty"`
}

// DistributionClaimed is the payload of the DistributionClaimed event: a
// claim, or a movement of units, paid a holder its accrued distribution.
// It names the tranche and the holder, never the amount.
type DistributionClaimed struct {
	Tranche string `json:"tranche"`
	Holder  string `json:"holder"`
}

// NewPositionView is a holder's position as queries return it: Free is
// what the holder could move now, units neither frozen nor held.
func NewPositionView(trancheID, holderKey string, p Position) PositionView {
	free := p.Units - min(max(p.FrozenUnits, 0), p.Units) - p.HeldUnits
	return PositionView{Tranche: trancheID, Holder: holderKey, Units: p.Units,
		FrozenUnits: p.FrozenUnits, HeldUnits: p.HeldUnits, Free: max(free, 0)}
}
