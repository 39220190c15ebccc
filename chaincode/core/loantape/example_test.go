package loantape_test

import (
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// A servicer report with two mistakes: the validator names the line, the
// loan, the element and the rule of each.
func ExampleValidateReport() {
	file := `assetNumber,reportingPeriodBeginningDate,reportingPeriodEndingDate,reportingPeriodBeginningLoanBalanceAmount,scheduledPrincipalAmount,actualPrincipalCollectedAmount,actualInterestCollectedAmount,totalActualAmountPaid,reportingPeriodActualEndBalanceAmount,currentDelinquencyStatus,reportingPeriodInterestRatePercentage,remainingTermToMaturityNumber,zeroBalanceCode
100233,07-01-2020,07-31-2020,1500.00,250.00,250.00,10.00,260.00,1250.00,0,0.0687,40,
100234,07-01-2020,07-31-2020,1500.00,250.00,250.00,10.00,260.00,1200.00,0,0.0687,40,
100235,07-01-2020,07-31-2020,900.00,250.00,900.00,5.00,905.00,0.00,0,6.87,0,1
`
	period := loantape.MonthlyPeriod(7, loantape.Month{Year: 2020, Month: 7})
	totals, err := loantape.ValidateReport(loantape.NewCSVReader[loantape.PeriodRow](strings.NewReader(file)), loantape.ReportRules{Period: period})
	fmt.Println(err)
	fmt.Println("rows summed:", totals.LoanCount, "ending balance:", totals.EndingBalance)
	// Output:
	// 2 errors
	// line 3 (loan 100234): reportingPeriodActualEndBalanceAmount 1200.00 != beginning 1500.00 − principal 250.00 − charged-off 0.00 − adjustments 0.00 (rule balance-rollforward)
	// line 4 (loan 100235): reportingPeriodInterestRatePercentage 6.87 is outside [0, 1): rates are fractions (0.0687 for 6.87%) (rule rate-range)
	// rows summed: 1 ending balance: 1250.00
}

// A validated report is cut into chunks; the chaincode adds the chunk
// aggregates up and reconciles them with the declared totals.
func ExampleReportChunks() {
	var b strings.Builder
	b.WriteString("assetNumber,reportingPeriodBeginningDate,reportingPeriodEndingDate,reportingPeriodBeginningLoanBalanceAmount,scheduledPrincipalAmount,actualPrincipalCollectedAmount,actualInterestCollectedAmount,totalActualAmountPaid,reportingPeriodActualEndBalanceAmount,currentDelinquencyStatus,reportingPeriodInterestRatePercentage,remainingTermToMaturityNumber\n")
	for i := range 5 {
		fmt.Fprintf(&b, "L%d,07-01-2020,07-31-2020,1000.00,100.00,100.00,5.00,105.00,900.00,%d,0.06,30\n", i, 45*i)
	}
	period := loantape.MonthlyPeriod(7, loantape.Month{Year: 2020, Month: 7})
	declared, _ := loantape.ValidateReport(loantape.NewCSVReader[loantape.PeriodRow](strings.NewReader(b.String())), loantape.ReportRules{Period: period})

	var sum loantape.ReportAggregates
	for chunk, err := range loantape.ReportChunks(loantape.NewCSVReader[loantape.PeriodRow](strings.NewReader(b.String())), 2, period) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("chunk %d: lines %d–%d, ending balance %s\n", chunk.Index, chunk.FirstLine, chunk.LastLine, chunk.Aggregates.EndingBalance)
		sum, _ = sum.Add(chunk.Aggregates)
	}
	fmt.Println("reconciles:", sum.Reconcile(declared) == nil)
	d := sum.Delinquency
	fmt.Println("current:", d.Current, "| 31–60:", d.Days31To60, "| 61–90:", d.Days61To90, "| over 120:", d.Over120)
	// Output:
	// chunk 0: lines 2–3, ending balance 1800.00
	// chunk 1: lines 4–5, ending balance 1800.00
	// chunk 2: lines 6–6, ending balance 900.00
	// reconciles: true
	// current: 1 loans, 900.00 | 31–60: 1 loans, 900.00 | 61–90: 1 loans, 900.00 | over 120: 2 loans, 1800.00
}
