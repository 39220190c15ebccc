package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
)

// payloadsDiffer is the Fabric Gateway's answer when a lagging peer's
// endorsement differs from the others'.
func payloadsDiffer(t *testing.T) error {
	t.Helper()
	st, err := status.New(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info").
		WithDetails(&gateway.ErrorDetail{Address: "127.0.0.1:9151", MspId: "Org3MSP", Message: "ProposalResponsePayloads do not match"})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

// Endorsers that disagree twice and then agree: proposed three times in
// all, the two reasons naming the lagging peer; endorsers that never
// agree: proposed 1 + mismatchRetries times and the disagreement
// returned; any other error is not proposed again.
func TestReproposeWhileEndorsersDiffer(t *testing.T) {
	differ := payloadsDiffer(t)
	calls := 0
	reasons, err := reproposeWhileEndorsersDiffer(context.Background(), differ, time.Millisecond, func() error {
		calls++
		if calls < 2 {
			return differ
		}
		return nil
	})
	if err != nil || calls != 2 || len(reasons) != 2 || reasons[0] != "Org3MSP 127.0.0.1:9151: ProposalResponsePayloads do not match" {
		t.Fatalf("err %v after %d re-proposals, reasons %q", err, calls, reasons)
	}
	calls = 0
	reasons, err = reproposeWhileEndorsersDiffer(context.Background(), differ, time.Millisecond, func() error { calls++; return differ })
	if !endorsementsDiffer(err) || calls != mismatchRetries || len(reasons) != mismatchRetries {
		t.Fatalf("never agreeing: err %v, %d re-proposals, %d reasons; want %d", err, calls, len(reasons), mismatchRetries)
	}
	calls = 0
	refused := errors.New("chaincode response 500, [RULE_FROZEN] transfer refused (rule 8)")
	if reasons, err = reproposeWhileEndorsersDiffer(context.Background(), refused, time.Millisecond, func() error { calls++; return nil }); err != refused || calls != 0 || reasons != nil {
		t.Fatalf("a refusal was proposed again (%d) or changed: %v %q", calls, err, reasons)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if reasons, err = reproposeWhileEndorsersDiffer(ctx, differ, time.Hour, func() error { t.Fatal("proposed after the caller left"); return nil }); !endorsementsDiffer(err) || len(reasons) != 1 {
		t.Fatalf("cancelled: %v %q", err, reasons)
	}
}

// A call that was proposed again logs how often and why.
func TestInstrumentLogsReproposals(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	reason := "Org3MSP 127.0.0.1:9151: ProposalResponsePayloads do not match"
	in := Instrument(scripted{res: Result{TxID: "tx-1", Block: 7, Reproposals: []string{reason, reason}}}, log, metrics.NewRegistry())
	in.Submit(context.Background(), "User2", Tx{Fn: "Settlement:InstructReceive"})
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &line); err != nil {
		t.Fatal(err)
	}
	if line["reproposed"] != float64(2) || line["reproposed_because"] != reason || line["outcome"] != "ok" {
		t.Fatalf("log line %v", line)
	}
}
