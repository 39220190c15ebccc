package distribution

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

func TestPaymentDate(t *testing.T) {
	d := func(y, m, dd int) loantape.Date { return loantape.Date{Year: y, Month: time.Month(m), Day: dd} }
	tests := []struct {
		end  loantape.Date
		day  int
		want string
		code errs.Code
	}{
		{end: d(2025, 1, 31), day: 15, want: "2025-02-15"},
		{end: d(2025, 12, 31), day: 20, want: "2026-01-20"},
		{end: d(2025, 2, 28), day: 28, want: "2025-03-28"},
		{end: d(2025, 2, 28), day: 29, code: errs.BadInput},
		{end: d(2025, 2, 28), day: 0, code: errs.BadInput},
		{end: loantape.Date{}, day: 15, code: errs.BadInput},
	}
	for _, tt := range tests {
		got, err := PaymentDate(tt.end, tt.day)
		if tt.code != "" {
			if errs.CodeOf(err) != tt.code {
				t.Errorf("PaymentDate(%s, %d): want %s, got %v", tt.end, tt.day, tt.code, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("PaymentDate(%s, %d) = %s, %v; want %s", tt.end, tt.day, got, err, tt.want)
		}
	}
}

func TestPeriodMapsEveryAggregate(t *testing.T) {
	a := loantape.ReportAggregates{
		Period:            loantape.Period{Number: 3},
		InterestCollected: amt("100.01"), ScheduledPrincipal: amt("200.02"), Prepayments: amt("300.03"),
		OtherCollected: amt("9.99"), ChargedOffPrincipal: amt("400.04"), Recoveries: amt("50.05"),
		RepossessionProceeds: amt("60.06"), OtherPrincipalAdjustments: amt("-1.00"), EndingBalance: amt("7000.07"),
		Delinquency: loantape.DelinquencyBuckets{
			Days31To60:  loantape.Bucket{Count: 1, Balance: amt("10.00")},
			Days61To90:  loantape.Bucket{Count: 1, Balance: amt("20.00")},
			Days91To120: loantape.Bucket{Count: 1, Balance: amt("30.00")},
			Over120:     loantape.Bucket{Count: 1, Balance: amt("40.00")},
		},
	}
	start, _ := daycount.Parse("2025-03-15")
	pay, _ := daycount.Parse("2025-04-15")
	in := PeriodInputs{Aggregates: a, PaymentDate: pay, IndexFixings: map[string]decimal.Decimal{"SOFR30A": dec("0.0431")},
		ServicerAdvances: amt("5.00"), CleanUpCall: true, CleanUpProceeds: amt("7000.07"), DeclareEventOfDefault: true}
	p, err := in.Period(start)
	if err != nil {
		t.Fatal(err)
	}
	want := waterfall.Period{
		Period: 3, AccrualStart: start, AccrualEnd: pay,
		InterestCollections: amt("100.01"), ScheduledPrincipal: amt("200.02"), Prepayments: amt("300.03"),
		Defaults: amt("400.04"), Recoveries: amt("110.11"), OtherAdjustments: amt("-1.00"), EndingPoolBalance: amt("7000.07"),
		Delinquencies:    waterfall.Delinquencies{Days30to59: amt("10.00"), Days60to89: amt("20.00"), Days90Plus: amt("70.00")},
		ServicerAdvances: amt("5.00"), CleanUpCall: true, CleanUpProceeds: amt("7000.07"), DeclareEventOfDefault: true,
	}
	gotFix := p.IndexFixings["SOFR30A"]
	p.IndexFixings, want.IndexFixings = nil, nil
	if !reflect.DeepEqual(p, want) || !gotFix.Equal(dec("0.0431")) {
		t.Fatalf("got  %+v\nwant %+v (fixing %s)", p, want, gotFix)
	}
	in.IndexFixings["SOFR30A"] = dec("0.05")
	if !gotFix.Equal(dec("0.0431")) {
		t.Fatal("Period must copy the fixings")
	}
	if _, err := (PeriodInputs{Aggregates: a}).Period(start); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("missing payment date: %v", err)
	}
	if _, err := (PeriodInputs{PaymentDate: pay}).Period(start); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("period 0: %v", err)
	}
}
