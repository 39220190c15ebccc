package loantape_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func roundTrip[R loantape.Record](t *testing.T, name string, recs []R) {
	t.Helper()
	formats := map[string]struct {
		write func(testing.TB, []R) []byte
		read  func([]byte) loantape.RowSource[R]
	}{
		"csv": {writeCSV[R], func(b []byte) loantape.RowSource[R] { return loantape.NewCSVReader[R](bytes.NewReader(b)) }},
		"xml": {writeXML[R], func(b []byte) loantape.RowSource[R] { return loantape.NewXMLReader[R](bytes.NewReader(b)) }},
	}
	for fname, f := range formats {
		text := f.write(t, recs)
		back := readAll(t, f.read(text))
		if len(back) != len(recs) {
			t.Fatalf("%s %s: wrote %d records, read %d", name, fname, len(recs), len(back))
		}
		for i := range recs {
			if want, got := canonicalRecord(recs[i]), canonicalRecord(back[i]); !bytes.Equal(want, got) {
				t.Fatalf("%s %s record %d:\nwrote %s\n read %s", name, fname, i, want, got)
			}
		}
		// Writing what was read gives the same file, byte for byte.
		if again := f.write(t, back); !bytes.Equal(again, text) {
			t.Errorf("%s %s: rewriting changed the file", name, fname)
		}
	}
}

func TestRoundTripSimulatedFiles(t *testing.T) {
	tape, reports := simulate(t, 400, 8)
	roundTrip(t, "tape", tape)
	for i, rows := range reports {
		roundTrip(t, "report "+string(rune('1'+i)), rows)
	}
}

func TestRoundTripEmptyFiles(t *testing.T) {
	roundTrip(t, "empty tape", []loantape.Loan{})
	roundTrip(t, "empty report", []loantape.PeriodRow{})
}

// Random records with awkward text (commas, quotes, markup, newlines,
// non-ASCII), extreme amounts and eight-decimal rates survive both
// formats.
func TestRoundTripRandomRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 1))
	pieces := []string{"A", "z", "9", ",", `"`, "<", ">", "&", "'", "é", "Ω", "€", " ", "\n", "\t", ";", "=", "/"}
	text := func(required bool) string {
		n := rng.IntN(8)
		if required {
			n++
		}
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := strings.TrimSpace(b.String()) // readers trim cells
		if s == "" && required {
			s = "X"
		}
		return s
	}
	amount := func(signed bool) money.Amount {
		a := money.Cents(rng.Int64N(int64(money.MaxAmount)) >> uint(rng.IntN(63)))
		if signed && rng.IntN(2) == 0 {
			a = -a
		}
		return a
	}
	rate := func() decimal.Decimal { return decimal.New(rng.Int64N(100_000_000), -8) }
	date := func() loantape.Date {
		m := loantape.Month{Year: 1990 + rng.IntN(60), Month: time.Month(1 + rng.IntN(12))}
		return loantape.Date{Year: m.Year, Month: m.Month, Day: 1 + rng.IntN(m.LastDay().Day)}
	}
	month := func(required bool) loantape.Month {
		if !required && rng.IntN(4) == 0 {
			return loantape.Month{}
		}
		return loantape.Month{Year: 1990 + rng.IntN(60), Month: time.Month(1 + rng.IntN(12))}
	}
	var loans []loantape.Loan
	var rows []loantape.PeriodRow
	for range 300 {
		loans = append(loans, loantape.Loan{
			AssetNumber: text(true), OriginatorName: text(false), OriginationDate: month(true), OriginalLoanAmount: amount(false),
			OriginalLoanTerm: rng.IntN(200), LoanMaturityDate: month(true), OriginalInterestRatePercentage: rate(),
			ObligorGeographicLocation: text(true), ObligorCreditScore: rng.IntN(900), VehicleManufacturerName: text(false),
			VehicleModelName: text(false), VehicleNewUsedCode: text(false), VehicleModelYear: rng.IntN(2100),
			VehicleValueAmount: amount(false), ReportingPeriodEndingDate: date(), ReportingPeriodActualEndBalanceAmount: amount(false),
			ReportingPeriodInterestRatePercentage: rate(), RemainingTermToMaturityNumber: rng.IntN(100), CurrentDelinquencyStatus: rng.IntN(400),
		})
		rows = append(rows, loantape.PeriodRow{
			AssetNumber: text(true), ReportingPeriodBeginningDate: date(), ReportingPeriodEndingDate: date(),
			ReportingPeriodBeginningLoanBalanceAmount: amount(false), NextReportingPeriodPaymentAmountDue: amount(false),
			ReportingPeriodScheduledPaymentAmount: amount(false), ScheduledInterestAmount: amount(false), ScheduledPrincipalAmount: amount(false),
			TotalActualAmountPaid: amount(false), ActualInterestCollectedAmount: amount(false), ActualPrincipalCollectedAmount: amount(false),
			ActualOtherCollectedAmount: amount(false), OtherPrincipalAdjustmentAmount: amount(true), ChargedoffPrincipalAmount: amount(false),
			RecoveredAmount: amount(false), RepossessedProceedsAmount: amount(false), ReportingPeriodActualEndBalanceAmount: amount(false),
			CurrentDelinquencyStatus: rng.IntN(1000), ZeroBalanceCode: text(false), ZeroBalanceEffectiveDate: month(false),
			ReportingPeriodInterestRatePercentage: rate(), RemainingTermToMaturityNumber: rng.IntN(100),
		})
	}
	roundTrip(t, "random loans", loans)
	roundTrip(t, "random rows", rows)
}
