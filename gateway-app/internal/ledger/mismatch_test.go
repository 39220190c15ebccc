package ledger

import (
	"errors"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestEndorsementsDiffer(t *testing.T) {
	st, err := status.New(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info").
		WithDetails(&gateway.ErrorDetail{Address: "127.0.0.1:9051", MspId: "Org3MSP", Message: "ProposalResponsePayloads do not match"})
	if err != nil {
		t.Fatal(err)
	}
	if !endorsementsDiffer(st.Err()) {
		t.Fatal("a payload mismatch in the details is not recognised")
	}
	refusal, _ := status.New(codes.Aborted, "failed to collect enough transaction endorsements").
		WithDetails(&gateway.ErrorDetail{Message: "chaincode response 500, [RULE_FROZEN] transfer refused (rule 8)"})
	for _, e := range []error{refusal.Err(), errors.New("connection refused")} {
		if endorsementsDiffer(e) {
			t.Fatalf("%v taken for a payload mismatch", e)
		}
	}
}
