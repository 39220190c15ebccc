package rules

import (
	"errors"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Verdict is CanTransfer's answer, as JSON:
//
//	{"allowed":false,"code":"RULE_KYC_EXPIRED","rule":6,"message":"transfer refused: receiver KYC expired at ..."}
type Verdict struct {
	Allowed bool      `json:"allowed"`
	Code    errs.Code `json:"code,omitempty"`
	Rule    int       `json:"rule,omitempty"`
	Message string    `json:"message,omitempty"`
}

// Evaluate runs Check and reports its result as a Verdict.
func Evaluate(r TrancheRules, t Transfer, s State) Verdict {
	return VerdictOf(Check(r, t, s))
}

// VerdictOf turns Check's result into a Verdict: allowed when err is nil,
// otherwise its code, rule number and message (INTERNAL for an error
// without a code).
func VerdictOf(err error) Verdict {
	if err == nil {
		return Verdict{Allowed: true}
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return Verdict{Code: e.Code, Rule: e.Rule, Message: e.Msg}
	}
	return Verdict{Code: errs.Internal, Message: err.Error()}
}
