package schema

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/fixing"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// Keys of the Servicing contract: servicer reports, the waterfall and the
// distributions it pays. Periods in keys are PeriodKey (four digits), so
// a range over a deal's periods comes back in period order.
const (
	// TypeWaterfall: waterfall~<dealID>~<version>, public: Waterfall, every
	// definition the arranger ever set (versions are never overwritten).
	TypeWaterfall = "waterfall"
	// TypeDealServicing: dealservicing~<dealID>, public: DealServicing, the
	// deal's servicing status (definition in force, last certified period,
	// waterfall state, event of default).
	TypeDealServicing = "dealservicing"
	// TypeReport: report~<dealID>~<period>, public: Report. Its key-level
	// policy is the trustee AND the pool's servicer, the parties of the
	// loanTape collection, so adding rows needs exactly them.
	TypeReport = "report"
	// TypeReportChunk: reportchunk~<dealID>~<period>~<attempt>~<chunk>,
	// loanTape: ReportChunk, the loan rows of one chunk as received.
	TypeReportChunk = "reportchunk"
	// TypeLoanPerformance: loanperf~<poolID>~<assetNumber>, loanTape:
	// LoanPerformance, the loan's last reported balance.
	TypeLoanPerformance = "loanperf"
	// TypeFixing: fixing~<dealID>~<period>~<index>, public: Fixing.
	TypeFixing = "fixing"
	// TypeCertification: certification~<dealID>~<period>, public:
	// Certification, the certified waterfall with its inputs' hash.
	TypeCertification = "certification"
	// TypeClassBook: classbook~<trancheID>, public, kept by the trustee:
	// distribution.ClassBook, the tranche's cumulative distribution index
	// and its distribution account (Balance = Distributed − Claimed).
	TypeClassBook = "classbook"
	// TypeClaimTally: claimtally~<trancheID>~<nn>, public, kept by the
	// trustee: distribution.ClaimTally, what the claims of the holders of
	// shard nn (ShardOf) took out of the tranche's distribution account,
	// on a ledger from before the per-holder tallies. Claims now count in
	// their holder's Position.Distributions, in its registry: holders who
	// shared a shard conflicted (MVCC) when they claimed together. The
	// shards stay part of the totals (accruals.ReadTotals: the account's
	// balance is Distributed − the book's Claimed − Σ shard tallies − Σ
	// position tallies); new tranches no longer create them.
	TypeClaimTally = "claimtally"
	// TypeDealAccount: dealaccount~<dealID>~<account>, public, kept by the
	// trustee: DealAccount, the cash of the deal's collection, reserve and
	// fee accounts (AccountCollection, ReserveAccount, FeeAccount).
	TypeDealAccount = "dealaccount"
)

// PeriodKey formats a period number as a key component.
func PeriodKey(period int) string { return fmt.Sprintf("%04d", period) }

// Deal cash account names. The collection account receives the servicer's
// remittances; a reserve account holds a waterfall reserve; a fee account
// holds what the waterfall paid a fee until its payee claims it.
const AccountCollection = "collection"

// AccountAdvances holds what certified periods reimbursed the servicer for
// its earlier advances until a servicer of the pool's bank claims it
// (Servicing:ClaimAdvances). The servicer remits collections gross of the
// reimbursement, so the reimbursement is paid on the ledger, not netted.
const AccountAdvances = "advances"

// ReserveAccount names the cash account of a waterfall reserve.
func ReserveAccount(name string) string { return "reserve:" + name }

// FeeAccount names the payable account of a waterfall fee.
func FeeAccount(name string) string { return "fee:" + name }

// DealAccount is the cash held in one of a deal's accounts, part of the
// settlement asset's supply: Σ registry cash + float + Σ deal accounts +
// Σ class books' balances = minted − burned.
type DealAccount struct {
	Balance money.Amount `json:"balance"`
}

