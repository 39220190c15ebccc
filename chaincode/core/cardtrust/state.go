package cardtrust

import (
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// State is the trust after its last allocated month; NewState gives the
// state at the cut-off. Run never changes a State: it returns the next one.
type State struct {
	TrustID string `json:"trustId"`
	// Period is the last allocated period (0 at the cut-off).
	Period int `json:"period"`
	// Month is the last reported month (zero at the cut-off).
	Month Month `json:"month,omitzero"`
	// PrincipalReceivables are the pool's principal receivables at the
	// end of the last month (the initial receivables at the cut-off).
	PrincipalReceivables money.Amount `json:"principalReceivables"`
	// SellerPayOut records a seller's-interest pay-out event: every series
	// is in early amortization from the month after it.
	SellerPayOut bool          `json:"sellerPayOut,omitempty"`
	Series       []SeriesState `json:"series"`
}

// SeriesState is one series after the last month.
type SeriesState struct {
	Series string `json:"series"`
	// InvestedAmount is the series' collateral: the initial invested
	// amount less principal paid to noteholders and defaults charged to
	// the series. Principal held in the funding account is still in it.
	InvestedAmount          money.Amount `json:"investedAmount"`
	PrincipalFundingAccount money.Amount `json:"principalFundingAccount"`
	// AccumulationShortfall is controlled accumulation amount not yet
	// deposited; it is due on top of the next month's amount.
	AccumulationShortfall money.Amount `json:"accumulationShortfall"`
	// FixedNumerator / FixedDenominator is the fixed investor percentage:
	// the invested amount over the pool's principal receivables at the
	// end of the revolving period; zero until then.
	FixedNumerator   money.Amount `json:"fixedNumerator"`
	FixedDenominator money.Amount `json:"fixedDenominator"`
	// EarlyAmortization records the series' own pay-out event (excess
	// spread); it amortizes from the month after.
	EarlyAmortization bool `json:"earlyAmortization,omitempty"`
	// ExcessSpreads are the last (up to three) months' excess spreads,
	// oldest first.
	ExcessSpreads []decimal.Decimal `json:"excessSpreads"`
}

// AdjustedInvestedAmount is the invested amount less the principal
// funding account: the series' interest in the receivables themselves.
func (s *SeriesState) AdjustedInvestedAmount() money.Amount {
	return s.InvestedAmount - s.PrincipalFundingAccount
}

// NewState is the trust at the cut-off: every series at its initial
// invested amount, nothing accumulated.
func NewState(t *Trust) State {
	st := State{TrustID: t.ID, PrincipalReceivables: t.InitialReceivables, Series: make([]SeriesState, len(t.Series))}
	for i, s := range t.Series {
		st.Series[i] = SeriesState{Series: s.Name, InvestedAmount: s.InvestedAmount, ExcessSpreads: []decimal.Decimal{}}
	}
	return st
}

// clone copies st deeply, so Run can build the next state without
// touching its argument.
func (st State) clone() State {
	out := st
	out.Series = make([]SeriesState, len(st.Series))
	for i, s := range st.Series {
		s.ExcessSpreads = append([]decimal.Decimal{}, s.ExcessSpreads...)
		out.Series[i] = s
	}
	return out
}
