package errs

import "net/http"

// Code is a stable, machine-readable error code. Codes are part of the
// chaincode's public contract: clients branch on them, so a code is never
// renamed or reused for another meaning.
type Code string

// Generic codes, used by every contract.
const (
	BadInput            Code = "BAD_INPUT"            // malformed or invalid argument; Error.Field names it
	NotFound            Code = "NOT_FOUND"            // the named object does not exist
	AlreadyExists       Code = "ALREADY_EXISTS"       // an object with that key exists already
	Unauthenticated     Code = "UNAUTHENTICATED"      // no usable identity in the transaction
	Forbidden           Code = "FORBIDDEN"            // role or MSP not allowed; the message names what is required
	WrongState          Code = "WRONG_STATE"          // the object is not in a state that allows this (e.g. tape already sealed)
	InsufficientBalance Code = "INSUFFICIENT_BALANCE" // not enough cash or units
	Overflow            Code = "OVERFLOW"             // a result would not fit in its integer type
	LimitExceeded       Code = "LIMIT_EXCEEDED"       // a configured limit would be exceeded (e.g. a mint gate)
	Conflict            Code = "CONFLICT"             // the request conflicts with another one (e.g. hashes differ)
	Internal            Code = "INTERNAL"             // a bug or corrupted state; never the client's fault
	FixingUnresolved    Code = "FIXING_UNRESOLVED"    // an index's fixing rule is not met (too few sources, spread too wide); the message names the rule and the sources
)

// Transfer-rule codes. The rule numbers, the order in which the rules are
// checked and the parties they apply to are defined by package rules; every
// refusal carries the code here and the number in Error.Rule.
const (
	RulePaused               Code = "RULE_PAUSED"
	RuleNotConsortium        Code = "RULE_NOT_CONSORTIUM"
	RuleInvestorType         Code = "RULE_INVESTOR_TYPE"
	RuleJurisdictionBlocked  Code = "RULE_JURISDICTION_BLOCKED"
	RuleNotAttested          Code = "RULE_NOT_ATTESTED"
	RuleKYCExpired           Code = "RULE_KYC_EXPIRED"
	RuleAccreditationExpired Code = "RULE_ACCREDITATION_EXPIRED"
	RuleFrozen               Code = "RULE_FROZEN"
	RuleLockup               Code = "RULE_LOCKUP"
	RuleInsufficientUnits    Code = "RULE_INSUFFICIENT_UNITS"
	RuleDenomination         Code = "RULE_DENOMINATION"
	RuleMinHolding           Code = "RULE_MIN_HOLDING"
	RuleMaxBalance           Code = "RULE_MAX_BALANCE"
	RuleMaxHolders           Code = "RULE_MAX_HOLDERS"
)

// CodeInfo documents one code: what it means and the HTTP status the REST
// gateway answers with.
type CodeInfo struct {
	Code        Code   `json:"code"`
	Status      int    `json:"status"`
	Description string `json:"description"`
}

// codes is the single table behind Codes, HTTPStatus and Known.
var codes = []CodeInfo{
	{BadInput, http.StatusBadRequest, "malformed or invalid argument; the message names the field or row"},
	{NotFound, http.StatusNotFound, "the named object does not exist"},
	{AlreadyExists, http.StatusConflict, "an object with that key already exists"},
	{Unauthenticated, http.StatusUnauthorized, "the transaction carries no usable identity"},
	{Forbidden, http.StatusForbidden, "the caller's role or MSP may not do this; the message names the role required"},
	{WrongState, http.StatusConflict, "the object is not in a state that allows this operation"},
	{InsufficientBalance, http.StatusUnprocessableEntity, "not enough cash or units"},
	{Overflow, http.StatusUnprocessableEntity, "a result would overflow its integer type"},
	{LimitExceeded, http.StatusUnprocessableEntity, "a configured limit would be exceeded"},
	{Conflict, http.StatusConflict, "the request conflicts with another one"},
	{Internal, http.StatusInternalServerError, "internal error or corrupted state"},
	{FixingUnresolved, http.StatusConflict, "an index fixing's rule is not met yet; the message names the rule and the missing, stale or late sources"},

	{RulePaused, http.StatusUnprocessableEntity, "transfer rule: tranche paused or transfers stopped"},
	{RuleNotConsortium, http.StatusUnprocessableEntity, "transfer rule: a party's MSP is not a consortium member"},
	{RuleInvestorType, http.StatusUnprocessableEntity, "transfer rule: receiver's investor type not eligible"},
	{RuleJurisdictionBlocked, http.StatusUnprocessableEntity, "transfer rule: receiver's jurisdiction not allowed or blocked"},
	{RuleNotAttested, http.StatusUnprocessableEntity, "transfer rule: a party has no valid compliance attestation"},
	{RuleKYCExpired, http.StatusUnprocessableEntity, "transfer rule: a party's KYC is missing or expired"},
	{RuleAccreditationExpired, http.StatusUnprocessableEntity, "transfer rule: receiver's accreditation is missing or expired"},
	{RuleFrozen, http.StatusUnprocessableEntity, "transfer rule: a party or the units are frozen"},
	{RuleLockup, http.StatusUnprocessableEntity, "transfer rule: tranche in lock-up"},
	{RuleInsufficientUnits, http.StatusUnprocessableEntity, "transfer rule: sender holds fewer units than requested"},
	{RuleDenomination, http.StatusUnprocessableEntity, "transfer rule: amount not an allowed denomination"},
	{RuleMinHolding, http.StatusUnprocessableEntity, "transfer rule: a resulting holding below the minimum"},
	{RuleMaxBalance, http.StatusUnprocessableEntity, "transfer rule: receiver's holding above the maximum per holder"},
	{RuleMaxHolders, http.StatusUnprocessableEntity, "transfer rule: too many holders"},
}

// Codes lists every code with its HTTP status and a one-line description,
// in a fixed order (generic codes first, then rule codes), for
// documentation and for the gateway's OpenAPI document.
func Codes() []CodeInfo {
	out := make([]CodeInfo, len(codes))
	copy(out, codes)
	return out
}

func lookup(c Code) (CodeInfo, bool) {
	for _, ci := range codes {
		if ci.Code == c {
			return ci, true
		}
	}
	return CodeInfo{}, false
}

// Known reports whether c is one of the codes listed by Codes.
func Known(c Code) bool {
	_, ok := lookup(c)
	return ok
}

// HTTPStatus maps a code to the status the REST gateway answers with:
// 400 bad input, 401 unauthenticated, 403 forbidden, 404 not found,
// 409 for state conflicts, 422 for refusals of well-formed requests
// (transfer rules, balances, limits) and 500 for internal or unknown codes.
func HTTPStatus(c Code) int {
	if ci, ok := lookup(c); ok {
		return ci.Status
	}
	return http.StatusInternalServerError
}
