package throughput

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/tranchenet/tranchenet/test-network/tnet"
)

var ruleCode = regexp.MustCompile(`\[([A-Z][A-Z0-9_]+)\]`)

// ErrorKind names what went wrong, for the error counts by kind: a commit
// validation code (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT,
// ENDORSEMENT_POLICY_FAILURE), endorsement mismatch between peers, a
// chaincode refusal's stable code (RULE_…, INSUFFICIENT_…), a timeout, or
// "other".
func ErrorKind(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	text := tnet.ErrorText(err)
	for _, code := range []string{"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "ENDORSEMENT_POLICY_FAILURE", "DUPLICATE_TXID"} {
		if strings.Contains(text, code) {
			return code
		}
	}
	switch {
	case strings.Contains(text, "ProposalResponsePayloads do not match"):
		return "endorsements differ"
	case strings.Contains(text, "DeadlineExceeded"), strings.Contains(text, "deadline exceeded"):
		return "timeout"
	case strings.Contains(text, "HTTP 409"), strings.Contains(text, ": 409 "):
		return "HTTP 409"
	}
	if m := ruleCode.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	if m := regexp.MustCompile(`"code":"([A-Z_]+)"`).FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return "other"
}
