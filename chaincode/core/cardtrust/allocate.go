package cardtrust

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// Phase is where a series is in its life in a given month.
type Phase string

const (
	Revolving         Phase = "revolving"
	Accumulation      Phase = "accumulation"
	Amortization      Phase = "amortization"
	EarlyAmortization Phase = "earlyAmortization"
	PaidOut           Phase = "paidOut"
)

// ratePlaces is the precision of the percentages and spreads Run shows
// and tests: six places is a ten-thousandth of a percent.
const ratePlaces = 6

// Pay-out event names, as MonthResult.PayOutEvents lists them.
const (
	PayOutExcessSpread   = "excess-spread"
	PayOutSellerInterest = "seller-interest"
)

// SeriesAllocation is one series' share of one month.
type SeriesAllocation struct {
	Series string `json:"series"`
	Phase  Phase  `json:"phase"`

	BeginningInvestedAmount money.Amount `json:"beginningInvestedAmount"`
	BeginningFundingAccount money.Amount `json:"beginningFundingAccount"`
	// FloatingPercentage is the adjusted invested amount over the pool's
	// beginning receivables; PrincipalPercentage is the one principal was
	// shared by (floating while revolving, fixed afterwards). Both are
	// shown to six places; the shares are computed from the exact ratio.
	FloatingPercentage  decimal.Decimal `json:"floatingPercentage"`
	PrincipalPercentage decimal.Decimal `json:"principalPercentage"`

	FinanceCharges money.Amount `json:"financeCharges"`
	Recoveries     money.Amount `json:"recoveries"`
	// Defaults is the investor default amount. While the series revolves
	// or accumulates, it is reinstated out of the principal collections
	// shared with the seller (DefaultsReinstated), so the collateral stays
	// whole; in amortization it reduces the collateral.
	Defaults           money.Amount `json:"defaults"`
	DefaultsReinstated money.Amount `json:"defaultsReinstated"`
	// PrincipalShare is the series' share of principal collections; it is
	// deposited in the funding account, paid to noteholders or reinvested
	// in new receivables (paid to the seller).
	PrincipalShare      money.Amount `json:"principalShare"`
	PrincipalDeposited  money.Amount `json:"principalDeposited"`
	PrincipalReinvested money.Amount `json:"principalReinvested"`
	// PrincipalPaid is principal paid to the series' noteholders this
	// month: from this month's share and from the funding account.
	PrincipalPaid     money.Amount `json:"principalPaid"`
	FundingAccountOut money.Amount `json:"fundingAccountOut"`

	EndingInvestedAmount  money.Amount `json:"endingInvestedAmount"`
	EndingFundingAccount  money.Amount `json:"endingFundingAccount"`
	AccumulationShortfall money.Amount `json:"accumulationShortfall"`

	// ExcessSpread is portfolio yield − net loss rate − coupon − servicing
	// fee rate this month; ExcessSpreadAverage its average over the last
	// three months (fewer in the first two).
	ExcessSpread        decimal.Decimal `json:"excessSpread"`
	ExcessSpreadAverage decimal.Decimal `json:"excessSpreadAverage"`
	// PayOutEvent names the event that puts the series into early
	// amortization from next month ("" when none occurred this month).
	PayOutEvent string `json:"payOutEvent,omitempty"`
}

// Cash is what the series' deal receives this month: investor finance
// charges and recoveries for its waterfall, principal deposited in the
// funding account or paid from this month's collections.
func (a *SeriesAllocation) Cash() money.Amount {
	return a.FinanceCharges + a.Recoveries + a.PrincipalShare - a.PrincipalReinvested
}

// SellerAllocation is the seller's part of a month.
type SellerAllocation struct {
	FinanceCharges money.Amount `json:"financeCharges"`
	Recoveries     money.Amount `json:"recoveries"`
	Defaults       money.Amount `json:"defaults"`
	// Principal is the seller's own share of principal collections;
	// ReinvestedPrincipal is the series' principal paid to it for new
	// receivables.
	Principal           money.Amount `json:"principal"`
	ReinvestedPrincipal money.Amount `json:"reinvestedPrincipal"`
}

