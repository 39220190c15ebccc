package waterfall

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// TestPoolMeasureValidation refuses each misuse of the yield supplement,
// fee bases and targets with the path of the field.
func TestPoolMeasureValidation(t *testing.T) {
	base := func() Definition { return loadDefinition(t, "golden/pool_measures/definition.json") }
	cases := []struct {
		name   string
		mutate func(*Definition)
		want   string
	}{
		{"schedule and rate", func(d *Definition) { d.YieldSupplement.RequiredRate = dec("0.1") },
			"yieldSupplement: schedule and requiredRate/initialAmount are exclusive"},
		{"neither", func(d *Definition) { d.YieldSupplement = &YieldSupplement{} },
			"yieldSupplement: want a schedule fixed at closing, or a requiredRate and initialAmount"},
		{"ysoc above pool", func(d *Definition) { d.YieldSupplement.Schedule[0] = d.InitialPoolBalance },
			"yieldSupplement: the YSOC at closing"},
		{"rate as percent", func(d *Definition) { d.YieldSupplement = &YieldSupplement{RequiredRate: dec("9.5")} },
			"yieldSupplement.requiredRate: rate 9.5 out of range"},
		{"unknown basis", func(d *Definition) { d.Fees[0].Basis = "pool" }, `fees[0].basis: unknown basis "pool"`},
		{"incurred with rate", func(d *Definition) { d.Fees[1].AnnualRate = dec("0.001") },
			`fees[1]: an "asIncurred" fee takes its amount from period.feesIncurred`},
		{"rate basis without rate", func(d *Definition) { d.Fees[1].Basis = NoteBalance },
			`fees[1].basis: a fee on "noteBalance" needs an annualRate`},
		{"adjusted without ysoc", func(d *Definition) { d.YieldSupplement = nil },
			`reserves[0].target.of: "initialAdjustedPool" needs a yieldSupplement`},
		{"amount and fraction", func(d *Definition) { d.OCTarget.Fraction = dec("0.01") },
			"ocTarget: a fixed amount and a fraction of a pool are exclusive"},
		{"step-down kind", func(d *Definition) { d.OCTarget.StepDowns[0].Fraction = dec("0.01") },
			"ocTarget.stepDowns[0]: a step-down replaces the target's own kind"},
		{"step-down period", func(d *Definition) { d.OCTarget.StepDowns[0].FromPeriod = 1 },
			"ocTarget.stepDowns[0].fromPeriod: periods must start after period 1"},
		{"step-down trigger", func(d *Definition) { d.OCTarget.StepDowns[0].UnlessBreached = []string{"x"} },
			`ocTarget.stepDowns[0].unlessBreached[0]: unknown trigger "x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := base()
			c.mutate(&d)
			err := d.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// TestPoolMeasurePeriodInputs refuses period inputs the deal does not take.
func TestPoolMeasurePeriodInputs(t *testing.T) {
	def := loadDefinition(t, "golden/pool_measures/definition.json")
	st := mustState(t, def)
	good := Period{Period: 1, AccrualStart: day("2026-01-15"), AccrualEnd: day("2026-02-15"),
		ScheduledPrincipal: amt("1000.00"), EndingPoolBalance: amt("999000.00")}
	for _, c := range []struct {
		name   string
		mutate func(*Period)
		want   string
	}{
		{"ysoc on a schedule", func(p *Period) { p.YieldSupplementAmount = amt("1.00") },
			"period.yieldSupplementAmount: the deal's YSOC is a schedule fixed at closing"},
		{"unknown fee", func(p *Period) { p.FeesIncurred = []FeeAmount{{Fee: "audit", Amount: 1}} },
			`period.feesIncurred[0].fee: unknown fee "audit"`},
		{"fee not incurred", func(p *Period) { p.FeesIncurred = []FeeAmount{{Fee: "servicing", Amount: 1}} },
			`period.feesIncurred[0].fee: fee "servicing" is not charged "asIncurred"`},
		{"twice", func(p *Period) {
			p.FeesIncurred = []FeeAmount{{Fee: "trustee", Amount: 1}, {Fee: "trustee", Amount: 2}}
		}, `period.feesIncurred[1].fee: fee "trustee" listed twice`},
		{"negative", func(p *Period) { p.FeesIncurred = []FeeAmount{{Fee: "trustee", Amount: -1}} },
			"period.feesIncurred[0].amount: must not be negative"},
	} {
		p := good
		c.mutate(&p)
		_, err := Run(def, st, p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Run() = %v\nwant it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := Run(def, st, good); err != nil {
		t.Fatalf("good period refused: %v", err)
	}
}

// TestPaymentDateValidation refuses bad schedules and a period that is
// not paid on its scheduled business day.
func TestPaymentDateValidation(t *testing.T) {
	base := func() Definition { return loadDefinition(t, "golden/payment_dates/definition.json") }
	for _, c := range []struct {
		name   string
		mutate func(*Definition)
		want   string
	}{
		{"calendar", func(d *Definition) { d.PaymentDates.Calendar = "TARGET2" }, `paymentDates.calendar: calendar "TARGET2": unknown`},
		{"convention", func(d *Definition) { d.PaymentDates.BusinessDayConvention = "nearest" },
			`paymentDates.businessDayConvention: want "following", "modifiedFollowing" or "preceding", got "nearest"`},
		{"before closing", func(d *Definition) { d.PaymentDates.FirstPaymentDate = day("2026-01-15") },
			"paymentDates.firstPaymentDate: must be after the closing date 2026-01-20"},
		{"outside the data", func(d *Definition) { d.PaymentDates.ExtraHolidays = []daycount.Date{day("2081-04-07")} },
			"paymentDates.extraHolidays: calendar US-FRB covers"},
	} {
		d := base()
		c.mutate(&d)
		if err := d.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v\nwant it to contain %q", c.name, err, c.want)
		}
	}
	def := base()
	st := mustState(t, def)
	p := Period{Period: 1, AccrualStart: day("2026-01-20"), AccrualEnd: day("2026-02-15"),
		IndexFixings: map[string]decimal.Decimal{"SOFR30A": dec("0.043")}, EndingPoolBalance: amt("1000000.00")}
	_, err := Run(def, st, p)
	want := "period.accrualEnd: want 2026-02-17, the payment date of period 1 (nominal 2026-02-15 rolled following on US-FRB), got 2026-02-15"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Run() = %v\nwant %q", err, want)
	}
}

// TestCertificateInputsValidation refuses reimbursements larger than the
// period's cash and names repurchases in a pool that does not roll forward.
func TestCertificateInputsValidation(t *testing.T) {
	def := loadDefinition(t, "golden/certificate_inputs/definition.json")
	st := mustState(t, def)
	p := Period{Period: 1, AccrualStart: day("2026-11-15"), AccrualEnd: day("2026-12-15"),
		InterestCollections: amt("10.00"), AdvanceReimbursements: amt("15.01"), Repurchases: amt("5.00"),
		EndingPoolBalance: amt("100000.00")}
	_, err := Run(def, st, p)
	for _, want := range []string{
		"period.advanceReimbursements: 15.01 exceeds the period's collections 15.00",
		"− repurchases 5.00 − defaults 0.00 − other adjustments 0.00 = 99995.00, reported 100000.00",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run() = %v\nwant it to contain %q", err, want)
		}
	}
}
