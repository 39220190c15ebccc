package mortgage

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// errorList is the package's name for loantape's row-error list.
type errorList = loantape.RowErrors

// fail records a broken rule and returns false (the row failed).
func fail(l *errorList, line int, loan, field, rule, format string, a ...any) bool {
	l.Add(&loantape.RowError{Line: line, AssetNumber: loan, Field: field, Rule: rule, Msg: fmt.Sprintf(format, a...)})
	return false
}
