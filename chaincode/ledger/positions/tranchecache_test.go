package positions

import (
	"reflect"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The cached tranche is shared by every transaction of the chaincode
// process: a field of schema.Tranche that shares memory (a slice, map or
// pointer) must be copied by cloneTranche, or one transaction's change
// would leak into the next, and peers would disagree. Decimals and times
// are immutable values and may be shared.
func TestCloneTrancheCopiesEveryReference(t *testing.T) {
	var got []string
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		switch {
		case typ == reflect.TypeOf(decimal.Decimal{}), typ.PkgPath() == "time":
			return
		}
		switch typ.Kind() {
		case reflect.Struct:
			for i := 0; i < typ.NumField(); i++ {
				f := typ.Field(i)
				walk(f.Type, path+"."+f.Name)
			}
		case reflect.Pointer:
			got = append(got, path)
			walk(typ.Elem(), path)
		case reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func:
			got = append(got, path)
		}
	}
	walk(reflect.TypeOf(schema.Tranche{}), "Tranche")
	want := []string{"Tranche.Coupon", "Tranche.Coupon.Fixed", "Tranche.Coupon.Floor", "Tranche.Coupon.Cap",
		"Tranche.Rules.EligibleInvestorTypes", "Tranche.Rules.AllowedJurisdictions", "Tranche.Rules.BlockedJurisdictions", "Tranche.Rules.ConsortiumMSPs"}
	if !slices.Equal(got, want) {
		t.Fatalf("schema.Tranche's fields that share memory are\n%q\ncloneTranche copies\n%q\nupdate cloneTranche and this list together", got, want)
	}

	one, two := decimal.RequireFromString("0.01"), decimal.RequireFromString("0.02")
	orig := schema.Tranche{ID: "D-A", Coupon: &schema.Coupon{Fixed: &one, Floor: &one, Cap: &two}}
	orig.Rules.EligibleInvestorTypes = []string{"qib"}
	orig.Rules.AllowedJurisdictions = []string{"US"}
	orig.Rules.BlockedJurisdictions = []string{"KP"}
	orig.Rules.ConsortiumMSPs = []string{"Org1MSP"}
	c := cloneTranche(orig)
	*c.Coupon.Fixed, *c.Coupon.Floor, *c.Coupon.Cap = two, two, one
	c.Coupon.Index = "SOFR"
	c.Rules.EligibleInvestorTypes[0], c.Rules.AllowedJurisdictions[0] = "x", "x"
	c.Rules.BlockedJurisdictions[0], c.Rules.ConsortiumMSPs[0] = "x", "x"
	if !orig.Coupon.Fixed.Equal(one) || !orig.Coupon.Floor.Equal(one) || !orig.Coupon.Cap.Equal(two) || orig.Coupon.Index != "" ||
		orig.Rules.EligibleInvestorTypes[0] != "qib" || orig.Rules.AllowedJurisdictions[0] != "US" ||
		orig.Rules.BlockedJurisdictions[0] != "KP" || orig.Rules.ConsortiumMSPs[0] != "Org1MSP" {
		t.Fatalf("changing the clone changed the original: %+v %+v", orig.Coupon, orig.Rules)
	}
}
