package mortgage

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Origination is one row of a GSE single-family origination file: the
// loan's terms and the borrower's credit at origination. Field names and
// JSON keys follow the published file layout's field names in camel case.
type Origination struct {
	LoanSequenceNumber string `json:"loanSequenceNumber"`
	// CreditScore is 300–850, or 9999 when not available.
	CreditScore      int            `json:"creditScore"`
	FirstPaymentDate loantape.Month `json:"firstPaymentDate"`
	MaturityDate     loantape.Month `json:"maturityDate"`
	// OccupancyStatus is P (primary residence), S (second home) or I
	// (investment property).
	OccupancyStatus string `json:"occupancyStatus"`
	// OriginalCLTV, OriginalDTI and OriginalLTV are whole percent; 999
	// means not available.
	OriginalCLTV         int             `json:"originalCLTV"`
	OriginalDTI          int             `json:"originalDTI"`
	OriginalUPB          money.Amount    `json:"originalUPB"`
	OriginalLTV          int             `json:"originalLTV"`
	OriginalInterestRate decimal.Decimal `json:"originalInterestRate"`
	PropertyState        string          `json:"propertyState"`
	PropertyType         string          `json:"propertyType"`
	// LoanPurpose is P (purchase), C (cash-out refinance) or N (no
	// cash-out refinance).
	LoanPurpose       string `json:"loanPurpose"`
	OriginalLoanTerm  int    `json:"originalLoanTerm"`
	NumberOfBorrowers int    `json:"numberOfBorrowers"`
	SellerName        string `json:"sellerName"`
	ServicerName      string `json:"servicerName"`
}

// Sentinels the GSE files use for "not available".
const (
	ScoreNotAvailable = 9999
	RatioNotAvailable = 999
)

// originationLayout is the GSE origination file as published: 32
// pipe-separated columns, no header. Only the columns modelled here are
// listed; the others are skipped by position.
var originationLayout = newLayout("GSE origination", "loanSequenceNumber", []column[Origination]{
	{pos: 1, name: "creditScore", kind: Count, doc: "borrower credit score at origination, 9999 not available", at: func(r *Origination) any { return &r.CreditScore }},
	{pos: 2, name: "firstPaymentDate", kind: YearMonth, required: true, doc: "YYYYMM", at: func(r *Origination) any { return &r.FirstPaymentDate }},
	{pos: 4, name: "maturityDate", kind: YearMonth, required: true, doc: "YYYYMM", at: func(r *Origination) any { return &r.MaturityDate }},
	{pos: 8, name: "occupancyStatus", kind: Text, required: true, doc: "P primary, S second home, I investment", at: func(r *Origination) any { return &r.OccupancyStatus }},
	{pos: 9, name: "originalCLTV", kind: Count, doc: "combined loan-to-value, whole percent, 999 not available", at: func(r *Origination) any { return &r.OriginalCLTV }},
	{pos: 10, name: "originalDTI", kind: Count, doc: "debt-to-income, whole percent, 999 not available", at: func(r *Origination) any { return &r.OriginalDTI }},
	{pos: 11, name: "originalUPB", kind: Amount, required: true, doc: "unpaid principal balance at origination", at: func(r *Origination) any { return &r.OriginalUPB }},
	{pos: 12, name: "originalLTV", kind: Count, required: true, doc: "loan-to-value, whole percent, 999 not available", at: func(r *Origination) any { return &r.OriginalLTV }},
	{pos: 13, name: "originalInterestRate", kind: Percent, required: true, doc: "note rate in percent (6.875), held as a fraction", at: func(r *Origination) any { return &r.OriginalInterestRate }},
	{pos: 17, name: "propertyState", kind: Text, required: true, doc: "two-letter state code", at: func(r *Origination) any { return &r.PropertyState }},
	{pos: 18, name: "propertyType", kind: Text, doc: "SF, CO, PU, MH, CP", at: func(r *Origination) any { return &r.PropertyType }},
	{pos: 20, name: "loanSequenceNumber", kind: Text, required: true, doc: "the loan's identifier in every file", at: func(r *Origination) any { return &r.LoanSequenceNumber }},
	{pos: 21, name: "loanPurpose", kind: Text, doc: "P purchase, C cash-out refinance, N no cash-out refinance", at: func(r *Origination) any { return &r.LoanPurpose }},
	{pos: 22, name: "originalLoanTerm", kind: Count, required: true, doc: "months", at: func(r *Origination) any { return &r.OriginalLoanTerm }},
	{pos: 23, name: "numberOfBorrowers", kind: Count, at: func(r *Origination) any { return &r.NumberOfBorrowers }},
	{pos: 24, name: "sellerName", kind: Text, at: func(r *Origination) any { return &r.SellerName }},
	{pos: 25, name: "servicerName", kind: Text, at: func(r *Origination) any { return &r.ServicerName }},
})

// OriginationLayout documents the origination file's modelled columns.
func OriginationLayout() []ColumnInfo { return originationLayout.info() }

func (r Origination) loanID() string { return r.LoanSequenceNumber }
