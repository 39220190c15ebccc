package cardtrust

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Month is a reporting month, written YYYY-MM.
type Month struct {
	Year  int
	Month int // 1..12
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	var m Month
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("%q is not a month YYYY-MM", s)
	}
	if _, err := fmt.Sscanf(s, "%4d-%2d", &m.Year, &m.Month); err != nil || m.Year < 1900 || m.Year > 9999 || m.Month < 1 || m.Month > 12 {
		return Month{}, fmt.Errorf("%q is not a month YYYY-MM", s)
	}
	return m, nil
}

// Next is the month after m.
func (m Month) Next() Month {
	if m.Month == 12 {
		return Month{Year: m.Year + 1, Month: 1}
	}
	return Month{Year: m.Year, Month: m.Month + 1}
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// IsZero reports whether m is unset.
func (m Month) IsZero() bool { return m == Month{} }

// MarshalJSON writes "YYYY-MM".
func (m Month) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads "YYYY-MM".
func (m *Month) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseMonth(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Report is one month's pool-level servicer report of a card trust.
// Amounts are cents; rates are decimal fractions (0.18 is 18%).
type Report struct {
	TrustID string `json:"trustId"`
	// Period counts the trust's reports from 1.
	Period         int   `json:"period"`
	ReportingMonth Month `json:"reportingMonth"`

	BeginningPrincipalReceivables money.Amount `json:"beginningPrincipalReceivables"`
	// FinanceChargeCollections are periodic finance charges, annual and
	// late fees and interchange collected in the month.
	FinanceChargeCollections money.Amount `json:"financeChargeCollections"`
	PrincipalCollections     money.Amount `json:"principalCollections"`
	// DefaultedReceivables are principal receivables charged off.
	DefaultedReceivables money.Amount `json:"defaultedReceivables"`
	// Recoveries are collections on receivables charged off earlier; the
	// trust treats them as finance-charge collections.
	Recoveries money.Amount `json:"recoveries"`
	// NewReceivables are principal receivables created in the accounts in
	// the month (new purchases and cash advances) and bought by the trust.
	NewReceivables             money.Amount `json:"newReceivables"`
	EndingPrincipalReceivables money.Amount `json:"endingPrincipalReceivables"`

	// PortfolioYield is finance-charge collections × 12 / beginning
	// principal receivables (annualized, gross of losses).
	PortfolioYield decimal.Decimal `json:"portfolioYield"`
	// PaymentRate is (principal + finance-charge collections) / beginning
	// principal receivables (monthly).
	PaymentRate decimal.Decimal `json:"paymentRate"`
}

// TotalCollections is every cent of cash the month brings: finance
// charges, recoveries and principal.
func (r *Report) TotalCollections() money.Amount {
	return r.FinanceChargeCollections + r.Recoveries + r.PrincipalCollections
}

// NetLosses are defaulted receivables less recoveries (negative when
// recoveries exceed the month's charge-offs).
func (r *Report) NetLosses() money.Amount { return r.DefaultedReceivables - r.Recoveries }

// Canonical is the report's canonical JSON: fixed field order, amounts as
// strings with two places, rates as written.
func (r *Report) Canonical() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic("cardtrust: a report always encodes: " + err.Error())
	}
	return b
}
