package mortgage

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// wantErrors asserts the exact list of (line, loan, field, rule).
func wantErrors(t *testing.T, err error, want ...loantape.RowError) {
	t.Helper()
	var ve *loantape.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	if len(ve.Errors) != len(want) {
		t.Fatalf("want %d errors, got %d:\n%v", len(want), len(ve.Errors), err)
	}
	for i, w := range want {
		g := ve.Errors[i]
		if g.Line != w.Line || g.AssetNumber != w.AssetNumber || g.Field != w.Field || g.Rule != w.Rule {
			t.Errorf("error %d: got line %d loan %s field %s rule %s (%s), want line %d loan %s field %s rule %s",
				i, g.Line, g.AssetNumber, g.Field, g.Rule, g.Msg, w.Line, w.AssetNumber, w.Field, w.Rule)
		}
	}
}

func re(line int, loan, field, rule string) loantape.RowError {
	return loantape.RowError{Line: line, AssetNumber: loan, Field: field, Rule: rule}
}

// editCSV replaces the cell of column col on data row n (1-based) of a
// testdata CSV file.
func editCSV(t *testing.T, name string, edits map[[2]string]string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	for k, v := range edits {
		row, col := k[0], k[1]
		ci := -1
		for i, h := range header {
			if h == col {
				ci = i
			}
		}
		for li := 1; li < len(lines); li++ {
			cells := strings.Split(lines[li], ",")
			if cells[0] == row {
				cells[ci] = v
				lines[li] = strings.Join(cells, ",")
			}
		}
	}
	return strings.Join(lines, "\n")
}

// Each servicer check names the line, the loan, the field and the rule;
// the good rows of the file are still summed.
func TestReportRowErrors(t *testing.T) {
	cases := []struct {
		name  string
		edits map[[2]string]string
		want  []loantape.RowError
	}{
		{"curtailment missing from the roll-forward", map[[2]string]string{{"M1", "curtailmentAmount"}: ""},
			[]loantape.RowError{re(2, "M1", "reportingPeriodActualEndBalanceAmount", loantape.RuleBalanceRollforward)}},
		{"payoff that leaves a balance", map[[2]string]string{{"M2", "payoffAmount"}: "239000.00", {"M2", "reportingPeriodActualEndBalanceAmount"}: "650.00", {"M2", "zeroBalanceCode"}: ""},
			[]loantape.RowError{re(3, "M2", "payoffAmount", RulePayoffWithBal)}},
		{"zero balance without a code", map[[2]string]string{{"M2", "zeroBalanceCode"}: ""},
			[]loantape.RowError{re(3, "M2", "zeroBalanceCode", loantape.RuleZeroBalanceCode)}},
		{"code with a balance", map[[2]string]string{{"M3", "zeroBalanceCode"}: "01"},
			[]loantape.RowError{re(4, "M3", "zeroBalanceCode", loantape.RuleCodeWithBalance)}},
		{"unknown code", map[[2]string]string{{"M2", "zeroBalanceCode"}: "07"},
			[]loantape.RowError{re(3, "M2", "zeroBalanceCode", RuleUnknownZBCode)}},
		{"loss that does not add up", map[[2]string]string{{"M4", "realizedLossAmount"}: "40000.00"},
			[]loantape.RowError{re(5, "M4", "realizedLossAmount", RuleLossIdentity)}},
		{"removed UPB on a payoff", map[[2]string]string{{"M2", "zeroBalanceRemovalUPB"}: "1.00", {"M2", "payoffAmount"}: "239649.00"},
			[]loantape.RowError{re(3, "M2", "zeroBalanceRemovalUPB", RuleLossIdentity)}},
		{"delinquency jumps two months", map[[2]string]string{{"M3", "currentDelinquencyStatus"}: "60"},
			[]loantape.RowError{re(4, "M3", "currentDelinquencyStatus", RuleDelinquency)}},
		{"beginning balance is not the tape's", map[[2]string]string{{"M3", "reportingPeriodBeginningLoanBalanceAmount"}: "175100.00", {"M3", "reportingPeriodActualEndBalanceAmount"}: "174850.00"},
			[]loantape.RowError{re(4, "M3", "reportingPeriodBeginningLoanBalanceAmount", loantape.RuleBalanceContinuity)}},
		{"CLTV below LTV and a bad occupancy", map[[2]string]string{{"M1", "originalCLTV"}: "0.70", {"M3", "occupancyStatus"}: "X"},
			[]loantape.RowError{re(2, "M1", "originalCLTV", RuleLTV), re(4, "M3", "occupancyStatus", RuleOccupancy)}},
		{"rate as a percent", map[[2]string]string{{"M1", "reportingPeriodInterestRatePercentage"}: "4.75"},
			[]loantape.RowError{re(2, "M1", "reportingPeriodInterestRatePercentage", loantape.RuleRateRange)}},
		{"not a number", map[[2]string]string{{"M3", "curtailmentAmount"}: "1e3"},
			[]loantape.RowError{re(4, "M3", "curtailmentAmount", loantape.RuleNumber)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := NewALReader(strings.NewReader(editCSV(t, "report_2026_04.csv", c.edits)))
			agg, err := ValidateReport(src, ReportRules{Lookup: tapeLookup(t)})
			wantErrors(t, err, c.want...)
			if agg.LoanCount != 4-len(c.want) {
				t.Errorf("good rows summed: %d, want %d", agg.LoanCount, 4-len(c.want))
			}
		})
	}
}

