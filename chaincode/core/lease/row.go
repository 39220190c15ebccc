package lease

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Row is one lease in one reporting period. Amounts are rounded to the
// cent, rates are fractions (0.065 for 6.5%), terms are in months.
type Row struct {
	// AssetNumber is the lease number; LesseeID a pseudonymous lessee
	// identifier (the same lessee may hold several leases).
	AssetNumber        string `json:"assetNumber"`
	LesseeID           string `json:"lesseeId"`
	LesseeState        string `json:"lesseeState"`
	OriginatorName     string `json:"originatorName"`
	EquipmentType      string `json:"equipmentType"`
	EquipmentCondition string `json:"equipmentCondition"`
	// OriginalEquipmentCost is what the lessor paid for the equipment.
	OriginalEquipmentCost money.Amount `json:"originalEquipmentCost"`
	// BookedResidualValue is the equipment's value expected at lease end,
	// as booked at origination: the last cash flow of the lease.
	BookedResidualValue money.Amount `json:"bookedResidualValue"`
	// OriginalLeaseTerm is months from commencement to the last payment
	// period's end: PaymentsIn × the frequency's months.
	OriginalLeaseTerm int `json:"originalLeaseTerm"`
	// PaymentFrequency is M (monthly), Q (quarterly), S (semi-annual) or A
	// (annual).
	PaymentFrequency       string         `json:"paymentFrequency"`
	ScheduledPaymentAmount money.Amount   `json:"scheduledPaymentAmount"`
	FirstPaymentDate       loantape.Month `json:"firstPaymentDate"`
	// LeaseMaturityDate is the month of the last scheduled payment, when
	// the residual falls due.
	LeaseMaturityDate loantape.Month `json:"leaseMaturityDate"`
	// DiscountRate is the deal's annual discount rate the servicer values
	// the lease at (compounded monthly).
	DiscountRate        decimal.Decimal `json:"discountRate"`
	PeriodBeginningDate loantape.Date   `json:"reportingPeriodBeginningDate"`
	PeriodEndingDate    loantape.Date   `json:"reportingPeriodEndingDate"`
	// RemainingTerm is months from the period's end to the maturity month
	// (0 once there or after).
	RemainingTerm int `json:"remainingTerm"`
	// BeginningBalance is the discounted balance at the start of the
	// period: last period's DiscountedBalance.
	BeginningBalance money.Amount `json:"beginningDiscountedBalance"`
	// PaymentMade is what the lessee paid this period (scheduled payments,
	// arrears included).
	PaymentMade money.Amount `json:"paymentMadeAmount"`
	// PastDue is the scheduled payments due and unpaid at the period's end.
	PastDue     money.Amount `json:"pastDueAmount"`
	DaysPastDue int          `json:"daysPastDue"`
	// EndCode says how the lease left the pool this period: M matured
	// (residual realised), T terminated early (buyout), D defaulted
	// (charged off); empty while the lease runs.
	EndCode                string       `json:"leaseEndCode"`
	EarlyTerminationAmount money.Amount `json:"earlyTerminationAmount"`
	// ResidualRealised is the cash the equipment brought at maturity (sale
	// or lessee purchase option), net of remarketing costs.
	ResidualRealised money.Amount `json:"residualRealisedAmount"`
	// Recovery is the cash a defaulted lease brought (repossession sale).
	Recovery money.Amount `json:"recoveryAmount"`
	// DiscountedBalance is the lease's value at the period's end:
	// [DiscountedBalance] of its remaining cash flows; 0 once ended.
	DiscountedBalance money.Amount `json:"discountedBalance"`
}

// Kind says how a column's text becomes a value.
type Kind string

// Column kinds.
const (
	Text      Kind = "text"     // kept as written (trimmed)
	Amount    Kind = "amount"   // plain decimal, rounded half-up to the cent
	Fraction  Kind = "fraction" // a rate written as a fraction ("0.065")
	Count     Kind = "count"    // a whole number
	MonthKind Kind = "month"    // MM/YYYY or YYYY-MM
	DateKind  Kind = "date"     // MM-DD-YYYY or YYYY-MM-DD
)

// ColumnInfo documents one column of the lease layout.
type ColumnInfo struct {
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Required bool   `json:"required"`
	Doc      string `json:"doc"`
}

type column struct {
	ColumnInfo
	at func(r *Row) any
}

func col(name string, kind Kind, required bool, doc string, at func(r *Row) any) column {
	return column{ColumnInfo{Name: name, Kind: kind, Required: required, Doc: doc}, at}
}

