package statement

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Statement is one distribution date statement. Lists keep the order the
// certificate prints them in.
type Statement struct {
	Deal              string        `json:"deal"`
	DefinitionVersion int           `json:"definitionVersion"`
	Period            int           `json:"period"`
	AccrualStart      daycount.Date `json:"accrualStart"`
	// PaymentDate is the day paid; NominalPaymentDate is the scheduled day
	// before the business-day roll (absent without a payment schedule).
	PaymentDate        daycount.Date  `json:"paymentDate"`
	NominalPaymentDate *daycount.Date `json:"nominalPaymentDate,omitempty"`

	Collections    Section       `json:"collections"`    // A
	AvailableFunds Section       `json:"availableFunds"` // B
	Distributions  Distributions `json:"distributions"`  // C
	Notes          []NoteLine    `json:"notes"`          // D
	Pool           PoolSection   `json:"pool"`           // E
	Performance    Performance   `json:"performance"`    // F
	Triggers       []TriggerLine `json:"triggers"`       // G
}

// Line is a labelled amount.
type Line struct {
	Label  string       `json:"label"`
	Amount money.Amount `json:"amount"`
}

// Section is a list of lines and their total (a deduction is a negative
// line).
type Section struct {
	Lines []Line       `json:"lines"`
	Total money.Amount `json:"total"`
}

// Distributions lists the priority of payments as it ran.
type Distributions struct {
	Lines     []Distribution `json:"lines"`
	TotalPaid money.Amount   `json:"totalPaid"`
}

// Distribution is one line of the priority of payments.
type Distribution struct {
	// Priority numbers the step in the priority of payments in force
	// (first is 1); Accelerated statements use the acceleration steps.
	Priority  int          `json:"priority"`
	Label     string       `json:"label"`
	Due       money.Amount `json:"due"`
	Paid      money.Amount `json:"paid"`
	Shortfall money.Amount `json:"shortfall"`
}

// NoteLine is one class of notes (or the certificates).
type NoteLine struct {
	Class            string              `json:"class"`
	DayCount         daycount.Convention `json:"dayCount,omitempty"`
	InterestRate     decimal.Decimal     `json:"interestRate"`
	AccrualDays      int64               `json:"accrualDays"`
	OriginalBalance  money.Amount        `json:"originalBalance"`
	BeginningBalance money.Amount        `json:"beginningBalance"`
	InterestDue      money.Amount        `json:"interestDue"`
	InterestPaid     money.Amount        `json:"interestPaid"`
	// InterestCarryover is interest due and unpaid, owed next period.
	InterestCarryover money.Amount    `json:"interestCarryover"`
	PrincipalPaid     money.Amount    `json:"principalPaid"`
	WriteDown         money.Amount    `json:"writeDown"`
	EndingBalance     money.Amount    `json:"endingBalance"`
	Factor            decimal.Decimal `json:"factor"`
	// Per $1,000 of original balance, rounded half-up to 7 places.
	InterestPer1000  decimal.Decimal `json:"interestPer1000"`
	PrincipalPer1000 decimal.Decimal `json:"principalPer1000"`
	EndingPer1000    decimal.Decimal `json:"endingPer1000"`
	// ResidualPaid is what the certificates received (certificates only).
	ResidualPaid money.Amount `json:"residualPaid,omitzero"`
}

// PoolSection is the collateral, overcollateralization and reserves.
type PoolSection struct {
	BeginningPoolBalance money.Amount    `json:"beginningPoolBalance"`
	EndingPoolBalance    money.Amount    `json:"endingPoolBalance"`
	PoolFactor           decimal.Decimal `json:"poolFactor"`
	// The yield supplement and adjusted pool (equal to the pool without a
	// yield supplement).
	BeginningYieldSupplement money.Amount `json:"beginningYieldSupplement"`
	EndingYieldSupplement    money.Amount `json:"endingYieldSupplement"`
	BeginningAdjustedPool    money.Amount `json:"beginningAdjustedPool"`
	EndingAdjustedPool       money.Amount `json:"endingAdjustedPool"`
	NotesEndingBalance       money.Amount `json:"notesEndingBalance"`
	Overcollateralization    money.Amount `json:"overcollateralization"`
	OCTarget                 money.Amount `json:"ocTarget"`
	// OCPercent is overcollateralization ÷ ending adjusted pool, 6 places.
	OCPercent decimal.Decimal `json:"ocPercent"`
	Reserves  []ReserveLine   `json:"reserves"`
}

// ReserveLine is one reserve account's movements.
type ReserveLine struct {
	Account          string       `json:"account"`
	BeginningBalance money.Amount `json:"beginningBalance"`
	Deposit          money.Amount `json:"deposit"`
	Draw             money.Amount `json:"draw"`
	Release          money.Amount `json:"release"`
	EndingBalance    money.Amount `json:"endingBalance"`
	RequiredAmount   money.Amount `json:"requiredAmount"`
}