// Waterfall is one version of a deal's waterfall, as the arranger set it.
type Waterfall struct {
	Deal    string `json:"deal"`
	Version int    `json:"version"`
	// Definition is the canonical JSON of the waterfall.Definition.
	Definition json.RawMessage `json:"definition"`
	// DefinitionHash is the hex SHA-256 of Definition.
	DefinitionHash string `json:"definitionHash"`
	// Classes maps every class of the definition to the deal's tranche
	// that pays it, in definition order.
	Classes []ClassTranche `json:"classes"`
	// PaymentDay is the day of the month after a collection period on
	// which it is paid (distribution.PaymentDate).
	PaymentDay int `json:"paymentDay"`
	// FeePayees names who may claim each fee's payable account, in
	// definition order.
	FeePayees []FeePayee `json:"feePayees"`
	// Fixings are the terms that fix floating indexes from several sources
	// (package fixing): an index named here is posted by its sources with
	// PostIndexQuote and resolved at certification; any other index is
	// posted by the trustee alone with PostFixing.
	Fixings []fixing.Rule `json:"fixings,omitempty"`
	SetBy   string        `json:"setBy"` // identity key of the arranger, or of the trustee who executed Amendment
	SetTx   string        `json:"setTx"`
	// Amendment is the executed amendment that made this version (every
	// version after the first certified period has one).
	Amendment string `json:"amendment,omitempty"`
}

// ClassTranche maps a waterfall class to a tranche.
type ClassTranche struct {
	Class   string `json:"class"`
	Tranche string `json:"tranche"`
}

// FeePayee names a fee's payee by identity key.
type FeePayee struct {
	Fee   string `json:"fee"`
	Payee string `json:"payee"`
}

// DealServicing is the deal's servicing status.
type DealServicing struct {
	Deal string `json:"deal"`
	Pool string `json:"pool"`
	// WaterfallVersion is the definition in force.
	WaterfallVersion int `json:"waterfallVersion"`
	// Period is the last certified period (0 before the first).
	Period int `json:"period"`
	// State is the waterfall state after Period (the closing state before
	// the first).
	State waterfall.State `json:"state"`
	// EventOfDefault is set from the period in which the trustee declared
	// one or the waterfall's trigger breached; transfers stop (the deal's
	// tranches are paused) and the acceleration steps pay.
	EventOfDefault bool `json:"eventOfDefault"`
	// Declared is the trustee's declaration waiting for the next
	// certification, which runs the acceleration steps.
	Declared *EventOfDefaultDeclaration `json:"declared,omitempty"`
	// Seasoned marks a deal moved onto the ledger mid-life: its
	// definition's initial pool is the pool at closing, not the sealed
	// tape, and nothing is reported, issued or certified until the trustee
	// opens it from its latest certificate (Servicing:OpenAt).
	Seasoned bool `json:"seasoned,omitempty"`
	// OpenedAt is the certificate's period a seasoned deal was opened at
	// (its Opening record); 0 for a deal on the ledger since closing.
	OpenedAt int `json:"openedAt,omitempty"`
	// Liquidated is set when the period that paid out a pool sale's
	// proceeds is certified: the deal is wound down (liquidated), and no
	// report, certification, transfer, placement or auction follows.
	Liquidated *Liquidation `json:"liquidated,omitempty"`
}

// EventOfDefaultDeclaration is an event of default the trustee declared.
type EventOfDefaultDeclaration struct {
	Reason     string `json:"reason"`
	DeclaredBy string `json:"declaredBy"`
	DeclaredTx string `json:"declaredTx"`
	// AfterPeriod is the last period certified when it was declared.
	AfterPeriod int `json:"afterPeriod"`
}

// ReportStatus is a servicer report's life cycle. Certification is
// recorded apart (Certification), so the trustee's certifying
// transaction does not need the servicer's endorsement of this record.
type ReportStatus string

const (
	ReportOpen      ReportStatus = "open"      // rows are arriving
	ReportComplete  ReportStatus = "complete"  // every chunk in and reconciled: ready to certify
	ReportWithdrawn ReportStatus = "withdrawn" // abandoned before certification; a new attempt may follow
)

// ReportHeader is what the servicer declares when it opens a report.
type ReportHeader struct {
	// Aggregates are the declared totals: public, and what the rows must
	// add up to.
	Aggregates loantape.ReportAggregates `json:"aggregates"`
	// Chunks is the number of row chunks that will follow.
	Chunks int `json:"chunks"`
	// ChunkSize, when set (a power of two), says the chunks go in
	// concurrently: every chunk but the last holds exactly ChunkSize rows,
	// each writes its own ReportChunkSum instead of the report record, and
	// Servicing:CompleteReport closes the report once all are in. Zero:
	// chunks in order, the last one completing the report.
	ChunkSize int `json:"chunkSize,omitempty"`
	// ServicerAdvances, CleanUpCall and CleanUpProceeds are the waterfall
	// inputs that are not loan-level data.
	ServicerAdvances money.Amount `json:"servicerAdvances,omitzero"`
	CleanUpCall      bool         `json:"cleanUpCall,omitempty"`
	CleanUpProceeds  money.Amount `json:"cleanUpProceeds,omitzero"`
	// PoolSale declares that the pool was sold in a liquidation auction
	// (after an event of default): this report is the deal's last, and
	// the sale's proceeds, already in the collection account, are paid
	// through the acceleration priority with the period's collections.
	PoolSale *PoolSale `json:"poolSale,omitempty"`
	// Certificate holds the certificate lines the servicer declares for a
	// deal whose waterfall takes them (reserve earnings, repurchases,
	// advance reimbursements, YSOC, expenses as incurred).
	Certificate *distribution.CertificateInputs `json:"certificate,omitempty"`
}