// Cash is every cent the seller receives this month.
func (s *SellerAllocation) Cash() money.Amount {
	return s.FinanceCharges + s.Recoveries + s.Principal + s.ReinvestedPrincipal
}

// MonthResult is one month's allocation.
type MonthResult struct {
	Period int   `json:"period"`
	Month  Month `json:"month"`
	// The pool's rates, recomputed from the report to six places.
	PortfolioYield decimal.Decimal `json:"portfolioYield"`
	NetLossRate    decimal.Decimal `json:"netLossRate"`
	PaymentRate    decimal.Decimal `json:"paymentRate"`

	TotalCollections money.Amount       `json:"totalCollections"`
	Series           []SeriesAllocation `json:"series"`
	Seller           SellerAllocation   `json:"seller"`

	// SellerInterest is the ending receivables less the series' ending
	// adjusted invested amounts; RequiredSellerInterest the minimum.
	SellerInterest         money.Amount `json:"sellerInterest"`
	RequiredSellerInterest money.Amount `json:"requiredSellerInterest"`
	// PayOutEvents lists "series:event" for each pay-out event this month.
	PayOutEvents []string `json:"payOutEvents"`

	NewState State `json:"newState"`
}

// Check checks a report against the trust and its state: the trust, the
// next period and month, beginning receivables equal to the last ending,
// and the series' adjusted invested amounts within the receivables.
func (t *Trust) Check(st State, line int, r *Report) error {
	fail := func(field, rule, format string, args ...any) error {
		return &loantape.RowError{Line: line, Field: field, Rule: rule, Msg: field + ": " + fmt.Sprintf(format, args...)}
	}
	want := t.FirstMonth
	if !st.Month.IsZero() {
		want = st.Month.Next()
	}
	switch {
	case r.TrustID != t.ID:
		return fail("trustId", RuleTrustMismatch, "the report is for trust %q, this is trust %q", r.TrustID, t.ID)
	case r.Period != st.Period+1:
		return fail("period", loantape.RulePeriodOrder, "want period %d (the trust is at period %d), got %d", st.Period+1, st.Period, r.Period)
	case r.ReportingMonth != want:
		return fail("reportingMonth", RuleMonthSequence, "want %s, got %s", want, r.ReportingMonth)
	case r.BeginningPrincipalReceivables != st.PrincipalReceivables:
		return fail("beginningPrincipalReceivables", RuleReceivablesContinuity,
			"want %s, last month's ending principal receivables, got %s", st.PrincipalReceivables, r.BeginningPrincipalReceivables)
	}
	var invested money.Amount
	for i := range st.Series {
		invested += st.Series[i].AdjustedInvestedAmount()
	}
	if invested > r.BeginningPrincipalReceivables {
		return fail("beginningPrincipalReceivables", RuleSellerInterestNegative,
			"the series' adjusted invested amounts %s exceed the principal receivables %s", invested, r.BeginningPrincipalReceivables)
	}
	return nil
}

