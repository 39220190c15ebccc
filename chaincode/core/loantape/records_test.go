package loantape

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// The Go field name, the JSON tag and the CSV/XML element name must be the
// same word, and every struct field must be in the field table.
func TestFieldNamesAgree(t *testing.T) {
	check := func(t *testing.T, typ reflect.Type, names []string) {
		var tags []string
		for f := range typ.Fields() {
			tag := f.Tag.Get("json")
			tags = append(tags, tag)
			r := []rune(tag)
			r[0] = unicode.ToUpper(r[0])
			if string(r) != f.Name {
				t.Errorf("%s.%s has JSON tag %q: the Go name must be the element name capitalised", typ.Name(), f.Name, tag)
			}
		}
		slices.Sort(tags)
		sorted := slices.Sorted(slices.Values(names))
		if !slices.Equal(tags, sorted) {
			t.Errorf("%s: JSON tags %v\nfield table %v", typ.Name(), tags, sorted)
		}
	}
	t.Run("Loan", func(t *testing.T) { check(t, reflect.TypeFor[Loan](), loanFields.names()) })
	t.Run("PeriodRow", func(t *testing.T) { check(t, reflect.TypeFor[PeriodRow](), periodFields.names()) })
}

func samplePeriodRow() PeriodRow {
	return PeriodRow{
		AssetNumber:                               "998989999995846784",
		ReportingPeriodBeginningDate:              Date{2020, time.July, 1},
		ReportingPeriodEndingDate:                 Date{2020, time.July, 31},
		ReportingPeriodBeginningLoanBalanceAmount: money.Cents(2587859),
		NextReportingPeriodPaymentAmountDue:       money.Cents(47837),
		ReportingPeriodScheduledPaymentAmount:     money.Cents(47701),
		ScheduledInterestAmount:                   money.Cents(14787),
		ScheduledPrincipalAmount:                  money.Cents(32913),
		TotalActualAmountPaid:                     money.Cents(47837),
		ActualInterestCollectedAmount:             money.Cents(16516),
		ActualPrincipalCollectedAmount:            money.Cents(31321),
		ReportingPeriodActualEndBalanceAmount:     money.Cents(2556538),
		ReportingPeriodInterestRatePercentage:     decimal.RequireFromString("0.0687"),
		RemainingTermToMaturityNumber:             64,
	}
}

func sampleLoan() Loan {
	return Loan{
		AssetNumber:                           "998989999995846784",
		OriginatorName:                        "WORLD OMNI FINANCIAL CORP",
		OriginationDate:                       Month{2019, time.August},
		OriginalLoanAmount:                    money.Cents(2901959),
		OriginalLoanTerm:                      76,
		LoanMaturityDate:                      Month{2025, time.November},
		OriginalInterestRatePercentage:        decimal.RequireFromString("0.0687"),
		ObligorGeographicLocation:             "VT",
		ObligorCreditScore:                    735,
		VehicleManufacturerName:               "CHEVROLET",
		VehicleModelName:                      "COLORADO",
		VehicleNewUsedCode:                    "2",
		VehicleModelYear:                      2017,
		VehicleValueAmount:                    money.Cents(2929500),
		ReportingPeriodEndingDate:             Date{2020, time.July, 31},
		ReportingPeriodActualEndBalanceAmount: money.Cents(2556538),
		ReportingPeriodInterestRatePercentage: decimal.RequireFromString("0.0687"),
		RemainingTermToMaturityNumber:         64,
	}
}