// Performance is delinquency and loss.
type Performance struct {
	Delinquencies       []Delinquency `json:"delinquencies"`
	Defaults            money.Amount  `json:"defaults"`
	LiquidationProceeds money.Amount  `json:"liquidationProceeds"`
	Recoveries          money.Amount  `json:"recoveries"`
	// NetLoss is defaults − liquidation proceeds − recoveries this period.
	NetLoss                money.Amount    `json:"netLoss"`
	CumulativeNetLoss      money.Amount    `json:"cumulativeNetLoss"`
	CumulativeNetLossRatio decimal.Decimal `json:"cumulativeNetLossRatio"`
}

// Delinquency is a bucket's balance and its share of the ending pool (6
// places).
type Delinquency struct {
	Bucket        string          `json:"bucket"`
	Balance       money.Amount    `json:"balance"`
	PercentOfPool decimal.Decimal `json:"percentOfPool"`
	// Count is the number of loans in the bucket, when the servicer
	// report is at hand (WithDelinquencyCounts).
	Count *int `json:"count,omitempty"`
}

// TriggerLine is one trigger test.
type TriggerLine struct {
	Trigger string             `json:"trigger"`
	Test    waterfall.TestKind `json:"test"`
	Value   decimal.Decimal    `json:"value"`
	// Breach says on which side of the threshold the test fails: "above"
	// or "below".
	Breach    string           `json:"breach"`
	Threshold decimal.Decimal  `json:"threshold"`
	Undefined bool             `json:"undefined,omitempty"`
	Failed    bool             `json:"failed"`
	Breached  bool             `json:"breached"`
	Effect    waterfall.Effect `json:"effect"`
}

// Build renders the statement of one period from the definition, the
// certified period and its Result. It checks that they belong together
// (same period, same definition version, same lists) and that the
// statement ties out: collections plus reserve movements are the
// available funds, and the distributions pay them out to the cent.
func Build(def waterfall.Definition, p waterfall.Period, res waterfall.Result) (Statement, error) {
	if err := matches(def, p, res); err != nil {
		return Statement{}, err
	}
	s := Statement{
		Deal: def.Deal, DefinitionVersion: res.DefinitionVersion, Period: res.Period,
		AccrualStart: p.AccrualStart, PaymentDate: p.AccrualEnd,
	}
	if pd := res.PaymentDate; pd != nil {
		n := pd.Nominal
		s.NominalPaymentDate, s.PaymentDate = &n, pd.Adjusted
	}
	s.Collections, s.AvailableFunds = collections(res.AvailableFunds)
	s.Distributions = distributions(def, res)
	s.Notes = notes(def, res)
	s.Pool = pool(def, res)
	s.Performance = performance(p, res)
	s.Triggers = triggers(res)
	if s.AvailableFunds.Total != s.Distributions.TotalPaid+res.RoundingResidue {
		return Statement{}, fmt.Errorf("statement: available funds %s, distributed %s", s.AvailableFunds.Total, s.Distributions.TotalPaid)
	}
	return s, nil
}

func matches(def waterfall.Definition, p waterfall.Period, res waterfall.Result) error {
	switch {
	case res.Period != p.Period:
		return fmt.Errorf("statement: result of period %d, report of period %d", res.Period, p.Period)
	case res.DefinitionVersion != def.Version:
		return fmt.Errorf("statement: result of definition version %d, definition version %d", res.DefinitionVersion, def.Version)
	case len(res.Classes) != len(def.Classes) || len(res.Reserves) != len(def.Reserves) || len(res.Fees) != len(def.Fees):
		return fmt.Errorf("statement: the result's classes, fees or reserves do not match the definition")
	}
	return nil
}

func collections(f waterfall.AvailableFunds) (Section, Section) {
	var a Section
	for _, l := range []Line{
		{"Interest collections", f.InterestCollections},
		{"Scheduled principal collections", f.ScheduledPrincipal},
		{"Prepayments in full and partial", f.Prepayments},
		{"Repurchase amounts", f.Repurchases},
		{"Liquidation proceeds", f.LiquidationProceeds},
		{"Recoveries", f.Recoveries},
		{"Reserve account investment earnings", f.ReserveInvestmentEarnings},
		{"Servicer advances", f.ServicerAdvances},
		{"Less: reimbursement of servicer advances", -f.AdvanceReimbursements},
		{"Clean-up call purchase price", f.CleanUpProceeds},
	} {
		a.Lines = append(a.Lines, l)
		a.Total += l.Amount
	}
	b := Section{Lines: []Line{
		{"Total collections (A)", a.Total},
		{"Reserve account draws", f.ReserveDraws},
		{"Reserve account releases", f.ReserveReleases},
	}, Total: f.Total}
	return a, b
}

func distributions(def waterfall.Definition, res waterfall.Result) Distributions {
	var d Distributions
	for _, p := range res.Payments {
		d.Lines = append(d.Lines, Distribution{Priority: p.Step + 1, Label: label(p),
			Due: p.Due, Paid: p.Paid, Shortfall: p.Shortfall})
		d.TotalPaid += p.Paid
	}
	return d
}

