package tnet

import (
	"errors"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/status"
)

// ErrorText flattens a Fabric Gateway error with the per-peer details the
// gateway attaches (where the chaincode's "[CODE] message" is), so tests can
// look for a rule code.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	parts := []string{err.Error()}
	var withDetails interface{ Details() []*gateway.ErrorDetail }
	if errors.As(err, &withDetails) {
		for _, d := range withDetails.Details() {
			parts = append(parts, d.GetMspId()+"@"+d.GetAddress()+": "+d.GetMessage())
		}
	} else if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if detail, ok := d.(*gateway.ErrorDetail); ok {
				parts = append(parts, detail.GetMspId()+"@"+detail.GetAddress()+": "+detail.GetMessage())
			}
		}
	}
	return strings.Join(parts, "\n")
}
