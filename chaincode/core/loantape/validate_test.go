package loantape

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// wantErr is one expected RowError, compared field by field.
type wantErr struct {
	line               int
	asset, field, rule string
}

func (w wantErr) String() string {
	return fmt.Sprintf("line %d loan %q field %q rule %s", w.line, w.asset, w.field, w.rule)
}

func gotErrs(err error) []wantErr {
	var out []wantErr
	var ve *ValidationError
	if errors.As(err, &ve) {
		for _, e := range ve.Errors {
			out = append(out, wantErr{e.Line, e.AssetNumber, e.Field, e.Rule})
		}
	} else if err != nil {
		out = append(out, wantErr{-1, "", "", "not a ValidationError: " + err.Error()})
	}
	return out
}

// csvText builds a CSV file: a header of the given element names, then
// one line per row with the values of those elements.
func csvText(header []string, rows ...map[string]string) string {
	return strings.Join(header, ",") + "\n" + csvRows(header, rows...)
}

// csvRows is csvText without the header line.
func csvRows(header []string, rows ...map[string]string) string {
	var b strings.Builder
	for _, r := range rows {
		cells := make([]string, len(header))
		for i, h := range header {
			cells[i] = r[h]
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return b.String()
}

// goodRow is a valid July 2020 report row: 1500.00 − 250.00 = 1250.00.
func goodRow(asset string, edits ...string) map[string]string {
	r := map[string]string{
		"assetNumber":                               asset,
		"reportingPeriodBeginningDate":              "07-01-2020",
		"reportingPeriodEndingDate":                 "07-31-2020",
		"remainingTermToMaturityNumber":             "40",
		"reportingPeriodBeginningLoanBalanceAmount": "1500.00",
		"nextReportingPeriodPaymentAmountDue":       "260.00",
		"reportingPeriodInterestRatePercentage":     "0.0687",
		"scheduledInterestAmount":                   "10.00",
		"scheduledPrincipalAmount":                  "250.00",
		"reportingPeriodActualEndBalanceAmount":     "1250.00",
		"reportingPeriodScheduledPaymentAmount":     "260.00",
		"totalActualAmountPaid":                     "260.00",
		"actualInterestCollectedAmount":             "10.00",
		"actualPrincipalCollectedAmount":            "250.00",
		"currentDelinquencyStatus":                  "0",
	}
	for i := 0; i+1 < len(edits); i += 2 {
		r[edits[i]] = edits[i+1]
	}
	return r
}

var july2020 = MonthlyPeriod(7, Month{2020, time.July})

type reportCase struct {
	name  string
	rows  []map[string]string
	rules ReportRules
	want  []wantErr
}

// reportCases trigger every report rule once, each on line 3 between two
// good rows unless the rule needs otherwise.
var reportCases = []reportCase{
	{name: "all good", rows: []map[string]string{goodRow("A"), goodRow("B")}},
	{name: "required text missing",
		rows: []map[string]string{goodRow("A"), goodRow("", "assetNumber", ""), goodRow("C")},
		want: []wantErr{{3, "", "assetNumber", RuleRequired}}},
	{name: "required number missing",
		rows: []map[string]string{goodRow("A"), goodRow("B", "actualPrincipalCollectedAmount", ""), goodRow("C")},
		want: []wantErr{{3, "B", "actualPrincipalCollectedAmount", RuleRequired}}},
	{name: "amount with thousands separator",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodBeginningLoanBalanceAmount", `"1,500.00"`)},
		want: []wantErr{{3, "B", "reportingPeriodBeginningLoanBalanceAmount", RuleNumber}}},
	{name: "amount with exponent",
		rows: []map[string]string{goodRow("A", "recoveredAmount", "1e999999999")},
		want: []wantErr{{2, "A", "recoveredAmount", RuleNumber}}},
	{name: "fractional month count",
		rows: []map[string]string{goodRow("A"), goodRow("B", "remainingTermToMaturityNumber", "40.5")},
		want: []wantErr{{3, "B", "remainingTermToMaturityNumber", RuleNumber}}},
	{name: "rate is not a number",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodInterestRatePercentage", "6.87%")},
		want: []wantErr{{3, "B", "reportingPeriodInterestRatePercentage", RuleNumber}}},
	{name: "impossible date",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodEndingDate", "07-32-2020")},
		want: []wantErr{{3, "B", "reportingPeriodEndingDate", RuleDate}}},
	{name: "day where a month is expected",
		rows: []map[string]string{goodRow("A"), goodRow("B", "zeroBalanceEffectiveDate", "07-31-2020")},
		want: []wantErr{{3, "B", "zeroBalanceEffectiveDate", RuleDate}}},
	{name: "negative recovery",
		rows: []map[string]string{goodRow("A"), goodRow("B", "recoveredAmount", "-1.00")},
		want: []wantErr{{3, "B", "recoveredAmount", RuleNegativeAmount}}},
	{name: "negative adjustment is allowed",
		rows: []map[string]string{goodRow("A", "otherPrincipalAdjustmentAmount", "-10.00", "reportingPeriodActualEndBalanceAmount", "1260.00")}},
	{name: "rate as a percent",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodInterestRatePercentage", "6.87")},
		want: []wantErr{{3, "B", "reportingPeriodInterestRatePercentage", RuleRateRange}}},
	{name: "negative rate",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodInterestRatePercentage", "-0.01")},
		want: []wantErr{{3, "B", "reportingPeriodInterestRatePercentage", RuleRateRange}}},
	{name: "zero rate is fine (subvented loans)",
		rows: []map[string]string{goodRow("A", "reportingPeriodInterestRatePercentage", "0")}},
	{name: "term and days out of range",
		rows: []map[string]string{goodRow("A"), goodRow("B", "remainingTermToMaturityNumber", "400", "currentDelinquencyStatus", "-3")},
		want: []wantErr{{3, "B", "remainingTermToMaturityNumber", RuleRange}, {3, "B", "currentDelinquencyStatus", RuleRange}}},
	{name: "period ends before it begins",
		rows:  []map[string]string{goodRow("A", "reportingPeriodBeginningDate", "08-01-2020")},
		rules: ReportRules{Period: july2020},
		want:  []wantErr{{2, "A", "reportingPeriodBeginningDate", RulePeriodOrder}, {2, "A", "reportingPeriodBeginningDate", RulePeriodMismatch}}},
	{name: "row of another month than the first row",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodBeginningDate", "08-01-2020", "reportingPeriodEndingDate", "08-31-2020")},
		want: []wantErr{{3, "B", "reportingPeriodBeginningDate", RulePeriodMismatch}}},
	{name: "row of another month than the report",
		rows:  []map[string]string{goodRow("A", "reportingPeriodEndingDate", "07-30-2020")},
		rules: ReportRules{Period: july2020},
		want:  []wantErr{{2, "A", "reportingPeriodEndingDate", RulePeriodMismatch}}},
	{name: "ending balance does not roll forward",
		rows: []map[string]string{goodRow("A"), goodRow("B", "reportingPeriodActualEndBalanceAmount", "1200.00")},
		want: []wantErr{{3, "B", "reportingPeriodActualEndBalanceAmount", RuleBalanceRollforward}}},
	{name: "eight-decimal amounts roll forward after rounding each to the cent",
		rows: []map[string]string{goodRow("A",
			"reportingPeriodBeginningLoanBalanceAmount", "1500.00499999",
			"actualPrincipalCollectedAmount", "249.99500000",
			"reportingPeriodActualEndBalanceAmount", "1250.00")}},
	{name: "payment does not split into its parts",
		rows: []map[string]string{goodRow("A"), goodRow("B", "totalActualAmountPaid", "259.99")},
		want: []wantErr{{3, "B", "totalActualAmountPaid", RulePaymentSplit}}},
	{name: "payoff without zero balance code",
		rows: []map[string]string{goodRow("A"), goodRow("B", "actualPrincipalCollectedAmount", "1500.00", "totalActualAmountPaid", "1510.00",
			"reportingPeriodActualEndBalanceAmount", "0")},
		want: []wantErr{{3, "B", "zeroBalanceCode", RuleZeroBalanceCode}}},
	{name: "payoff with code and an unknown code kept as data",
		rows: []map[string]string{
			goodRow("A", "actualPrincipalCollectedAmount", "1500.00", "totalActualAmountPaid", "1510.00",
				"reportingPeriodActualEndBalanceAmount", "0", "zeroBalanceCode", "1", "zeroBalanceEffectiveDate", "07/2020"),
			goodRow("B", "actualPrincipalCollectedAmount", "1500.00", "totalActualAmountPaid", "1510.00",
				"reportingPeriodActualEndBalanceAmount", "0", "zeroBalanceCode", "97")}},
	{name: "zero balance code on a live loan",
		rows: []map[string]string{goodRow("A"), goodRow("B", "zeroBalanceCode", "1")},
		want: []wantErr{{3, "B", "zeroBalanceCode", RuleCodeWithBalance}}},
	{name: "partial charge-off without code",
		rows: []map[string]string{goodRow("A"), goodRow("B", "chargedoffPrincipalAmount", "100.00", "reportingPeriodActualEndBalanceAmount", "1150.00")},
		want: []wantErr{{3, "B", "chargedoffPrincipalAmount", RuleChargeoffCode}}},
	{name: "full charge-off",
		rows: []map[string]string{goodRow("A", "chargedoffPrincipalAmount", "1250.00", "reportingPeriodActualEndBalanceAmount", "0",
			"zeroBalanceCode", "4", "currentDelinquencyStatus", "121")}},
	{name: "duplicate asset",
		rows: []map[string]string{goodRow("A"), goodRow("B"), goodRow("A")},
		want: []wantErr{{4, "A", "assetNumber", RuleDuplicateAsset}}},
	{name: "unknown asset and broken continuity",
		rows: []map[string]string{goodRow("A"), goodRow("GHOST"), goodRow("C")},
		rules: ReportRules{Lookup: func(a string) (PriorLoan, bool) {
			switch a {
			case "A":
				return PriorLoan{EndBalance: money.Cents(150000)}, true
			case "C":
				return PriorLoan{EndBalance: money.Cents(150001)}, true
			}
			return PriorLoan{}, false
		}},
		want: []wantErr{{3, "GHOST", "assetNumber", RuleUnknownAsset}, {4, "C", "reportingPeriodBeginningLoanBalanceAmount", RuleBalanceContinuity}}},
	{name: "sum overflows",
		rows: []map[string]string{
			goodRow("A", "reportingPeriodBeginningLoanBalanceAmount", "40000000000000250.00", "reportingPeriodActualEndBalanceAmount", "40000000000000000.00"),
			goodRow("B", "reportingPeriodBeginningLoanBalanceAmount", "40000000000000250.00", "reportingPeriodActualEndBalanceAmount", "40000000000000000.00")},
		want: []wantErr{{3, "B", "", RuleOverflow}}},
	{name: "skipped rules are not enforced",
		rows:  []map[string]string{goodRow("A", "totalActualAmountPaid", "0", "reportingPeriodInterestRatePercentage", "6.87")},
		rules: ReportRules{Skip: []string{RulePaymentSplit, RuleRateRange}}},
}

func TestReportRules(t *testing.T) {
	header := periodFields.names()
	header = append(header, "assetTypeNumber") // an unknown column, ignored
	for _, tc := range reportCases {
		t.Run(tc.name, func(t *testing.T) {
			src := NewCSVReader[PeriodRow](strings.NewReader(csvText(header, tc.rows...)))
			agg, err := ValidateReport(src, tc.rules)
			if got := gotErrs(err); !slices.Equal(got, tc.want) {
				t.Fatalf("errors:\n got %v\nwant %v\n%v", got, tc.want, err)
			}
			if tc.want == nil && agg.LoanCount != len(tc.rows) {
				t.Errorf("aggregated %d rows, want %d", agg.LoanCount, len(tc.rows))
			}
		})
	}
}

func TestRowErrorText(t *testing.T) {
	rows := []map[string]string{}
	for i := 2; i < 17; i++ {
		rows = append(rows, goodRow(fmt.Sprint(100000+i)))
	}
	rows = append(rows, goodRow("100234", "reportingPeriodActualEndBalanceAmount", "1200.00"))
	_, err := ValidateReport(NewCSVReader[PeriodRow](strings.NewReader(csvText(periodFields.names(), rows...))), ReportRules{})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	want := "line 17 (loan 100234): reportingPeriodActualEndBalanceAmount 1200.00 != beginning 1500.00 − principal 250.00 − charged-off 0.00 − adjustments 0.00 (rule balance-rollforward)"
	if got := ve.Errors[0].Error(); got != want {
		t.Errorf("error text\n got %s\nwant %s", got, want)
	}
	if !strings.HasPrefix(err.Error(), "1 error\nline 17 (loan 100234)") {
		t.Errorf("ValidationError text: %s", err)
	}
	var re *RowError
	if !errors.As(err, &re) || re.Rule != RuleBalanceRollforward {
		t.Errorf("errors.As through ValidationError: %v", re)
	}
}

func TestErrorLimitStopsChecking(t *testing.T) {
	var rows []map[string]string
	for i := range 1000 {
		rows = append(rows, goodRow(fmt.Sprint(i), "totalActualAmountPaid", "1.00"))
	}
	text := csvText(periodFields.names(), rows...)
	for _, tc := range []struct{ max, want int }{{0, DefaultMaxErrors}, {5, 5}, {1000, 1000}} {
		src := NewCSVReader[PeriodRow](strings.NewReader(text))
		_, err := ValidateReport(src, ReportRules{MaxErrors: tc.max})
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Errors) != tc.want || !ve.Limited {
			t.Fatalf("MaxErrors %d: got %d errors, limited %v; want %d", tc.max, len(ve.Errors), ve.Limited, tc.want)
		}
		if last := ve.Errors[len(ve.Errors)-1].Line; last != tc.want+1 {
			t.Errorf("MaxErrors %d: last error on line %d, want %d", tc.max, last, tc.want+1)
		}
		// The reader was not drained: checking stopped at the limit.
		if tc.want < 1000 && src.Line() != tc.want+1 {
			t.Errorf("MaxErrors %d: reader at line %d after stopping", tc.max, src.Line())
		}
	}
}

func TestValidatorRefusesBadSkip(t *testing.T) {
	for _, skip := range [][]string{{"no-such-rule"}, {RuleBalanceRollforward}, {RuleDuplicateAsset}} {
		if _, err := NewReportValidator(ReportRules{Skip: skip}); err == nil {
			t.Errorf("Skip %v accepted", skip)
		}
	}
	for _, p := range []Period{{Ending: july2020.Ending}, {Beginning: july2020.Ending, Ending: july2020.Beginning}} {
		if _, err := NewReportValidator(ReportRules{Period: p}); err == nil {
			t.Errorf("period %+v accepted", p)
		}
	}
	if _, err := NewTapeValidator(TapeRules{MaxErrors: -1}); err == nil {
		t.Error("negative MaxErrors accepted")
	}
}

func TestValidatorStopsOnFatalAndReadErrors(t *testing.T) {
	v, _ := NewReportValidator(ReportRules{})
	if !v.Reject(&RowError{Line: 3, Rule: RuleCSVSyntax, Msg: "x"}) {
		t.Error("a row error must not stop checking")
	}
	boom := errors.New("disk on fire")
	if v.Reject(boom) || !v.Stopped() {
		t.Error("a read error must stop checking")
	}
	if v.Check(9, PeriodRow{}) {
		t.Error("Check after stop must refuse")
	}
	if err := v.Err(); !errors.Is(err, boom) {
		t.Errorf("Err() = %v, want it to wrap the read error", err)
	}

	_, err := ValidateReport(NewCSVReader[PeriodRow](io.MultiReader(strings.NewReader(csvText(periodFields.names(), goodRow("A"))), failingReader{boom})), ReportRules{})
	if got := gotErrs(err); len(got) != 1 || got[0].rule != RuleRead || !errors.Is(err, boom) {
		t.Errorf("ValidateReport over a failing reader: %v", err)
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// goodLoan is a valid tape row.
func goodLoan(asset string, edits ...string) map[string]string {
	r := map[string]string{
		"assetNumber":                           asset,
		"reportingPeriodEndingDate":             "06-30-2020",
		"originatorName":                        "WORLD OMNI FINANCIAL CORP",
		"originationDate":                       "08/2019",
		"originalLoanAmount":                    "29019.59",
		"originalLoanTerm":                      "76",
		"loanMaturityDate":                      "11/2025",
		"originalInterestRatePercentage":        "0.0687",
		"vehicleManufacturerName":               "CHEVROLET",
		"vehicleModelName":                      "COLORADO",
		"vehicleNewUsedCode":                    "2",
		"vehicleModelYear":                      "2017",
		"vehicleValueAmount":                    "29295",
		"obligorCreditScore":                    "735",
		"obligorGeographicLocation":             "VT",
		"remainingTermToMaturityNumber":         "65",
		"reportingPeriodInterestRatePercentage": "0.0687",
		"reportingPeriodActualEndBalanceAmount": "25878.59",
		"currentDelinquencyStatus":              "0",
	}
	for i := 0; i+1 < len(edits); i += 2 {
		r[edits[i]] = edits[i+1]
	}
	return r
}

type tapeCase struct {
	name  string
	rows  []map[string]string
	rules TapeRules
	want  []wantErr
}

var tapeCases = []tapeCase{
	{name: "all good", rows: []map[string]string{goodLoan("A"), goodLoan("B", "obligorCreditScore", "")}},
	{name: "missing state",
		rows: []map[string]string{goodLoan("A"), goodLoan("B", "obligorGeographicLocation", "")},
		want: []wantErr{{3, "B", "obligorGeographicLocation", RuleRequired}}},
	{name: "bad origination month",
		rows: []map[string]string{goodLoan("A", "originationDate", "2019-8")},
		want: []wantErr{{2, "A", "originationDate", RuleDate}}},
	{name: "negative vehicle value",
		rows: []map[string]string{goodLoan("A", "vehicleValueAmount", "-1")},
		want: []wantErr{{2, "A", "vehicleValueAmount", RuleNegativeAmount}}},
	{name: "zero cut-off balance",
		rows: []map[string]string{goodLoan("A", "reportingPeriodActualEndBalanceAmount", "0.00")},
		want: []wantErr{{2, "A", "reportingPeriodActualEndBalanceAmount", RuleCutoffBalance}}},
	{name: "original rate as percent",
		rows: []map[string]string{goodLoan("A", "originalInterestRatePercentage", "6.87")},
		want: []wantErr{{2, "A", "originalInterestRatePercentage", RuleRateRange}}},
	{name: "score and term out of range",
		rows: []map[string]string{goodLoan("A", "obligorCreditScore", "200", "originalLoanTerm", "0", "remainingTermToMaturityNumber", "0")},
		want: []wantErr{{2, "A", "originalLoanTerm", RuleRange}, {2, "A", "obligorCreditScore", RuleRange}}},
	{name: "balance above original amount",
		rows: []map[string]string{goodLoan("A", "reportingPeriodActualEndBalanceAmount", "29019.60")},
		want: []wantErr{{2, "A", "reportingPeriodActualEndBalanceAmount", RuleBalanceOverOrig}}},
	{name: "remaining term above original",
		rows: []map[string]string{goodLoan("A", "remainingTermToMaturityNumber", "77")},
		want: []wantErr{{2, "A", "remainingTermToMaturityNumber", RuleTermOverOrig}}},
	{name: "maturity before origination",
		rows: []map[string]string{goodLoan("A", "loanMaturityDate", "07/2019")},
		want: []wantErr{{2, "A", "loanMaturityDate", RuleDateOrder}}},
	{name: "two cut-off dates",
		rows: []map[string]string{goodLoan("A"), goodLoan("B", "reportingPeriodEndingDate", "07-31-2020")},
		want: []wantErr{{3, "B", "reportingPeriodEndingDate", RulePeriodMismatch}}},
	{name: "cut-off date other than declared",
		rows:  []map[string]string{goodLoan("A")},
		rules: TapeRules{Cutoff: Date{2020, time.May, 31}},
		want:  []wantErr{{2, "A", "reportingPeriodEndingDate", RulePeriodMismatch}}},
	{name: "duplicate loan",
		rows: []map[string]string{goodLoan("A"), goodLoan("A")},
		want: []wantErr{{3, "A", "assetNumber", RuleDuplicateAsset}}},
	{name: "skip balance-exceeds-original",
		rows:  []map[string]string{goodLoan("A", "reportingPeriodActualEndBalanceAmount", "30000")},
		rules: TapeRules{Skip: []string{RuleBalanceOverOrig}}},
}

func TestTapeRules(t *testing.T) {
	for _, tc := range tapeCases {
		t.Run(tc.name, func(t *testing.T) {
			src := NewCSVReader[Loan](strings.NewReader(csvText(loanFields.names(), tc.rows...)))
			agg, err := ValidateTape(src, tc.rules)
			if got := gotErrs(err); !slices.Equal(got, tc.want) {
				t.Fatalf("errors:\n got %v\nwant %v\n%v", got, tc.want, err)
			}
			if tc.want == nil && agg.LoanCount != len(tc.rows) {
				t.Errorf("aggregated %d loans, want %d", agg.LoanCount, len(tc.rows))
			}
		})
	}
}

// Every rule the package documents is triggered by some test case here or
// in the reader tests, so no rule is dead or untested.
func TestEveryRuleIsTested(t *testing.T) {
	tested := map[string]bool{RuleTotals: true} // TestReconcile
	for _, c := range reportCases {
		for _, w := range c.want {
			tested[w.rule] = true
		}
	}
	for _, c := range tapeCases {
		for _, w := range c.want {
			tested[w.rule] = true
		}
	}
	for _, c := range csvFileCases {
		tested[c.want.rule] = true
	}
	for _, c := range xmlFileCases {
		tested[c.want.rule] = true
	}
	tested[RuleRead] = true // TestValidatorStopsOnFatalAndReadErrors
	for _, r := range Rules() {
		if !tested[r.Name] {
			t.Errorf("rule %s is never triggered by a test case", r.Name)
		}
		if r.Fatal && r.Skippable {
			t.Errorf("rule %s is both fatal and skippable", r.Name)
		}
	}
}

// Rows already in memory (a chunk the chaincode received) validate with
// their file lines.
func TestSliceSourceKeepsFileLines(t *testing.T) {
	var rows []PeriodRow
	for _, r := range []map[string]string{goodRow("A"), goodRow("B"), goodRow("C", "totalActualAmountPaid", "0")} {
		rec, err := NewCSVReader[PeriodRow](strings.NewReader(csvText(reportHeader, r))).Read()
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rec)
	}
	agg, err := ValidateReport(NewSliceSource(rows, 501), ReportRules{})
	if got := gotErrs(err); !slices.Equal(got, []wantErr{{503, "C", "totalActualAmountPaid", RulePaymentSplit}}) || agg.LoanCount != 2 {
		t.Errorf("got %v, %d rows", got, agg.LoanCount)
	}
	src := NewSliceSource(rows[:1], 7)
	if _, err := src.Read(); err != nil || src.Line() != 7 {
		t.Errorf("first record: line %d, %v", src.Line(), err)
	}
	if _, err := src.Read(); err != io.EOF {
		t.Errorf("then %v, want io.EOF", err)
	}
}
