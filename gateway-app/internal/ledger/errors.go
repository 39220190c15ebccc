package ledger

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Kind says what went wrong with a ledger call, in the terms a client of
// the REST API acts on.
type Kind int

const (
	// KindRefused: the chaincode (or the peer on its behalf, for private
	// data access) refused the transaction; Code says why.
	KindRefused Kind = iota + 1
	// KindUnavailable: the peer or orderer could not be reached, was
	// overloaded or timed out before the transaction was ordered. Nothing
	// was committed; retrying later may succeed.
	KindUnavailable
	// KindConflict: the transaction was ordered but invalidated by a
	// read conflict with a concurrent one (MVCC_READ_CONFLICT,
	// PHANTOM_READ_CONFLICT). Nothing was committed; a retry re-executes
	// it against the new state.
	KindConflict
	// KindInvalid: the transaction was ordered but invalidated for another
	// reason (e.g. ENDORSEMENT_POLICY_FAILURE). Retrying will not help.
	KindInvalid
	// KindUnknownOutcome: the transaction was handed to the orderer but its
	// commit status could not be obtained. It may or may not be committed:
	// check TxID before trying again.
	KindUnknownOutcome
	// KindPeer: any other error reported by the peer or gateway.
	KindPeer
)

var kindNames = map[Kind]string{
	KindRefused: "refused", KindUnavailable: "unavailable", KindConflict: "conflict",
	KindInvalid: "invalid", KindUnknownOutcome: "unknown_outcome", KindPeer: "peer_error",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a failed ledger call.
type Error struct {
	Kind Kind
	// Code is the chaincode's error code when Kind is KindRefused, parsed
	// from its "[CODE] message (rule N)" text.
	Code errs.Code
	Rule int
	// Message is the chaincode's message without code and rule for
	// KindRefused, otherwise a description of the failure.
	Message string
	// TxID is the transaction ID, when one was assigned.
	TxID string
	// ValidationCode is the commit validation code for KindConflict and
	// KindInvalid, e.g. "MVCC_READ_CONFLICT".
	ValidationCode string
	// Retryable reports whether the same request may succeed if sent again
	// (nothing was committed and the cause is transient).
	Retryable bool
	// NotOrdered reports a transaction that failed before it reached the
	// orderers (its endorsement failed: the peers disagreed, a peer or the
	// chaincode service broke mid-call): nothing can commit under its ID,
	// so an Idempotency-Key must not keep the answer, whatever Kind says.
	NotOrdered bool
	// Details are the per-peer messages the Fabric Gateway attached.
	Details []Detail

	cause error
}

// Detail is one peer's or orderer's message.
type Detail struct {
	Address string
	MSPID   string
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ledger ")
	b.WriteString(e.Kind.String())
	if e.Code != "" {
		b.WriteString(" [" + string(e.Code) + "]")
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Rule > 0 {
		fmt.Fprintf(&b, " (rule %d)", e.Rule)
	}
	if e.TxID != "" {
		b.WriteString(" (tx " + e.TxID + ")")
	}
	return b.String()
}

// Unwrap returns the fabric-gateway or gRPC error.
func (e *Error) Unwrap() error { return e.cause }

// chaincodeDown lists the peer messages that mean the chaincode service
// is not running or not reachable (the chaincode-as-a-service process died
// or restarts).
var chaincodeDown = []string{
	"could not launch chaincode",
}

// disseminationFailed is the endorsing peer's message when it could not
// push a transaction's private data to the collection's required number
// of other peers in time (peer.gossip.pvtData.pushAckTimeout): it returns
// no endorsement, so nothing was ordered, and the same proposal succeeds
// once those peers answer again (seen on an overloaded box).
var disseminationFailed = []string{
	"failed to distribute private collection",
}

// endorserUnreachable reports an endorsement that failed only because
// endorsing peers could not be reached: every detail is the gateway
// peer's gRPC call to another peer failing Unavailable.
func endorserUnreachable(details []Detail) bool {
	for _, d := range details {
		if !strings.Contains(d.Message, "code = Unavailable") {
			return false
		}
	}
	return len(details) > 0
}

// accessDenied lists the peer messages that mean "this identity or org may
// not read or write that", which the peer reports without a chaincode code:
// private data of a collection the caller's org is not a member of, and
// channel ACL refusals.
var accessDenied = []string{
	"does not have read access",
	"does not have write access",
	"access denied",
}

// Classify turns any error from the fabric-gateway client into an *Error.
// txID is the transaction ID when the caller knows it (Submit); nil stays nil.
func Classify(err error, txID string) *Error {
	if err == nil {
		return nil
	}
	var le *Error
	if errors.As(err, &le) {
		return le
	}
	e := &Error{cause: err, TxID: txID}
	var endorseErr *client.EndorseError
	e.NotOrdered = errors.As(err, &endorseErr)
	var te *client.TransactionError
	if errors.As(err, &te) && te.TransactionID != "" {
		e.TxID = te.TransactionID
	}

	var commitErr *client.CommitError
	if errors.As(err, &commitErr) {
		e.TxID = commitErr.TransactionID
		classifyValidation(e, commitErr.Code)
		return e
	}
	var statusErr *client.CommitStatusError
	if errors.As(err, &statusErr) {
		e.Kind = KindUnknownOutcome
		e.Message = "the transaction was submitted but its commit status is unknown: " + grpcStatus(err).Message()
		return e
	}

	st := grpcStatus(err)
	for _, d := range st.Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok {
			e.Details = append(e.Details, Detail{Address: ed.GetAddress(), MSPID: ed.GetMspId(), Message: ed.GetMessage()})
		}
	}
	texts := make([]string, 0, len(e.Details)+1)
	for _, d := range e.Details {
		texts = append(texts, d.Message)
	}
	texts = append(texts, st.Message())
	for _, t := range texts {
		if code, rule, msg, ok := errs.Parse(t); ok {
			e.Kind, e.Code, e.Rule, e.Message = KindRefused, code, rule, msg
			return e
		}
	}
	for _, t := range texts {
		if containsAny(strings.ToLower(t), accessDenied) {
			e.Kind, e.Code, e.Message = KindRefused, errs.Forbidden, peerMessage(t)
			return e
		}
	}

	e.Message = st.Message()
	if len(e.Details) > 0 && !strings.Contains(e.Message, e.Details[0].Message) {
		e.Message += ": " + e.Details[0].Message
	}
	if e.NotOrdered && endorserUnreachable(e.Details) {
		// An endorsing peer's connection failed mid-call (on a loaded
		// box the gateway peer drops a connection to a peer it briefly
		// believes gone): the proposal was never ordered, so it is safe
		// to send again.
		e.Kind, e.Retryable = KindUnavailable, true
		return e
	}
	for _, t := range texts {
		if containsAny(t, chaincodeDown) || containsAny(t, disseminationFailed) {
			// The peer could not reach the chaincode service, or the
			// other peers of a collection: nothing was endorsed, and a
			// retry succeeds once they answer.
			e.Kind, e.Retryable = KindUnavailable, true
			return e
		}
	}
	var submitErr *client.SubmitError
	switch {
	case errors.As(err, &submitErr):
		// The orderer did not accept the transaction: nothing will commit.
		e.Kind, e.Retryable = KindUnavailable, true
	case st.Code() == codes.Unavailable, st.Code() == codes.ResourceExhausted, st.Code() == codes.DeadlineExceeded:
		e.Kind, e.Retryable = KindUnavailable, true
	case st.Code() == codes.Canceled:
		// The caller went away; report it as unavailable (nothing was ordered).
		e.Kind, e.Retryable = KindUnavailable, true
	default:
		e.Kind = KindPeer
	}
	return e
}

// grpcStatus finds the gRPC status in err's chain and returns it as its
// producer made it (status.Convert on a wrapped error would prefix the
// message with the wrapping text).
func grpcStatus(err error) *status.Status {
	var gs interface{ GRPCStatus() *status.Status }
	if errors.As(err, &gs) {
		if st := gs.GRPCStatus(); st != nil {
			return st
		}
	}
	return status.Convert(err)
}

// classifyValidation sets Kind from a commit validation code.
func classifyValidation(e *Error, code peer.TxValidationCode) {
	e.ValidationCode = code.String()
	switch code {
	case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT:
		e.Kind, e.Retryable = KindConflict, true
		e.Message = "the transaction conflicted with a concurrent one and was not committed (" + e.ValidationCode + "); retry it"
	default:
		e.Kind = KindInvalid
		e.Message = "the transaction was ordered but is invalid (" + e.ValidationCode + ")"
	}
}

// peerMessage trims the transport prefixes the gateway adds to a peer's message.
func peerMessage(t string) string {
	for _, p := range []string{"chaincode response 500, ", "evaluate call to endorser returned error: "} {
		if i := strings.LastIndex(t, p); i >= 0 {
			t = t[i+len(p):]
		}
	}
	return t
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// detailsText joins the gateway's per-peer error details of err.
func detailsText(err error) string {
	var b strings.Builder
	for _, d := range grpcStatus(err).Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok {
			b.WriteString(ed.GetMessage())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// mismatchReason names the peers whose endorsements differed and what the
// gateway said of each ("Org3MSP 127.0.0.1:9151: ProposalResponsePayloads
// do not match").
func mismatchReason(err error) string {
	var parts []string
	for _, d := range grpcStatus(err).Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok {
			parts = append(parts, fmt.Sprintf("%s %s: %s", ed.GetMspId(), ed.GetAddress(), ed.GetMessage()))
		}
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, "; ")
}