// Report is the public record of one servicer report.
type Report struct {
	Deal    string       `json:"deal"`
	Pool    string       `json:"pool"`
	Period  int          `json:"period"`
	Attempt int          `json:"attempt"`
	Status  ReportStatus `json:"status"`
	Header  ReportHeader `json:"header"`
	// ChunksReceived counts accepted chunks; the next must carry this index.
	ChunksReceived int `json:"chunksReceived"`
	// FromRows is the sum of the accepted chunks' aggregates, recomputed
	// from their rows.
	FromRows loantape.ReportAggregates `json:"fromRows"`
	// Merkle is the tree over the rows' canonical bytes so far, in chunk
	// order; MerkleRoot its root once complete, against which any row can
	// be proved.
	Merkle         merkle.BuilderState `json:"merkle"`
	MerkleRoot     string              `json:"merkleRoot,omitempty"`
	SubmittedBy    string              `json:"submittedBy"`
	SubmittedTx    string              `json:"submittedTx"`
	CompletedTx    string              `json:"completedTx,omitempty"`
	WithdrawnTx    string              `json:"withdrawnTx,omitempty"`
	WithdrawReason string              `json:"withdrawReason,omitempty"`
}

// ReportChunk is one chunk's rows in the loanTape collection.
type ReportChunk struct {
	Index     int                  `json:"index"`
	FirstLine int                  `json:"firstLine"`
	LastLine  int                  `json:"lastLine"`
	Rows      []loantape.PeriodRow `json:"rows"`
}

// LoanPerformance is a loan's last reported balance, in the loanTape
// collection: what the next report's beginning balance must equal.
type LoanPerformance struct {
	// Period, Attempt and Chunk say which report row set it.
	Period  int `json:"period"`
	Attempt int `json:"attempt"`
	Chunk   int `json:"chunk"`
	// EndBalance is the ending balance that row reported; PriorBalance
	// the balance before Period, which stands if that report is withdrawn.
	EndBalance   money.Amount `json:"endBalance"`
	PriorBalance money.Amount `json:"priorBalance"`
}

// Fixing is an index rate for a period: posted by the trustee, or, for an
// index the deal's terms fix from several sources, resolved from their
// quotes by the certifying transaction (PostedBy is then the trustee who
// certified, and Resolution says which sources made the median).
type Fixing struct {
	Index      string             `json:"index"`
	Rate       decimal.Decimal    `json:"rate"`
	PostedBy   string             `json:"postedBy"`
	PostedTx   string             `json:"postedTx"`
	Resolution *fixing.Resolution `json:"resolution,omitempty"`
}

// Certification is a certified period: what the waterfall paid, the
// inputs it ran on (and their hash) and the cash it moved, public so that
// anyone can replay it.
type Certification struct {
	Deal             string `json:"deal"`
	Period           int    `json:"period"`
	ReportAttempt    int    `json:"reportAttempt"`
	WaterfallVersion int    `json:"waterfallVersion"`
	// Inputs are the period's inputs exactly as the waterfall ran on them.
	Inputs     distribution.PeriodInputs `json:"inputs"`
	InputsHash string                    `json:"inputsHash"`
	// Result is the canonical JSON of the waterfall.Result; ResultHash its
	// SHA-256.
	Result        json.RawMessage       `json:"result"`
	ResultHash    string                `json:"resultHash"`
	Cash          distribution.CashPlan `json:"cash"`
	Distributions []ClassDistribution   `json:"distributions"`
	Reserve       distribution.Reserve  `json:"reserve"`
	Accelerated   bool                  `json:"accelerated"`
	CertifiedBy   string                `json:"certifiedBy"`
	CertifiedTx   string                `json:"certifiedTx"`
	CertifiedAt   string                `json:"certifiedAt"`
}

// ClassDistribution is one class's payment spread over its tranche's
// units: the per-unit amount every holder may claim.
type ClassDistribution struct {
	Class   string `json:"class"`
	Tranche string `json:"tranche"`
	distribution.Distribution
}
