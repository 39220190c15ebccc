package waterfall

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestDefinitionValidation breaks one rule at a time in the AUTO 2025-1
// definition and expects the error to name the field and the rule.
func TestDefinitionValidation(t *testing.T) {
	huge := decimal.New(1, -100000)
	cases := []struct {
		name   string
		break_ func(d *Definition)
		want   string
	}{
		{"version", func(d *Definition) { d.Version = 0 }, "version: must be at least 1"},
		{"unknown class in a step", func(d *Definition) {
			d.Steps[3] = InterestStep{Classes: []string{"A-1", "Z", "A-2", "A-3", "A-4"}}
		}, `steps[3].classes[1]: unknown class "Z"`},
		{"duplicate class", func(d *Definition) { d.Classes[1].Name = "A-1" }, `classes[1].name: duplicate class "A-1"`},
		{"rate as a percentage", func(d *Definition) { r := dec("5.25"); d.Classes[0].Coupon.Fixed = &r },
			"classes[0].coupon.fixed: rate 5.25 out of range"},
		{"note without coupon", func(d *Definition) { d.Classes[2].Coupon = nil }, `classes[2].coupon: required for note class "A-3"`},
		{"residual with a negative balance", func(d *Definition) { d.Classes[7].OriginalBalance = -1 },
			"classes[7].originalBalance: must not be negative"},
		{"no residual class", func(d *Definition) { d.Classes[7].Residual = false }, "classes: want exactly one residual class, got 0"},
		{"unknown day count", func(d *Definition) { d.Classes[0].DayCount = "ACT/ACT" }, `classes[0].dayCount: class "A-1": day count "ACT/ACT"`},
		{"negative pool", func(d *Definition) { d.InitialPoolBalance = amt("-1.00") }, "initialPoolBalance: must not be negative"},
		{"trigger step after a payment", func(d *Definition) { d.Steps[0], d.Steps[1] = d.Steps[1], d.Steps[0] },
			"steps[1]: trigger steps must come before any other step"},
		{"residual not last", func(d *Definition) { d.Steps[13], d.Steps[14] = d.Steps[14], d.Steps[13] },
			"steps[14]: no step may follow the residual step steps[13]"},
		{"class without interest step", func(d *Definition) { d.Steps[9] = InterestStep{Classes: []string{"C"}} },
			`steps[9].classes[0]: class "C" already paid interest by steps[7]`},
		{"class never paid interest", func(d *Definition) { d.Steps[9] = FeeStep{Fee: "trustee", Excess: true} },
			`steps: no interest step pays class "D"`},
		{"notesOverPool missing a senior class", func(d *Definition) {
			d.Steps[6] = PrincipalStep{Classes: []string{"A-1", "A-2", "A-3", "B"}, Amount: NotesOverPool, Allocation: SequentialAllocation}
		}, `steps[6].classes: amount "notesOverPool" measures the listed notes against the pool, so every more senior note must be listed: "A-4" (rank 4) is missing`},
		{"regular without OC target", func(d *Definition) { d.OCTarget = nil }, `steps[12].amount: amount "regular" needs ocTarget`},
		{"regular over some notes", func(d *Definition) {
			d.Steps[12] = PrincipalStep{Classes: []string{"A-1"}, Amount: RegularPrincipal, Allocation: SequentialAllocation}
		}, `steps[12].classes: amount "regular" is sized on all notes`},
		{"turbo without a turbo trigger", func(d *Definition) { d.Triggers[0].Effect = Sequential },
			`steps[13].amount: amount "turbo" needs a trigger with effect "turbo"`},
		{"unknown reserve", func(d *Definition) {
			d.Steps[3] = InterestStep{Classes: []string{"A-1", "A-2", "A-3", "A-4"}, ReserveDraw: "cash"}
		},
			`steps[3].reserveDraw: unknown reserve account "cash"`},
		{"unknown allocation", func(d *Definition) {
			d.Steps[12] = PrincipalStep{Classes: d.Steps[12].(PrincipalStep).Classes, Amount: RegularPrincipal, Allocation: "random"}
		}, `steps[12].allocation: want "sequential" or "pro-rata", got "random"`},
		{"schedule not from period 1", func(d *Definition) { d.Triggers[0].Schedule[0].FromPeriod = 2 },
			"triggers[0].schedule[0].fromPeriod: the first threshold must apply from period 1"},
		{"trigger never tested", func(d *Definition) { d.Steps = d.Steps[1:] },
			`triggers[0]: trigger "delinquency turbo" is not tested by any trigger step of steps`},
		{"event of default without acceleration steps", func(d *Definition) { d.Triggers[0].Effect = EventOfDefault; d.Steps[13] = d.Steps[12] },
			`accelerationSteps: required: a trigger has effect "eventOfDefault"`},
		{"acceleration steps that do not pay off the notes", func(d *Definition) {
			d.AccelerationSteps = []Step{
				FeeStep{Fee: "servicing"}, FeeStep{Fee: "trustee"},
				InterestStep{Classes: []string{"A-1", "A-2", "A-3", "A-4", "B", "C", "D"}},
				ResidualStep{Class: "Certificates"},
			}
		}, "accelerationSteps: after an event of default all notes are paid before the residual"},
		{"loss allocation before principal", func(d *Definition) {
			d.Steps[11] = LossAllocationStep{Classes: []string{"D", "C"}}
		}, "steps[11]: loss allocation must follow every principal and clean-up call step (steps[13])"},
		{"clean-up factor without a step", func(d *Definition) { d.CleanUpCallFactor = dec("0.1") },
			"steps: cleanUpCallFactor is set but no cleanUpCall step"},
		{"clean-up step without a factor", func(d *Definition) {
			d.Steps[13] = CleanUpCallStep{Classes: []string{"A-1"}}
			d.Triggers = nil
			d.Steps = d.Steps[1:]
		},
			"steps[12]: the deal has no clean-up call"},
		{"excess fee step first", func(d *Definition) { d.Steps[1] = FeeStep{Fee: "servicing", Excess: true} },
			`steps[1].excess: the excess step of fee "servicing" must follow its normal step`},
		{"fee neither fixed nor rate", func(d *Definition) { d.Fees[1].Fixed = 0 }, "fees[1]: want a positive fixed amount or annualRate"},
		{"absurd exponent", func(d *Definition) { d.OCTarget.Fraction = huge }, "ocTarget.fraction: at most 12 decimal places"},
		{"OC basis", func(d *Definition) { d.OCTarget.Of = "pool" }, `ocTarget.of: want "currentPool", "initialPool", "currentAdjustedPool" or "initialAdjustedPool", got "pool"`},
		{"name with a control character", func(d *Definition) { d.Fees[1].Name = "trus\ttee" }, `fees[1].name: "trus\ttee": printable characters only`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := loadDefinition(t, "auto_2025_1.json")
			c.break_(&def)
			err := def.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, c.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T does not unwrap to a *FieldError", err)
			}
			if _, runErr := Run(def, State{}, Period{}); runErr == nil {
				t.Fatal("Run accepted an invalid definition")
			}
		})
	}
}

