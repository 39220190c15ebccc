package autodeal

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// The lease deal's definition is a valid waterfall with the classes and
// the OC target the tests size their notes on.
func TestLeaseWaterfallDefinition(t *testing.T) {
	a := LeaseWaterfall{Deal: "D", PoolBalance: money.FromMajor(1_000_000),
		Faces:   map[string]money.Amount{"A": money.FromMajor(850_000), "B": money.FromMajor(70_000)},
		Coupons: map[string]string{"A": "0.05", "B": "0.06"}, Residual: "C",
		Tranches: map[string]string{"A": "D-A", "B": "D-B", "C": "D-C"}, ServicingPayee: "srv"}
	def, err := waterfall.ParseDefinition([]byte(a.Definition()))
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Classes) != 3 || def.OCTarget == nil || len(a.Terms().Classes) != 3 {
		t.Fatalf("definition %+v", def)
	}
}