func TestTapeRowErrors(t *testing.T) {
	src := NewALReader(strings.NewReader(editCSV(t, "tape_2026_03.csv", map[[2]string]string{
		{"M2", "reportingPeriodActualEndBalanceAmount"}: "260000.00", // above the original 250,000
		{"M3", "originalLoanTerm"}:                      "600",
		{"M4", "reportingPeriodEndingDate"}:             "02-28-2026",
	})))
	_, err := ValidateTape(src, TapeRules{Cutoff: loantape.Date{Year: 2026, Month: 3, Day: 31}})
	wantErrors(t, err,
		re(3, "M2", "reportingPeriodActualEndBalanceAmount", loantape.RuleBalanceOverOrig),
		re(4, "M3", "originalLoanTerm", loantape.RuleRange),
		re(5, "M4", "reportingPeriodEndingDate", loantape.RulePeriodMismatch))
}

func TestALFileLevelErrors(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		rule string
	}{
		"empty":          {"", loantape.RuleHeader},
		"missing column": {"assetNumber,originationDate\nM1,03/2022\n", loantape.RuleMissingColumn},
		"repeated":       {"assetNumber,ASSETNUMBER\n", loantape.RuleDuplicateColumn},
	} {
		_, err := ValidateTape(NewALReader(strings.NewReader(c.text)), TapeRules{})
		var ve *loantape.ValidationError
		if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Rule != c.rule || !ve.Errors[0].Fatal() {
			t.Errorf("%s: want one fatal %s error, got %v", name, c.rule, err)
		}
	}
}

// gseEdit rewrites cell pos (1-based) of line n (1-based) of a pipe file.
func gseEdit(t *testing.T, name string, edits map[[2]int]string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	for k, v := range edits {
		cells := strings.Split(lines[k[0]-1], "|")
		cells[k[1]-1] = v
		lines[k[0]-1] = strings.Join(cells, "|")
	}
	return strings.Join(lines, "\n")
}

func TestPerformanceRowErrors(t *testing.T) {
	cases := []struct {
		name  string
		edits map[[2]int]string
		want  []loantape.RowError
	}{
		{"two months behind at once", map[[2]int]string{{7, 4}: "3"},
			[]loantape.RowError{re(7, "F22Q30000003", "currentLoanDelinquencyStatus", RuleDelinquency)}},
		{"REO straight from current", map[[2]int]string{{6, 4}: "0", {7, 4}: "0", {8, 4}: "1", {9, 4}: "RA"},
			[]loantape.RowError{re(9, "F22Q30000003", "currentLoanDelinquencyStatus", RuleDelinquency)}},
		{"a month skipped", map[[2]int]string{{3, 2}: "202304", {4, 2}: "202305"},
			[]loantape.RowError{re(3, "F22Q10000001", "monthlyReportingPeriod", RuleMonthSequence)}},
		{"UPB up without a modification", map[[2]int]string{{2, 3}: "296200.00"},
			[]loantape.RowError{re(2, "F22Q10000001", "currentActualUPB", RuleUPBIncrease)}},
		{"zero-balance code with a balance", map[[2]int]string{{4, 3}: "100.00"},
			[]loantape.RowError{re(4, "F22Q10000001", "zeroBalanceCode", loantape.RuleCodeWithBalance)}},
		{"loss components do not add up", map[[2]int]string{{10, 22}: "-45000.00"},
			[]loantape.RowError{re(10, "F22Q30000003", "actualLossCalculation", RuleLossIdentity)}},
		{"status not a code", map[[2]int]string{{5, 4}: "R"},
			[]loantape.RowError{re(5, "F22Q30000003", "currentLoanDelinquencyStatus", RuleDelinquencyCode)}},
		{"short row", map[[2]int]string{{2, 30}: "9\n"},
			[]loantape.RowError{re(3, "", "", loantape.RuleFieldCount)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidatePerformance(NewPerformanceReader(strings.NewReader(gseEdit(t, "performance.txt", c.edits))), 0)
			wantErrors(t, err, c.want...)
		})
	}
	// A row after the zero-balance row.
	b, _ := os.ReadFile("testdata/performance.txt")
	extra := string(b) + "F22Q10000001|202305|0.00|0|14|346|||||4.875|0||||||||||||||||||||\n"
	wantErrors(t, ValidatePerformance(NewPerformanceReader(strings.NewReader(extra)), 0),
		re(11, "F22Q10000001", "monthlyReportingPeriod", RuleAfterZeroBal))
}

func TestOriginationRowErrors(t *testing.T) {
	text := gseEdit(t, "origination.txt", map[[2]int]string{
		{1, 4}:  "205203",       // maturity one month late
		{2, 9}:  "85",           // CLTV below LTV 90
		{3, 13}: "0.0625",       // fine as a number: 0.0625% is a plausible typo but in range
		{3, 1}:  "200",          // score
		{3, 20}: "F22Q10000001", // duplicate
	})
	wantErrors(t, ValidateOriginations(NewOriginationReader(strings.NewReader(text)), 0),
		re(1, "F22Q10000001", "maturityDate", RuleTermMaturity),
		re(2, "F22Q20000002", "originalCLTV", RuleLTV),
		re(3, "F22Q10000001", "loanSequenceNumber", loantape.RuleDuplicateAsset),
		re(3, "F22Q10000001", "creditScore", loantape.RuleRange))
}