func TestTestdataDefinitionsAreValid(t *testing.T) {
	for _, name := range []string{"auto_2025_1.json", "prorata_2025_2.json", "losses_2026_1.json"} {
		loadDefinition(t, name)
	}
	for _, def := range []Definition{miniDeal(), accelerationDeal()} {
		if err := def.Validate(); err != nil {
			t.Fatalf("%s: %v", def.Deal, err)
		}
	}
}

// TestPeriodAndStateValidation feeds bad reports and states to Run.
func TestPeriodAndStateValidation(t *testing.T) {
	good := report{period: 1, start: "2025-01-27", end: "2025-02-15", beginning: "10000000.00",
		interest: "78000.00", sched: "180000.00", prepay: "95000.00", defaults: "5000.00", recoveries: "1000.00",
		dq60: "30000.00"}.toPeriod()
	cases := []struct {
		name  string
		def   func(d *Definition)
		state func(s *State)
		per   func(p *Period)
		want  string
	}{
		{name: "period number", per: func(p *Period) { p.Period = 2 }, want: "period.period: want 1 (the state is at period 0), got 2"},
		{name: "accrual start", per: func(p *Period) { p.AccrualStart = day("2025-01-15") },
			want: "period.accrualStart: want 2025-01-27, where interest has accrued to, got 2025-01-15"},
		{name: "accrual end", per: func(p *Period) { p.AccrualEnd = day("2025-01-27") }, want: "period.accrualEnd: must be after accrualStart"},
		{name: "negative amount", per: func(p *Period) { p.Prepayments = amt("-1.00") }, want: "period.prepayments: must not be negative"},
		{name: "overflowing amount", per: func(p *Period) { p.Recoveries = MaxInputAmount + 1 }, want: "period.recoveries: 10000000000000.01 exceeds the limit"},
		{name: "pool does not roll forward", per: func(p *Period) { p.EndingPoolBalance += 1 },
			want: "period.endingPoolBalance: pool does not roll forward: beginning 10000000.00 − scheduled 180000.00 − prepayments 95000.00 − defaults 5000.00 − other adjustments 0.00 = 9720000.00, reported 9720000.01"},
		{name: "delinquencies above the pool", per: func(p *Period) { p.Delinquencies.Days90Plus = amt("9700000.00") },
			want: "period.delinquencies: delinquent balances 9730000.00 exceed the ending pool balance 9720000.00"},
		{name: "fixing as a percentage", per: func(p *Period) { p.IndexFixings = map[string]decimal.Decimal{"SOFR": dec("4.31")} },
			want: "period.indexFixings.SOFR: rate 4.31 out of range (-1, 1)"},
		{name: "clean-up without the option", per: func(p *Period) { p.CleanUpCall = true }, want: "period.cleanUpCall: the deal has no clean-up call"},
		{name: "clean-up not eligible", def: func(d *Definition) {
			d.CleanUpCallFactor = dec("0.1")
			d.Steps = append(d.Steps[:14], CleanUpCallStep{Classes: []string{"A-1", "A-2", "A-3", "A-4", "B", "C", "D"}}, d.Steps[14])
		}, per: func(p *Period) { p.CleanUpCall, p.CleanUpProceeds = true, amt("9720000.00") },
			want: "period.cleanUpCall: not eligible: pool factor 0.972 is above the clean-up call factor 0.1"},
		{name: "proceeds without a call", per: func(p *Period) { p.CleanUpProceeds = amt("1.00") },
			want: "period.cleanUpProceeds: must be zero unless cleanUpCall is exercised"},
		{name: "declared default without acceleration steps", per: func(p *Period) { p.DeclareEventOfDefault = true },
			want: "period.declareEventOfDefault: the definition has no accelerationSteps"},
		{name: "state class count", state: func(s *State) { s.Classes = s.Classes[:3] }, want: "state.classes: want 8 classes as in the definition, got 3"},
		{name: "state class order", state: func(s *State) { s.Classes[0], s.Classes[1] = s.Classes[1], s.Classes[0] },
			want: `state.classes[0].class: want "A-1" (definition order), got "A-2"`},
		{name: "state negative balance", state: func(s *State) { s.Classes[2].Balance = amt("-5.00") }, want: "state.classes[2].balance: must not be negative"},
		{name: "state balance above original", state: func(s *State) { s.Classes[2].WrittenDown = amt("5.00") },
			want: "state.classes[2].balance: balance 2400000.00 plus written down 5.00 exceeds the original balance 2400000.00"},
		{name: "state trigger bookkeeping", state: func(s *State) { s.Triggers[0].Breached = true },
			want: "state.triggers[0].breachedSince: must be the period of the breach"},
		{name: "state accelerated without steps", state: func(s *State) { s.Accelerated = true },
			want: "state.accelerated: the definition has no accelerationSteps"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := loadDefinition(t, "auto_2025_1.json")
			if c.def != nil {
				c.def(&def)
			}
			st := mustState(t, def)
			if c.state != nil {
				c.state(&st)
			}
			p := good
			if c.per != nil {
				c.per(&p)
			}
			_, err := Run(def, st, p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Run() = %v\nwant it to contain %q", err, c.want)
			}
		})
	}
	// And the unbroken inputs run.
	def := loadDefinition(t, "auto_2025_1.json")
	if _, err := Run(def, mustState(t, def), good); err != nil {
		t.Fatal(err)
	}
}

