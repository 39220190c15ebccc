package pool

import (
	"fmt"
	"reflect"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// Rates in a loan record come from the client as decimals of any
// exponent; "1e-999999999" parses in no time, but rendering or comparing
// it builds a billion-digit number. Every decimal of a loan is bounded
// before loantape looks at it (rates are fractions; 10 leaves room for
// anything a validator should get to refuse with a proper message).
var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	rateBound   = decimal.NewFromInt(10)
)

func checkLoanDecimals(field string, l *loantape.Loan) error { return checkDecimals(field, l) }

// checkDecimals bounds every decimal field of the record rec points to
// (any class's loan record).
func checkDecimals(field string, rec any) error {
	v := reflect.ValueOf(rec).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Type != decimalType {
			continue
		}
		name := t.Field(i).Tag.Get("json")
		d := v.Field(i).Interface().(decimal.Decimal)
		if err := args.CheckDecimal(fmt.Sprintf("%s.%s", field, name), d, rateBound.Neg(), rateBound); err != nil {
			return err
		}
	}
	return nil
}
