package lease

import (
	"errors"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// goodL1 is lease L1 of the cut-off tape, as a header and one row.
func goodL1(t *testing.T) (header, row []string) {
	t.Helper()
	return Columns(), strings.Split("L1,LS-0091,IA,Prairie Leasing,AG,N,38000.00,5000.00,36,M,1000.00,02/2026,01/2029,0.06,,2026-03-31,34,,,,,,,,,35415.66", ",")
}

func set(header, row []string, field, value string) []string {
	out := append([]string(nil), row...)
	for i, h := range header {
		if h == field {
			out[i] = value
			return out
		}
	}
	panic("no column " + field)
}

// Each broken rule is reported on its row with the field and the stable
// rule code, and the other rows still pass.
func TestTapeRowErrors(t *testing.T) {
	header, row := goodL1(t)
	cases := []struct {
		field, value string
		wantField    string
		wantRule     string
	}{
		{"originalEquipmentCost", "12k", "originalEquipmentCost", loantape.RuleNumber},
		{"bookedResidualValue", "-1.00", "bookedResidualValue", loantape.RuleNegativeAmount},
		{"firstPaymentDate", "13/2026", "firstPaymentDate", loantape.RuleDate},
		{"lesseeId", "", "lesseeId", loantape.RuleRequired},
		{"equipmentType", "BOAT", "equipmentType", RuleEquipmentType},
		{"equipmentCondition", "X", "equipmentCondition", RuleEquipmentCond},
		{"paymentFrequency", "W", "originalLeaseTerm", RuleTermSchedule},
		{"originalLeaseTerm", "180", "originalLeaseTerm", RuleTermSchedule},
		{"leaseMaturityDate", "02/2029", "leaseMaturityDate", RuleTermMaturity},
		{"bookedResidualValue", "40000.00", "bookedResidualValue", RuleResidualOverCost},
		{"remainingTerm", "33", "remainingTerm", RuleRemainingTerm},
		{"discountedBalance", "35415.65", "discountedBalance", RuleDiscountedBalance},
		{"discountRate", "0.065", "discountRate", RuleDiscountRate},
		{"discountRate", "0.060000001", "discountRate", RuleDiscountRate},
		{"leaseEndCode", "M", "leaseEndCode", RuleEndCode},
		{"pastDueAmount", "1000.00", "pastDueAmount", RulePastDue},
		{"lesseeState", "Iowa", "lesseeState", loantape.RuleRange},
		{"reportingPeriodEndingDate", "2026-03-30", "reportingPeriodEndingDate", loantape.RulePeriodMismatch},
	}
	rate := dec("0.06")
	for _, c := range cases {
		t.Run(c.field+"="+c.value, func(t *testing.T) {
			bad := set(header, row, c.field, c.value)
			good2 := set(header, set(header, row, "assetNumber", "L1B"), "lesseeId", "LS-9")
			text := strings.Join(header, ",") + "\n" + strings.Join(bad, ",") + "\n" + strings.Join(good2, ",") + "\n"
			agg, err := ValidateTape(NewReader(strings.NewReader(text)),
				TapeRules{Cutoff: loantape.Date{Year: 2026, Month: 3, Day: 31}, DiscountRate: &rate})
			var ve *loantape.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error, got %v", err)
			}
			e := ve.Errors[0]
			if e.Line != 2 || e.AssetNumber != "L1" || e.Field != c.wantField || e.Rule != c.wantRule || e.Msg == "" {
				t.Fatalf("got %+v, want line 2, L1, %s, %s", e, c.wantField, c.wantRule)
			}
			if agg.LoanCount != 1 || agg.Balance != amt("35415.66") {
				t.Errorf("the good row: %d leases, %s", agg.LoanCount, agg.Balance)
			}
		})
	}
}

// File-level problems are fatal and named.
func TestHeaderErrors(t *testing.T) {
	header, _ := goodL1(t)
	for _, c := range []struct {
		text, rule string
	}{
		{"", loantape.RuleHeader},
		{strings.Join(header[1:], ",") + "\n", loantape.RuleMissingColumn},
		{strings.Join(append(header, "AssetNumber"), ",") + "\n", loantape.RuleDuplicateColumn},
	} {
		_, err := NewReader(strings.NewReader(c.text)).Read()
		var re *loantape.RowError
		if !errors.As(err, &re) || re.Rule != c.rule || !re.Fatal() {
			t.Errorf("%q: got %v, want fatal %s", c.text, err, c.rule)
		}
	}
}

// Report rows: end codes and their amounts, and continuity of the
// discounted balance with the ledger.
func TestReportRowErrors(t *testing.T) {
	header := Columns()
	base := strings.Split("L4,LS-0091,IA,Prairie Leasing,TRK,U,8000.00,3000.00,12,M,500.00,05/2025,04/2026,0.06,2026-04-01,2026-04-30,0,3482.59,500.00,,,M,,2400.00,,0.00", ",")
	cases := []struct {
		field, value, wantField, wantRule string
	}{
		{"leaseEndCode", "X", "leaseEndCode", RuleEndCode},
		{"recoveryAmount", "10.00", "recoveryAmount", RuleEndAmounts},
		{"beginningDiscountedBalance", "3482.60", "reportingPeriodBeginningLoanBalanceAmount", loantape.RuleBalanceContinuity},
		{"discountedBalance", "1.00", "discountedBalance", RuleDiscountedBalance},
	}
	for _, c := range cases {
		text := strings.Join(header, ",") + "\n" + strings.Join(set(header, base, c.field, c.value), ",") + "\n"
		_, _, err := ValidateReport(NewReader(strings.NewReader(text)), ReportRules{
			Lookup: func(string) (loantape.PriorLoan, bool) { return loantape.PriorLoan{EndBalance: amt("3482.59")}, true }})
		var ve *loantape.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != c.wantField || ve.Errors[0].Rule != c.wantRule {
			t.Errorf("%s=%s: got %v, want %s %s", c.field, c.value, err, c.wantField, c.wantRule)
		}
	}
}