func TestDefinitionJSON(t *testing.T) {
	raw, err := os.ReadFile("testdata/auto_2025_1.json")
	if err != nil {
		t.Fatal(err)
	}
	def, err := ParseDefinition(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Marshal → parse → marshal is stable, steps keep their kind first.
	b1, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseDefinition(b1)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(again)
	if string(b1) != string(b2) {
		t.Fatalf("round trip changed the definition:\n%s\n%s", b1, b2)
	}
	if !strings.Contains(string(b1), `{"kind":"principal","classes":["A-1","A-2","A-3","A-4"],"amount":"notesOverPool","allocation":"sequential","reserveDraw":"reserve"}`) {
		t.Errorf("step encoding: %s", b1)
	}

	bad := []struct{ name, edit, want string }{
		{"misspelt field", `"classes":`, `definition: json: unknown field "clases"`},
		{"unknown step kind", `{"kind": "fee", "fee": "servicing"}`, `steps[1].kind: unknown step kind "fees"`},
		{"field of another kind", `{"kind": "fee", "fee": "trustee"}`, `steps[2] (fee): json: unknown field "classes"`},
		{"missing kind", `{"kind": "residual", "class": "Certificates"}`, "steps[14].kind: missing"},
		{"amount with three decimals", `"initialPoolBalance": "10000000.00"`, `more than two decimal places`},
	}
	replacement := map[string]string{
		"misspelt field":             `"clases":`,
		"unknown step kind":          `{"kind": "fees", "fee": "servicing"}`,
		"field of another kind":      `{"kind": "fee", "fee": "trustee", "classes": ["A-1"]}`,
		"missing kind":               `{"class": "Certificates"}`,
		"amount with three decimals": `"initialPoolBalance": "10000000.001"`,
	}
	for _, c := range bad {
		s := strings.Replace(string(raw), c.edit, replacement[c.name], 1)
		if s == string(raw) {
			t.Fatalf("%s: edit not applied", c.name)
		}
		if _, err := ParseDefinition([]byte(s)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := ParseDefinition(append(raw, []byte(` {}`)...)); err == nil {
		t.Error("trailing data accepted")
	}
	// Exponent notation that would make money.Parse rescale for minutes is
	// refused before decoding, in every input; modest exponents are fine.
	slow := strings.Replace(string(raw), `"10000000.00"`, `"1e-999999999"`, 1)
	if _, err := ParseDefinition([]byte(slow)); err == nil || !strings.Contains(err.Error(), "exponent beyond ±30") {
		t.Errorf("huge exponent: %v", err)
	}
	if _, err := ParsePeriod([]byte(`{"recoveries": 1E+99999999999999999999}`)); err == nil || !strings.Contains(err.Error(), "exponent") {
		t.Errorf("huge exponent in a period: %v", err)
	}
	if _, err := ParseState([]byte(`{"poolBalance": "5e-40"}`)); err == nil || !strings.Contains(err.Error(), "exponent") {
		t.Errorf("huge exponent in a state: %v", err)
	}
	modest := strings.Replace(string(raw), `"10000000.00"`, `"1e7"`, 1)
	if d, err := ParseDefinition([]byte(modest)); err != nil || d.InitialPoolBalance != amt("10000000.00") {
		t.Errorf("1e7: %v", err)
	}
}

func TestPeriodAndStateJSON(t *testing.T) {
	p, err := ParsePeriod([]byte(`{"period":1,"accrualStart":"2025-01-27","accrualEnd":"2025-02-15",
		"interestCollections":"78000.00","scheduledPrincipal":"180000.00","prepayments":"95000.00",
		"defaults":"5000.00","recoveries":"1000.00","endingPoolBalance":"9720000.00",
		"delinquencies":{"days30to59":"0","days60to89":"0","days90Plus":"0"},
		"indexFixings":{"SOFR":"0.0431"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.EndingPoolBalance != amt("9720000.00") || !p.IndexFixings["SOFR"].Equal(dec("0.0431")) {
		t.Fatalf("period = %+v", p)
	}
	if _, err := ParsePeriod([]byte(`{"period":1,"prepayment":"1.00"}`)); err == nil || !strings.Contains(err.Error(), `unknown field "prepayment"`) {
		t.Errorf("unknown period field: %v", err)
	}
	def := loadDefinition(t, "auto_2025_1.json")
	st := mustState(t, def)
	b, _ := json.Marshal(st)
	back, err := ParseState(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Fatalf("state round trip:\n%s\n%s", b, b2)
	}
	if _, err := ParseState([]byte(`{"period":0,"pool":"1"}`)); err == nil {
		t.Error("unknown state field accepted")
	}
}