func TestCanonicalIsSortedCompleteJSON(t *testing.T) {
	for name, b := range map[string][]byte{"loan": sampleLoan().Canonical(), "row": samplePeriodRow().Canonical()} {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: canonical bytes are not JSON: %v\n%s", name, err, b)
		}
		// Keys appear in byte order: re-encoding the map (encoding/json
		// sorts map keys) gives the same key sequence.
		var keys []string
		d := json.NewDecoder(bytes.NewReader(b))
		d.Token()
		for d.More() {
			k, _ := d.Token()
			keys = append(keys, k.(string))
			var skip any
			d.Decode(&skip)
		}
		if !slices.IsSorted(keys) {
			t.Errorf("%s: keys not sorted: %v", name, keys)
		}
		if bytes.ContainsAny(b, " \n\t") && name == "row" {
			t.Errorf("%s: canonical bytes contain whitespace: %s", name, b)
		}
	}
	row := string(samplePeriodRow().Canonical())
	for _, want := range []string{
		`"reportingPeriodActualEndBalanceAmount":"25565.38"`,
		`"reportingPeriodInterestRatePercentage":"0.0687"`,
		`"remainingTermToMaturityNumber":64`,
		`"reportingPeriodBeginningDate":"2020-07-01"`,
		`"zeroBalanceCode":""`,
		`"chargedoffPrincipalAmount":"0.00"`,
		`"zeroBalanceEffectiveDate":""`,
	} {
		if !strings.Contains(row, want) {
			t.Errorf("canonical row lacks %s:\n%s", want, row)
		}
	}
}

func TestCanonicalDistinguishesEveryField(t *testing.T) {
	base := samplePeriodRow()
	seen := map[string]string{string(base.Canonical()): "base"}
	for i, f := range periodFields.fields {
		r := base
		switch p := f.at(&r).(type) {
		case *string:
			*p += "x"
		case *money.Amount:
			*p++
		case *decimal.Decimal:
			*p = p.Add(decimal.New(1, -8))
		case *int:
			*p++
		case *Date:
			*p = Date{2021, time.January, 2}
		case *Month:
			*p = Month{2021, time.February}
		}
		c := string(r.Canonical())
		if prev, dup := seen[c]; dup {
			t.Errorf("changing field %d %s gives the same canonical bytes as %s", i, f.name, prev)
		}
		seen[c] = f.name
	}
	// Equal values with different decimal scales are the same record.
	r := base
	r.ReportingPeriodInterestRatePercentage = decimal.RequireFromString("0.068700")
	if !bytes.Equal(r.Canonical(), base.Canonical()) {
		t.Error("0.0687 and 0.068700 must encode identically")
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []string{"a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "<", "&", "é", "€", "\xff", "\xe2\x82", "\u2028", "𝄞"}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		enc := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("appendJSONString(%q) = %s: invalid JSON: %v", s, enc, err)
		}
		ref, _ := json.Marshal(s) // encoding/json: one U+FFFD per invalid byte
		var want string
		json.Unmarshal(ref, &want)
		if back != want {
			t.Fatalf("appendJSONString(%q) decodes to %q, want %q", s, back, want)
		}
	}
}

func TestPrincipalSplit(t *testing.T) {
	tests := []struct {
		name                 string
		actual, scheduled    int64
		wantSched, wantUnsch int64
	}{
		{"on schedule", 31321, 31321, 31321, 0},
		{"short payment", 31321, 32913, 31321, 0},
		{"nothing paid", 0, 32913, 0, 0},
		{"curtailment", 50000, 32913, 32913, 17087},
		{"payoff", 2587859, 32913, 32913, 2554946},
		{"nothing scheduled", 1000, 0, 0, 1000},
	}
	for _, tt := range tests {
		r := PeriodRow{ActualPrincipalCollectedAmount: money.Cents(tt.actual), ScheduledPrincipalAmount: money.Cents(tt.scheduled)}
		if got := r.ScheduledPrincipalCollected(); got != money.Cents(tt.wantSched) {
			t.Errorf("%s: scheduled = %s, want %s", tt.name, got, money.Cents(tt.wantSched))
		}
		if got := r.UnscheduledPrincipalCollected(); got != money.Cents(tt.wantUnsch) {
			t.Errorf("%s: unscheduled = %s, want %s", tt.name, got, money.Cents(tt.wantUnsch))
		}
	}
}

func TestRecordsJSONRoundTrip(t *testing.T) {
	l := sampleLoan()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back Loan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Canonical(), l.Canonical()) {
		t.Errorf("JSON round trip changed the loan:\n%s\n%s", back.Canonical(), l.Canonical())
	}
	if !strings.Contains(string(b), `"originationDate":"2019-08"`) || !strings.Contains(string(b), `"originalLoanAmount":"29019.59"`) {
		t.Errorf("JSON form: %s", b)
	}
}
