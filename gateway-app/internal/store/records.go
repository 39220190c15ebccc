package store

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The read model's records: what the projections write and the API
// answers with.

// Stamp places a history entry in the chain.
type Stamp struct {
	Block uint64 `json:"block"`
	TxID  string `json:"txId"`
	Event string `json:"event"`
	Time  string `json:"time,omitempty" doc:"transaction time (RFC 3339)"`
}

// Holding is a client's current position in a tranche, as last read.
type Holding struct {
	Holder      string `json:"holder"`
	Tranche     string `json:"tranche"`
	Units       int64  `json:"units"`
	FrozenUnits int64  `json:"frozenUnits"`
	HeldUnits   int64  `json:"heldUnits"`
	Free        int64  `json:"free"`
	// AsOf is the event after which it was read.
	AsOf Stamp `json:"asOf"`
}

// HoldingEntry is one change of a client's position.
type HoldingEntry struct {
	Stamp
	Holder      string `json:"holder"`
	Tranche     string `json:"tranche"`
	Units       int64  `json:"units" doc:"units after the event"`
	Change      int64  `json:"change" doc:"units after − units before"`
	FrozenUnits int64  `json:"frozenUnits"`
	HeldUnits   int64  `json:"heldUnits"`
	Detail      string `json:"detail,omitempty" doc:"the settlement, or the reason of a forced transfer"`
}

// CashHolding is a client's cash, as last read.
type CashHolding struct {
	Holder    string       `json:"holder"`
	Balance   money.Amount `json:"balance"`
	Held      money.Amount `json:"held"`
	Available money.Amount `json:"available"`
	AsOf      Stamp        `json:"asOf"`
}

// CashEntry is one change of a client's cash.
type CashEntry struct {
	Stamp
	Holder  string       `json:"holder"`
	Balance money.Amount `json:"balance" doc:"balance after the event"`
	Change  money.Amount `json:"change" doc:"balance after − balance before: what a claim paid, a payment brought"`
	Held    money.Amount `json:"held"`
	Detail  string       `json:"detail,omitempty"`
}

// ReportEvent is one step of a servicer report or its certification.
type ReportEvent struct {
	Stamp
	Deal       string `json:"deal"`
	Period     int    `json:"period"`
	Attempt    int    `json:"attempt,omitempty"`
	Chunk      *int   `json:"chunk,omitempty" doc:"ReportRowsAdded: the chunk's index"`
	Chunks     int    `json:"chunks,omitempty" doc:"ReportSubmitted: chunks announced"`
	Rows       int    `json:"rows,omitempty" doc:"ReportRowsAdded: rows in the chunk"`
	LoanCount  int    `json:"loanCount,omitempty" doc:"ReportCompleted: rows of the report"`
	MerkleRoot string `json:"merkleRoot,omitempty"`
	Reason     string `json:"reason,omitempty" doc:"ReportWithdrawn"`
	ResultHash string `json:"resultHash,omitempty" doc:"PeriodCertified"`
}

// Distribution is a certified period as every bank sees it: what each
// class was paid per unit.
type Distribution struct {
	Stamp
	Deal           string      `json:"deal"`
	Period         int         `json:"period"`
	PaymentDate    string      `json:"paymentDate"`
	ResultHash     string      `json:"resultHash"`
	InputsHash     string      `json:"inputsHash"`
	ReserveCovered bool        `json:"reserveCovered"`
	EventOfDefault bool        `json:"eventOfDefault"`
	Accelerated    bool        `json:"accelerated"`
	Classes        []ClassLine `json:"classes"`
}

// ClassLine is one class's payment spread over its tranche's units.
type ClassLine struct {
	Class       string          `json:"class"`
	Tranche     string          `json:"tranche"`
	Payment     money.Amount    `json:"payment"`
	Units       int64           `json:"units" doc:"units outstanding the payment was spread over"`
	PerUnit     decimal.Decimal `json:"perUnit" doc:"the index increment: cash per unit, truncated to 12 places"`
	IndexBefore decimal.Decimal `json:"indexBefore"`
	IndexAfter  decimal.Decimal `json:"indexAfter"`
}

// StatementLine is what one client of this bank is due from one class in
// one period.
type StatementLine struct {
	Deal    string          `json:"deal"`
	Period  int             `json:"period"`
	Holder  string          `json:"holder"`
	Tranche string          `json:"tranche"`
	Class   string          `json:"class"`
	Units   int64           `json:"units" doc:"the client's units when the period was certified"`
	PerUnit decimal.Decimal `json:"perUnit"`
	// Entitlement is exact; Amount is what a claim of this period alone
	// pays (floored to the cent; claims of several periods floor once).
	Entitlement decimal.Decimal `json:"entitlement"`
	Amount      money.Amount    `json:"amount"`
}

// PeriodStatement is a certified period's distribution statement for this
// bank: what each class paid per unit, and what each of the bank's
// clients is due.
type PeriodStatement struct {
	Distribution
	Lines []StatementLine `json:"lines" doc:"this bank's clients who held the deal's tranches, by holder then tranche"`
	// Totals per tranche of the lines.
	Totals []TrancheTotal `json:"totals"`
}

// TrancheTotal sums a tranche's lines.
type TrancheTotal struct {
	Tranche string       `json:"tranche"`
	Units   int64        `json:"units"`
	Amount  money.Amount `json:"amount"`
}

// CSV renders the statement's lines, one per client and tranche, with a
// header row; amounts as decimal strings.
func (s PeriodStatement) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"deal", "period", "paymentDate", "holder", "tranche", "class", "units", "perUnit", "entitlement", "amount"})
	for _, l := range s.Lines {
		w.Write([]string{l.Deal, strconv.Itoa(l.Period), s.PaymentDate, l.Holder, l.Tranche, l.Class,
			strconv.FormatInt(l.Units, 10), l.PerUnit.String(), l.Entitlement.String(), l.Amount.String()})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// InvestorStatement is everything the read model knows of one client:
// positions, cash, distributions due and the history of each.
type InvestorStatement struct {
	Investor       string          `json:"investor"`
	Positions      []Holding       `json:"positions"`
	Cash           *CashHolding    `json:"cash,omitempty"`
	Distributions  []StatementLine `json:"distributions" doc:"by deal, period and tranche"`
	HoldingHistory []HoldingEntry  `json:"holdingHistory" doc:"every position change, by tranche then in ledger order"`
	CashHistory    []CashEntry     `json:"cashHistory" doc:"in ledger order"`
}
