package distribution

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// TestBookThreeHoldersOfAThird walks the smallest case where every
// rounding rule bites: 100.00 over three single units.
func TestBookThreeHoldersOfAThird(t *testing.T) {
	var b ClassBook
	b, d, err := b.Distribute(amt("100.00"), 3)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Delta.Equal(dec("33.333333333333")) || !d.Residue.Equal(dec("0.000000000001")) ||
		!d.IndexBefore.IsZero() || !d.IndexAfter.Equal(b.Index) || d.Units != 3 || d.Payment != amt("100.00") {
		t.Fatalf("distribution %+v", d)
	}
	holders := []Holding{{Units: 1}, {Units: 1}, {Units: 1}}
	if err := b.Check(holders); err != nil {
		t.Fatal(err)
	}
	for i := range holders {
		var s Settlement
		b, s, err = b.Settle(holders[i].Units, holders[i].IndexPaid)
		if err != nil {
			t.Fatal(err)
		}
		if s.Amount != amt("33.33") || !s.Residue.Equal(dec("0.003333333333")) || !s.NewIndex.Equal(b.Index) {
			t.Fatalf("holder %d settlement %+v", i, s)
		}
		holders[i].IndexPaid = s.NewIndex
		if err := b.Check(holders); err != nil {
			t.Fatalf("after holder %d: %v", i, err)
		}
	}
	if b.Claimed != amt("99.99") || b.Balance() != amt("0.01") {
		t.Fatalf("claimed %s balance %s", b.Claimed, b.Balance())
	}
	// Everyone has claimed: the residue line is the account's whole cent.
	if !b.ResidueLine().Equal(b.Balance().Decimal()) {
		t.Fatalf("residue line %s != balance %s", b.ResidueLine(), b.Balance())
	}
	// Settling again pays nothing and changes nothing but the (zero) residue.
	again, s, err := b.Settle(1, b.Index)
	if err != nil || s.Amount != 0 || !sameBook(again, b) {
		t.Fatalf("second settle: %+v %v", s, err)
	}
}

// sameBook compares books by their canonical bytes (decimals compare by
// value there, not by representation).
func sameBook(a, b ClassBook) bool {
	x, err1 := canon.Marshal(a)
	y, err2 := canon.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func TestBookAcrossPeriodsAndUnitChanges(t *testing.T) {
	var b ClassBook
	b, _, _ = b.Distribute(amt("1000.00"), 1000) // index 1
	// Holder X had 600 units, Y 400. X sells 100 to Y: both settle first.
	b, sx, _ := b.Settle(600, decimal.Zero)
	b, sy, _ := b.Settle(400, decimal.Zero)
	if sx.Amount != amt("600.00") || sy.Amount != amt("400.00") {
		t.Fatalf("claims %s %s", sx.Amount, sy.Amount)
	}
	x, y := Holding{500, sx.NewIndex}, Holding{500, sy.NewIndex}
	b, _, _ = b.Distribute(amt("250.00"), 1000) // index 1.25
	if err := b.Check([]Holding{x, y}); err != nil {
		t.Fatal(err)
	}
	b, sx, _ = b.Settle(x.Units, x.IndexPaid)
	if sx.Amount != amt("125.00") {
		t.Fatalf("X's second claim %s, want 125.00 on 500 units", sx.Amount)
	}
	x.IndexPaid = sx.NewIndex
	if err := b.Check([]Holding{x, y}); err != nil {
		t.Fatal(err)
	}
	if b.Balance() != amt("125.00") || b.Distributions != 2 {
		t.Fatalf("balance %s (Y's 125.00 unclaimed), distributions %d", b.Balance(), b.Distributions)
	}
}

func TestBookRefusesCorruptState(t *testing.T) {
	good, _, _ := ClassBook{}.Distribute(amt("10.00"), 10)
	tests := []struct {
		name string
		book ClassBook
		want string
	}{
		{"claimed above distributed", ClassBook{Distributed: 5, Claimed: 6}, "claimed 0.06 exceeds distributed"},
		{"negative distributed", ClassBook{Distributed: -1}, "negative"},
		{"negative residue", ClassBook{IndexResidue: dec("-0.1")}, "negative residue"},
		{"index too precise", ClassBook{Index: dec("0.0000000000001")}, "decimal places"},
	}
	for _, tt := range tests {
		for op, f := range map[string]func() error{
			"Distribute": func() error { _, _, err := tt.book.Distribute(1, 1); return err },
			"Settle":     func() error { _, _, err := tt.book.Settle(1, decimal.Zero); return err },
			"Check":      func() error { return tt.book.Check(nil) },
		} {
			if err := f(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: %s = %v, want %q", tt.name, op, err, tt.want)
			}
		}
	}
	// A book whose account holds less than a claim (index raised without
	// cash) must not pay.
	forged := good
	forged.Index = dec("5")
	if _, _, err := forged.Settle(10, decimal.Zero); errs.CodeOf(err) != errs.Internal {
		t.Fatalf("forged index paid out: %v", err)
	}
	// Check notices holdings that do not add up.
	if err := good.Check([]Holding{{Units: 11}}); err == nil || !strings.Contains(err.Error(), "does not conserve") {
		t.Fatalf("Check with 11 units over a 10-unit distribution: %v", err)
	}
	if err := good.Check([]Holding{{Units: 10, IndexPaid: dec("2")}}); errs.CodeOf(err) != errs.Internal {
		t.Fatalf("Check with indexPaid above index: %v", err)
	}
}

func TestDistributeRefusesBadPayments(t *testing.T) {
	var b ClassBook
	if _, _, err := b.Distribute(amt("1.00"), 0); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("zero units: %v", err)
	}
	if _, _, err := b.Distribute(-1, 10); errs.CodeOf(err) != errs.BadInput {
		t.Fatalf("negative payment: %v", err)
	}
	big := ClassBook{Distributed: 1 << 61}
	if _, _, err := big.Distribute(1<<61, 10); errs.CodeOf(err) != errs.Overflow {
		t.Fatalf("overflow: %v", err)
	}
}