// columns is the lease layout: read by header, columns in any order and
// letter case.
var columns = []column{
	col("assetNumber", Text, true, "the lease number", func(r *Row) any { return &r.AssetNumber }),
	col("lesseeId", Text, true, "pseudonymous lessee identifier", func(r *Row) any { return &r.LesseeID }),
	col("lesseeState", Text, true, "two-letter state of the lessee", func(r *Row) any { return &r.LesseeState }),
	col("originatorName", Text, false, "", func(r *Row) any { return &r.OriginatorName }),
	col("equipmentType", Text, true, "code of EquipmentTypes (AG, CON, TRK, MED, TECH, IND, OFF)", func(r *Row) any { return &r.EquipmentType }),
	col("equipmentCondition", Text, true, "N new, U used", func(r *Row) any { return &r.EquipmentCondition }),
	col("originalEquipmentCost", Amount, true, "", func(r *Row) any { return &r.OriginalEquipmentCost }),
	col("bookedResidualValue", Amount, true, "residual booked at origination; at most the equipment cost", func(r *Row) any { return &r.BookedResidualValue }),
	col("originalLeaseTerm", Count, true, "months; a whole number of payment periods", func(r *Row) any { return &r.OriginalLeaseTerm }),
	col("paymentFrequency", Text, true, "M monthly, Q quarterly, S semi-annual, A annual", func(r *Row) any { return &r.PaymentFrequency }),
	col("scheduledPaymentAmount", Amount, true, "each scheduled rent payment", func(r *Row) any { return &r.ScheduledPaymentAmount }),
	col("firstPaymentDate", MonthKind, true, "MM/YYYY", func(r *Row) any { return &r.FirstPaymentDate }),
	col("leaseMaturityDate", MonthKind, true, "MM/YYYY: month of the last payment", func(r *Row) any { return &r.LeaseMaturityDate }),
	col("discountRate", Fraction, true, "the deal's annual discount rate, fraction", func(r *Row) any { return &r.DiscountRate }),
	col("reportingPeriodBeginningDate", DateKind, false, "empty on a cut-off tape", func(r *Row) any { return &r.PeriodBeginningDate }),
	col("reportingPeriodEndingDate", DateKind, true, "", func(r *Row) any { return &r.PeriodEndingDate }),
	col("remainingTerm", Count, true, "months from the period's end to maturity", func(r *Row) any { return &r.RemainingTerm }),
	col("beginningDiscountedBalance", Amount, false, "last period's discounted balance", func(r *Row) any { return &r.BeginningBalance }),
	col("paymentMadeAmount", Amount, false, "rent paid this period, arrears included", func(r *Row) any { return &r.PaymentMade }),
	col("pastDueAmount", Amount, false, "scheduled payments due and unpaid at period end", func(r *Row) any { return &r.PastDue }),
	col("daysPastDue", Count, false, "days past due at period end", func(r *Row) any { return &r.DaysPastDue }),
	col("leaseEndCode", Text, false, "M matured, T early termination, D default; empty while running", func(r *Row) any { return &r.EndCode }),
	col("earlyTerminationAmount", Amount, false, "buyout paid on an early termination", func(r *Row) any { return &r.EarlyTerminationAmount }),
	col("residualRealisedAmount", Amount, false, "net proceeds of the equipment at maturity", func(r *Row) any { return &r.ResidualRealised }),
	col("recoveryAmount", Amount, false, "net proceeds of a defaulted lease", func(r *Row) any { return &r.Recovery }),
	col("discountedBalance", Amount, true, "the lease's discounted balance at period end", func(r *Row) any { return &r.DiscountedBalance }),
}

// Layout documents the lease CSV columns, in table order.
func Layout() []ColumnInfo {
	out := make([]ColumnInfo, len(columns))
	for i, c := range columns {
		out[i] = c.ColumnInfo
	}
	return out
}

// Columns lists the column names in table order: the header a writer uses.
func Columns() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.Name
	}
	return out
}

// Lease end codes.
const (
	EndMatured    = "M"
	EndTerminated = "T"
	EndDefaulted  = "D"
)

// EquipmentType is one code of the equipment table.
type EquipmentType struct {
	Code string `json:"code"`
	Doc  string `json:"doc"`
}

var equipmentTypes = []EquipmentType{
	{"AG", "agricultural: tractors, combines, sprayers"},
	{"CON", "construction: excavators, loaders, cranes"},
	{"TRK", "transportation: trucks, trailers"},
	{"MED", "medical: imaging, laboratory"},
	{"TECH", "technology: IT, telecom"},
	{"IND", "industrial: machine tools, material handling"},
	{"OFF", "office equipment"},
}

// EquipmentTypes lists the equipment type codes.
func EquipmentTypes() []EquipmentType { return append([]EquipmentType(nil), equipmentTypes...) }

func knownEquipment(code string) bool {
	for _, e := range equipmentTypes {
		if e.Code == code {
			return true
		}
	}
	return false
}

// frequencyMonths is the months between payments of each frequency.
var frequencyMonths = map[string]int{"M": 1, "Q": 3, "S": 6, "A": 12}

// FrequencyMonths returns the months between payments, 0 for an unknown
// frequency.
func FrequencyMonths(f string) int { return frequencyMonths[f] }
