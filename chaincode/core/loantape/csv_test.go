package loantape

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// fileCase is a malformed file and the first error reading it must give.
type fileCase struct {
	name  string
	text  string
	want  wantErr
	fatal bool
	// records is how many good records reading still yields.
	records int
}

func without(names []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == drop })
}

var reportHeader = periodFields.names()

var csvFileCases = []fileCase{
	{name: "empty file", text: "",
		want: wantErr{1, "", "", RuleHeader}, fatal: true},
	{name: "malformed header", text: "assetNumber,\"reporting\"x\n",
		want: wantErr{1, "", "", RuleHeader}, fatal: true},
	{name: "missing required column",
		text: csvText(without(reportHeader, "actualPrincipalCollectedAmount"), goodRow("A")),
		want: wantErr{1, "", "actualPrincipalCollectedAmount", RuleMissingColumn}, fatal: true},
	{name: "missing column after blank lines",
		text: "\n\n" + csvText(without(reportHeader, "assetNumber"), goodRow("A")),
		want: wantErr{3, "", "assetNumber", RuleMissingColumn}, fatal: true},
	{name: "duplicate column (case differs)",
		text: csvText(append(slices.Clone(reportHeader), "AssetNumber"), goodRow("A")),
		want: wantErr{1, "", "assetNumber", RuleDuplicateColumn}, fatal: true},
	{name: "row with an extra cell",
		text: csvText(reportHeader, goodRow("A")) + strings.TrimSuffix(csvRows(reportHeader, goodRow("B")), "\n") + ",surplus\n" +
			csvRows(reportHeader, goodRow("C")),
		want: wantErr{3, "B", "", RuleFieldCount}, records: 2},
	{name: "stray quote",
		text: csvText(reportHeader, goodRow("A"), goodRow("B"), goodRow("C", "zeroBalanceCode", `1"`), goodRow("D")),
		want: wantErr{4, "", "", RuleCSVSyntax}, records: 3},
	{name: "not a number",
		text: csvText(reportHeader, goodRow("A"), goodRow("B", "scheduledPrincipalAmount", "two hundred")),
		want: wantErr{3, "B", "scheduledPrincipalAmount", RuleNumber}, records: 1},
}

func TestCSVMalformedFiles(t *testing.T) {
	for _, tc := range csvFileCases {
		t.Run(tc.name, func(t *testing.T) {
			rd := NewCSVReader[PeriodRow](strings.NewReader(tc.text))
			var errs []error
			records := 0
			for _, err := range rd.All() {
				if err != nil {
					errs = append(errs, err)
				} else {
					records++
				}
			}
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			var re *RowError
			if !errors.As(errs[0], &re) {
				t.Fatalf("error %v is not a *RowError", errs[0])
			}
			if got := (wantErr{re.Line, re.AssetNumber, re.Field, re.Rule}); got != tc.want {
				t.Errorf("got %v, want %v (%v)", got, tc.want, re)
			}
			if re.Fatal() != tc.fatal {
				t.Errorf("Fatal() = %v", re.Fatal())
			}
			if records != tc.records {
				t.Errorf("read %d good records, want %d", records, tc.records)
			}
			if tc.fatal {
				if _, err := rd.Read(); err != errs[0] {
					t.Errorf("a fatal error must be sticky, then got %v", err)
				}
			}
		})
	}
}

func TestCSVHeaderAndFormatTolerance(t *testing.T) {
	// Columns shuffled, in odd case and padded, a BOM, CRLF line ends,
	// unknown columns, a blank line, ISO dates and a quoted cell.
	header := []string{"  ReportingPeriodActualEndBalanceAmount", "assetTypeNumber", "ASSETNUMBER"}
	for _, n := range reportHeader {
		if n != "reportingPeriodActualEndBalanceAmount" && n != "assetNumber" {
			header = append(header, n)
		}
	}
	header = append(header, "primaryLoanServicerName", "")
	row := goodRow("100234", "reportingPeriodBeginningDate", "2020-07-01", "zeroBalanceCode", `""`)
	row["  ReportingPeriodActualEndBalanceAmount"] = `"1250.00"`
	row["ASSETNUMBER"] = " 100234 "
	row["assetTypeNumber"] = "SPONSOR"
	text := "\xef\xbb\xbf" + strings.ReplaceAll(csvText(header, row), "\n", "\r\n")
	text = strings.Replace(text, "\r\n", "\r\n\r\n", 1) // a blank line after the header

	rd := NewCSVReader[PeriodRow](strings.NewReader(text))
	got, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	if rd.Line() != 3 {
		t.Errorf("Line() = %d, want 3", rd.Line())
	}
	if ig := rd.IgnoredColumns(); !slices.Equal(ig, []string{"assetTypeNumber", "primaryLoanServicerName"}) {
		t.Errorf("IgnoredColumns = %q", ig)
	}
	want, err := NewCSVReader[PeriodRow](strings.NewReader(csvText(reportHeader, goodRow("100234")))).Read()
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Canonical()) != string(want.Canonical()) {
		t.Errorf("tolerant read\n got %s\nwant %s", got.Canonical(), want.Canonical())
	}
	if _, err := rd.Read(); err != io.EOF {
		t.Errorf("then %v, want io.EOF", err)
	}
}

func TestCSVLineNumbersWithMultilineFields(t *testing.T) {
	header := loanFields.names()
	text := csvText(header,
		goodLoan("A", "originatorName", "\"WORLD OMNI\nFINANCIAL\nCORP\""),
		goodLoan("B", "originatorName", "\"SAYS \"\"HI\"\", THEN, COMMAS\""),
		goodLoan("C", "obligorCreditScore", "high"))
	rd := NewCSVReader[Loan](strings.NewReader(text))
	type seen struct {
		line  int
		asset string
		err   string
	}
	var got []seen
	for l, err := range rd.All() {
		s := seen{line: rd.Line(), asset: l.AssetNumber}
		if err != nil {
			s.err = err.Error()
		}
		got = append(got, s)
	}
	want := []seen{{2, "A", ""}, {5, "B", ""}, {6, "", `line 6 (loan C): obligorCreditScore "high" is not a whole number (rule number)`}}
	if !slices.Equal(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	l, _ := NewCSVReader[Loan](strings.NewReader(text)).Read()
	if l.OriginatorName != "WORLD OMNI\nFINANCIAL\nCORP" {
		t.Errorf("multi-line cell = %q", l.OriginatorName)
	}
}

func TestCSVHeaderOnlyIsAnEmptyFile(t *testing.T) {
	rd := NewCSVReader[Loan](strings.NewReader(strings.Join(loanFields.names(), ",") + "\n"))
	if _, err := rd.Read(); err != io.EOF {
		t.Fatalf("Read = %v, want io.EOF", err)
	}
	agg, err := ValidateTape(NewCSVReader[Loan](strings.NewReader(strings.Join(loanFields.names(), ","))), TapeRules{})
	if err != nil || agg.LoanCount != 0 {
		t.Errorf("ValidateTape of a header-only file = %+v, %v", agg, err)
	}
}
