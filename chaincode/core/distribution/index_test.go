package distribution

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestIncrementFor(t *testing.T) {
	tests := []struct {
		name           string
		payment        string
		units          int64
		delta, residue string
		code           errs.Code
	}{
		{name: "exact", payment: "1000.00", units: 1000, delta: "1", residue: "0"},
		{name: "thirds truncate at 12 places", payment: "100.00", units: 3, delta: "33.333333333333", residue: "0.000000000001"},
		{name: "one cent over a million units", payment: "0.01", units: 1_000_000, delta: "0.00000001", residue: "0"},
		{name: "one cent over 7 units", payment: "0.01", units: 7, delta: "0.001428571428", residue: "0.000000000004"},
		{name: "below the index scale goes to residue", payment: "0.01", units: 100_000_000_000_000, delta: "0", residue: "0.01"},
		{name: "zero payment", payment: "0", units: 5, delta: "0", residue: "0"},
		{name: "negative payment", payment: "-0.01", units: 5, code: errs.BadInput},
		{name: "no units", payment: "1.00", units: 0, code: errs.BadInput},
		{name: "negative units", payment: "1.00", units: -1, code: errs.BadInput},
		{name: "too many units", payment: "1.00", units: MaxUnits + 1, code: errs.BadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, err := IncrementFor(amt(tt.payment), tt.units)
			if tt.code != "" {
				if errs.CodeOf(err) != tt.code {
					t.Fatalf("want %s, got %v", tt.code, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !inc.Delta.Equal(dec(tt.delta)) || !inc.Residue.Equal(dec(tt.residue)) {
				t.Fatalf("delta %s residue %s, want %s %s", inc.Delta, inc.Residue, tt.delta, tt.residue)
			}
			// The defining identity: payment = units × delta + residue.
			back := decimal.NewFromInt(tt.units).Mul(inc.Delta).Add(inc.Residue)
			if !back.Equal(amt(tt.payment).Decimal()) {
				t.Fatalf("units × delta + residue = %s, want %s", back, tt.payment)
			}
		})
	}
}

func TestParseIndex(t *testing.T) {
	tests := []struct {
		in, want string
		errPart  string
	}{
		{in: "", want: "0"},
		{in: "0", want: "0"},
		{in: "1.000000000001", want: "1.000000000001"},
		{in: "12.5000", want: "12.5"},
		{in: "1.0000000000001", errPart: "more than 12 decimal places"},
		{in: "-0.1", errPart: "negative"},
		{in: "abc", errPart: "not a decimal"},
		{in: "1e400", errPart: "exceeds"},
		{in: strings.Repeat("1", 65), errPart: "longer than 64"},
	}
	for _, tt := range tests {
		d, err := ParseIndex("indexPaid", tt.in)
		if tt.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errPart) || !strings.Contains(err.Error(), "indexPaid") {
				t.Errorf("ParseIndex(%q) = %v, want error naming indexPaid and %q", tt.in, err, tt.errPart)
			}
			continue
		}
		if err != nil || d.String() != tt.want {
			t.Errorf("ParseIndex(%q) = %s, %v; want %s", tt.in, d, err, tt.want)
		}
	}
}

func TestClaimFor(t *testing.T) {
	tests := []struct {
		name             string
		units            int64
		index, indexPaid string
		amount, residue  string
		code             errs.Code
	}{
		{name: "whole cents", units: 100, index: "1.25", indexPaid: "0", amount: "125.00", residue: "0"},
		{name: "floor to the cent", units: 3, index: "33.333333333333", indexPaid: "0", amount: "99.99", residue: "0.009999999999"},
		{name: "since the last payment", units: 10, index: "2.5", indexPaid: "1.25", amount: "12.50", residue: "0"},
		{name: "nothing new", units: 10, index: "2.5", indexPaid: "2.5", amount: "0", residue: "0"},
		{name: "no units", units: 0, index: "2.5", indexPaid: "0", amount: "0", residue: "0"},
		{name: "sub-cent entitlement", units: 1, index: "0.009", indexPaid: "0", amount: "0", residue: "0.009"},
		{name: "indexPaid above the index is corrupt", units: 1, index: "1", indexPaid: "2", code: errs.Internal},
		{name: "negative units", units: -1, index: "1", indexPaid: "0", code: errs.BadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ClaimFor(tt.units, dec(tt.index), dec(tt.indexPaid))
			if tt.code != "" {
				if errs.CodeOf(err) != tt.code {
					t.Fatalf("want %s, got %v", tt.code, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Amount != amt(tt.amount) || !c.Residue.Equal(dec(tt.residue)) {
				t.Fatalf("claim %s residue %s, want %s %s", c.Amount, c.Residue, tt.amount, tt.residue)
			}
			if c.Amount < 0 || c.Residue.Sign() < 0 || !c.Residue.LessThan(money.Cents(1).Decimal()) {
				t.Fatalf("claim out of range: %+v", c)
			}
		})
	}
}