// Run checks one month's report and allocates it among the series and the
// seller. It changes neither argument; the result holds the next state.
func Run(t *Trust, st State, r Report) (MonthResult, error) {
	if err := t.Validate(); err != nil {
		return MonthResult{}, err
	}
	if st.TrustID != t.ID || len(st.Series) != len(t.Series) {
		return MonthResult{}, errs.New(errs.Internal, "state of trust %q with %d series does not match trust %q with %d", st.TrustID, len(st.Series), t.ID, len(t.Series))
	}
	for i := range st.Series {
		if st.Series[i].Series != t.Series[i].Name {
			return MonthResult{}, errs.New(errs.Internal, "state series %d is %q, the trust's is %q", i, st.Series[i].Series, t.Series[i].Name)
		}
	}
	if err := CheckReport(0, &r); err != nil {
		return MonthResult{}, err
	}
	if err := t.Check(st, 0, &r); err != nil {
		return MonthResult{}, err
	}
	next := st.clone()
	next.Period, next.Month, next.PrincipalReceivables = r.Period, r.ReportingMonth, r.EndingPrincipalReceivables
	res := MonthResult{
		Period: r.Period, Month: r.ReportingMonth,
		PortfolioYield: Yield(&r, ratePlaces), NetLossRate: NetLossRate(&r, ratePlaces), PaymentRate: PaymentRate(&r, ratePlaces),
		TotalCollections: r.TotalCollections(), PayOutEvents: []string{},
	}
	seller := SellerAllocation{FinanceCharges: r.FinanceChargeCollections, Recoveries: r.Recoveries,
		Defaults: r.DefaultedReceivables, Principal: r.PrincipalCollections}
	for i := range t.Series {
		a, err := allocateSeries(&t.Series[i], &next.Series[i], st.SellerPayOut, &r, res.PortfolioYield, res.NetLossRate)
		if err != nil {
			return MonthResult{}, err
		}
		seller.FinanceCharges -= a.FinanceCharges
		seller.Recoveries -= a.Recoveries
		seller.Defaults -= a.Defaults
		seller.Principal -= a.PrincipalShare
		seller.ReinvestedPrincipal += a.PrincipalReinvested
		if a.PayOutEvent != "" {
			res.PayOutEvents = append(res.PayOutEvents, a.Series+":"+a.PayOutEvent)
		}
		res.Series = append(res.Series, a)
	}
	if seller.FinanceCharges < 0 || seller.Recoveries < 0 || seller.Defaults < 0 || seller.Principal < 0 {
		// Only fixed percentages set when the pool was larger can ask for
		// more principal than was collected; the floating ones sum to at
		// most one (checked above).
		return MonthResult{}, errs.New(errs.WrongState, "period %d: the series' principal percentages take more than the month's principal collections %s; the seller's share would be %s",
			r.Period, r.PrincipalCollections, seller.Principal)
	}
	res.Seller = seller
	var adjusted money.Amount
	for i := range next.Series {
		adjusted += next.Series[i].AdjustedInvestedAmount()
	}
	res.SellerInterest = r.EndingPrincipalReceivables - adjusted
	required, err := adjusted.MulRate(t.MinSellerInterest)
	if err != nil {
		return MonthResult{}, errs.New(errs.Overflow, "required seller's interest: %v", err)
	}
	res.RequiredSellerInterest = required
	if res.SellerInterest < required && !next.SellerPayOut && adjusted > 0 {
		next.SellerPayOut = true
		res.PayOutEvents = append(res.PayOutEvents, "trust:"+PayOutSellerInterest)
	}
	res.NewState = next
	return res, nil
}

// phaseOf is the series' phase this period, from its state at the start.
func phaseOf(s *Series, ss *SeriesState, sellerPayOut bool, period int) Phase {
	switch {
	case ss.InvestedAmount == 0:
		return PaidOut
	case ss.EarlyAmortization || sellerPayOut:
		return EarlyAmortization
	case period < s.AccumulationStart:
		return Revolving
	case period <= s.ExpectedFinalPeriod:
		return Accumulation
	default:
		return Amortization
	}
}

