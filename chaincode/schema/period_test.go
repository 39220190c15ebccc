package schema

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// A December 2025 collection period paid on the 15th: paid 15 January
// 2026, with the header's advances and clean-up call carried over and the
// fixings keyed by index.
func TestPeriodInputsFromRecords(t *testing.T) {
	var rep Report
	rep.Header.Aggregates.Period = loantape.MonthlyPeriod(1, loantape.Month{Year: 2025, Month: time.December})
	rep.Header.ServicerAdvances = money.Amount(12_345)
	rep.Header.CleanUpCall = true
	rep.Header.CleanUpProceeds = money.Amount(99_00)
	fixings := []Fixing{{Index: "SOFR", Rate: decimal.RequireFromString("0.0431")}, {Index: "EURIBOR", Rate: decimal.RequireFromString("0.0275")}}

	in, err := PeriodInputs(&waterfall.Definition{}, rep, Waterfall{PaymentDay: 15}, fixings, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := daycount.NewDate(2026, time.January, 15); in.PaymentDate != want {
		t.Errorf("payment date %v, want %v", in.PaymentDate, want)
	}
	if in.ServicerAdvances != 12_345 || !in.CleanUpCall || in.CleanUpProceeds != 99_00 || !in.DeclareEventOfDefault {
		t.Errorf("header not carried over: %+v", in)
	}
	if len(in.IndexFixings) != 2 || !in.IndexFixings["SOFR"].Equal(decimal.RequireFromString("0.0431")) ||
		!in.IndexFixings["EURIBOR"].Equal(decimal.RequireFromString("0.0275")) {
		t.Errorf("fixings %v", in.IndexFixings)
	}

	none, err := PeriodInputs(&waterfall.Definition{}, rep, Waterfall{PaymentDay: 15}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if none.IndexFixings != nil || none.DeclareEventOfDefault {
		t.Errorf("no fixings must leave IndexFixings nil (it is hashed): %+v", none)
	}
}

func TestPeriodInputsRefusesAPaymentDayOutsideTheMonth(t *testing.T) {
	var rep Report
	rep.Header.Aggregates.Period = loantape.MonthlyPeriod(1, loantape.Month{Year: 2025, Month: time.December})
	if _, err := PeriodInputs(&waterfall.Definition{}, rep, Waterfall{PaymentDay: 29}, nil, false); err == nil {
		t.Fatal("payment day 29 accepted")
	}
}
