package args

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestParseUnits(t *testing.T) {
	good := map[string]int64{"1": 1, "100": 100, "9223372036854775807": 9223372036854775807}
	for s, want := range good {
		if got, err := ParseUnits("units", s); err != nil || got != want {
			t.Errorf("ParseUnits(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0", "-1", "+1", "01", "1.0", "1e3", " 1", "9223372036854775808", "١"} {
		_, err := ParseUnits("units", s)
		if !errs.Is(err, errs.BadInput) || !strings.HasPrefix(err.Error(), "[BAD_INPUT] units: ") {
			t.Errorf("ParseUnits(%q) = %v, want BAD_INPUT naming units", s, err)
		}
	}
	if n, err := ParseCount("n", "0"); err != nil || n != 0 {
		t.Errorf("ParseCount(0) = %d, %v", n, err)
	}
}

func TestParseAmount(t *testing.T) {
	if a, err := ParseAmount("amount", "1250.5"); err != nil || a != money.Cents(125050) {
		t.Errorf("got %v, %v", a, err)
	}
	for _, s := range []string{"0", "0.00", "-1", "0.001", "1e99999999", "abc", "", strings.Repeat("1", 41)} {
		if _, err := ParseAmount("amount", s); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseAmount(%q) = %v", s, err)
		}
	}
	if a, err := ParseNonNegativeAmount("amount", "0"); err != nil || a != 0 {
		t.Errorf("zero: %v %v", a, err)
	}
}

func TestCheckDecimalRefusesExpensiveNumbers(t *testing.T) {
	lo, hi := decimal.NewFromInt(-1), decimal.NewFromInt(1)
	if err := CheckDecimal("r", decimal.RequireFromString("0.0525"), lo, hi); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"1e-999999999", "1e999999999", "1.5", "-2", strings.Repeat("9", 60) + "e-60"} {
		d := decimal.RequireFromString(s)
		if err := CheckDecimal("r", d, lo, hi); !errs.Is(err, errs.BadInput) || len(err.Error()) > 200 {
			t.Errorf("CheckDecimal(%.30s) = %v", s, err)
		}
	}
}