// allocateSeries works out one series' month and moves ss to the end of
// it.
func allocateSeries(s *Series, ss *SeriesState, sellerPayOut bool, r *Report, yield, netLoss decimal.Decimal) (SeriesAllocation, error) {
	phase := phaseOf(s, ss, sellerPayOut, r.Period)
	begin := r.BeginningPrincipalReceivables
	adj := ss.AdjustedInvestedAmount()
	a := SeriesAllocation{Series: s.Name, Phase: phase, BeginningInvestedAmount: ss.InvestedAmount, BeginningFundingAccount: ss.PrincipalFundingAccount,
		FloatingPercentage: ratio(adj.Decimal(), begin, ratePlaces)}
	a.FinanceCharges = share(r.FinanceChargeCollections, adj, begin)
	a.Recoveries = share(r.Recoveries, adj, begin)
	a.Defaults = share(r.DefaultedReceivables, adj, begin)

	if phase != Revolving && phase != PaidOut && ss.FixedDenominator == 0 {
		// The first month after the revolving period fixes the principal
		// percentage at the figures that ended it.
		ss.FixedNumerator, ss.FixedDenominator = ss.InvestedAmount, begin
	}
	switch phase {
	case Revolving:
		a.PrincipalShare = share(r.PrincipalCollections, adj, begin)
		a.PrincipalPercentage = a.FloatingPercentage
	case PaidOut:
		a.PrincipalPercentage = decimal.Zero
	default:
		a.PrincipalShare = share(r.PrincipalCollections, ss.FixedNumerator, ss.FixedDenominator)
		a.PrincipalPercentage = ratio(ss.FixedNumerator.Decimal(), ss.FixedDenominator, ratePlaces)
	}

	switch phase {
	case Revolving:
		a.DefaultsReinstated = a.Defaults
		a.PrincipalReinvested = a.PrincipalShare
	case Accumulation:
		a.DefaultsReinstated = a.Defaults
		due := s.ControlledAccumulationAmount + ss.AccumulationShortfall
		a.PrincipalDeposited = money.Min(money.Min(a.PrincipalShare, due), adj)
		a.PrincipalReinvested = a.PrincipalShare - a.PrincipalDeposited
		ss.PrincipalFundingAccount += a.PrincipalDeposited
		ss.AccumulationShortfall = money.Min(due-a.PrincipalDeposited, adj-a.PrincipalDeposited)
		if r.Period == s.ExpectedFinalPeriod {
			a.FundingAccountOut = ss.PrincipalFundingAccount
			ss.PrincipalFundingAccount = 0
			ss.AccumulationShortfall = 0
		}
	case Amortization, EarlyAmortization:
		// Defaults come off the collateral first (the series' waterfall
		// covers them from finance charges); principal pays what is left.
		fromCollections := money.Min(a.PrincipalShare, adj-a.Defaults)
		a.PrincipalReinvested = a.PrincipalShare - fromCollections
		a.FundingAccountOut = ss.PrincipalFundingAccount
		ss.PrincipalFundingAccount = 0
		ss.AccumulationShortfall = 0
		ss.InvestedAmount -= a.Defaults
		a.PrincipalPaid = fromCollections
	}
	a.PrincipalPaid += a.FundingAccountOut
	ss.InvestedAmount -= a.PrincipalPaid
	a.EndingInvestedAmount, a.EndingFundingAccount, a.AccumulationShortfall = ss.InvestedAmount, ss.PrincipalFundingAccount, ss.AccumulationShortfall

	// Excess spread against the series' base rate; a pay-out event starts
	// early amortization next month.
	a.ExcessSpread = yield.Sub(netLoss).Sub(s.Coupon).Sub(s.ServicingFeeRate).Round(ratePlaces)
	ss.ExcessSpreads = append(ss.ExcessSpreads, a.ExcessSpread)
	if len(ss.ExcessSpreads) > 3 {
		ss.ExcessSpreads = ss.ExcessSpreads[len(ss.ExcessSpreads)-3:]
	}
	sum := decimal.Zero
	for _, e := range ss.ExcessSpreads {
		sum = sum.Add(e)
	}
	a.ExcessSpreadAverage = sum.DivRound(decimal.NewFromInt(int64(len(ss.ExcessSpreads))), ratePlaces)
	if (phase == Revolving || phase == Accumulation) && a.ExcessSpreadAverage.IsNegative() {
		ss.EarlyAmortization = true
		a.PayOutEvent = PayOutExcessSpread
	}
	return a, nil
}

// share is amount × num / den rounded down to the cent, computed exactly;
// the seller's interest takes the fractions of a cent.
func share(amount, num, den money.Amount) money.Amount {
	if den == 0 || num == 0 || amount == 0 {
		return 0
	}
	var q big.Int
	q.Mul(big.NewInt(int64(amount)), big.NewInt(int64(num)))
	q.Quo(&q, big.NewInt(int64(den)))
	return money.Amount(q.Int64())
}