func label(p waterfall.Payment) string {
	switch p.Kind {
	case waterfall.KindFee:
		return "Fee: " + p.Fee
	case waterfall.KindInterest:
		return "Class " + p.Class + " interest"
	case waterfall.KindPrincipal:
		return "Class " + p.Class + " principal"
	case waterfall.KindCleanUpCall:
		return "Class " + p.Class + " principal (clean-up call)"
	case waterfall.KindReserve:
		return "Deposit to " + p.Account + " account"
	case waterfall.KindResidual:
		return "Remaining funds to " + p.Class
	}
	return string(p.Kind)
}

// per1000 is amount per $1,000 of original balance, half-up to 7 places.
func per1000(a, original money.Amount) decimal.Decimal {
	if original == 0 {
		return decimal.Zero
	}
	return a.Decimal().Mul(decimal.NewFromInt(1000)).DivRound(original.Decimal(), 7)
}

func notes(def waterfall.Definition, res waterfall.Result) []NoteLine {
	ls := make([]NoteLine, 0, len(def.Classes))
	for i, c := range def.Classes {
		r := res.Classes[i]
		l := NoteLine{
			Class: c.Name, InterestRate: r.InterestRate, AccrualDays: r.AccrualDays,
			OriginalBalance: c.OriginalBalance, BeginningBalance: r.BeginningBalance,
			InterestDue: r.InterestDue, InterestPaid: r.InterestPaid, InterestCarryover: r.UnpaidInterest,
			PrincipalPaid: r.PrincipalPaid, WriteDown: r.WriteDown, EndingBalance: r.EndingBalance, Factor: r.Factor,
			InterestPer1000:  per1000(r.InterestPaid, c.OriginalBalance),
			PrincipalPer1000: per1000(r.PrincipalPaid, c.OriginalBalance),
			EndingPer1000:    per1000(r.EndingBalance, c.OriginalBalance),
			ResidualPaid:     r.ResidualPaid,
		}
		if !c.Residual {
			l.DayCount = c.DayCount
			if l.DayCount == "" {
				l.DayCount = def.DayCount
			}
		}
		ls = append(ls, l)
	}
	return ls
}

func pool(def waterfall.Definition, res waterfall.Result) PoolSection {
	p := res.Pool
	s := PoolSection{
		BeginningPoolBalance: p.BeginningBalance, EndingPoolBalance: p.EndingBalance, PoolFactor: p.Factor,
		BeginningAdjustedPool: p.BeginningBalance, EndingAdjustedPool: p.EndingBalance,
		Overcollateralization: p.Overcollateralization, OCTarget: p.OCTarget,
	}
	if a := p.Adjusted; a != nil {
		s.BeginningYieldSupplement, s.EndingYieldSupplement = a.BeginningYieldSupplement, a.EndingYieldSupplement
		s.BeginningAdjustedPool, s.EndingAdjustedPool = a.BeginningBalance, a.EndingBalance
	}
	for i, c := range def.Classes {
		if !c.Residual {
			s.NotesEndingBalance += res.Classes[i].EndingBalance
		}
	}
	s.OCPercent = money.Ratio(s.Overcollateralization, s.EndingAdjustedPool, 6)
	for _, r := range res.Reserves {
		s.Reserves = append(s.Reserves, ReserveLine{Account: r.Account, BeginningBalance: r.BeginningBalance,
			Deposit: r.Deposit, Draw: r.Draw, Release: r.Release, EndingBalance: r.EndingBalance, RequiredAmount: r.Target})
	}
	return s
}

func performance(p waterfall.Period, res waterfall.Result) Performance {
	pool := p.EndingPoolBalance
	dq := func(bucket string, a money.Amount) Delinquency {
		return Delinquency{Bucket: bucket, Balance: a, PercentOfPool: money.Ratio(a, pool, 6)}
	}
	d := p.Delinquencies
	return Performance{
		Delinquencies: []Delinquency{dq("30-59 days", d.Days30to59), dq("60-89 days", d.Days60to89),
			dq("90+ days", d.Days90Plus), dq("Total 30+ days", d.Days30to59+d.Days60to89+d.Days90Plus)},
		Defaults: p.Defaults, LiquidationProceeds: p.LiquidationProceeds, Recoveries: p.Recoveries,
		NetLoss:           p.Defaults - p.LiquidationProceeds - p.Recoveries,
		CumulativeNetLoss: res.Pool.CumulativeNetLoss, CumulativeNetLossRatio: res.Pool.CumulativeNetLossRatio,
	}
}

func triggers(res waterfall.Result) []TriggerLine {
	ls := make([]TriggerLine, 0, len(res.Triggers))
	for _, t := range res.Triggers {
		breach := "below"
		if t.Test == waterfall.CumulativeNetLoss || t.Test == waterfall.Delinquency {
			breach = "above"
		}
		ls = append(ls, TriggerLine{Trigger: t.Trigger, Test: t.Test, Value: t.Value, Breach: breach,
			Threshold: t.Threshold, Undefined: t.Undefined, Failed: t.Failed, Breached: t.Breached, Effect: t.Effect})
	}
	return ls
}
