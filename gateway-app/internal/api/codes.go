package api

import (
	"net/http"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Codes the gateway itself answers with, in addition to the chaincode's
// (package errs). Like the chaincode's, they are stable: clients branch on
// them.
const (
	CodeBadInput             = string(errs.BadInput)
	CodeUnauthenticated      = string(errs.Unauthenticated)
	CodeForbidden            = string(errs.Forbidden)
	CodeNotFound             = string(errs.NotFound)
	CodeInternal             = string(errs.Internal)
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
	CodeIdempotencyUnknown   = "IDEMPOTENCY_OUTCOME_UNKNOWN"
	CodeLedgerUnavailable    = "LEDGER_UNAVAILABLE"
	CodeTxConflict           = "TX_CONFLICT"
	CodeTxInvalid            = "TX_INVALID"
	CodeOutcomeUnknown       = "OUTCOME_UNKNOWN"
	CodePeerError            = "PEER_ERROR"
	CodeUploadInvalid        = "UPLOAD_INVALID"
	CodeStorageUnavailable   = "STORAGE_UNAVAILABLE"
	CodeIdempotencyApplied   = "IDEMPOTENCY_APPLIED"
	CodeCARefused            = "CA_REFUSED"
	CodeCAUnavailable        = "CA_UNAVAILABLE"
)

// CodeInfo documents one problem code.
type CodeInfo struct {
	Code        string `json:"code"`
	Status      int    `json:"status"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Source is "gateway" or "chaincode".
	Source string `json:"source"`
}

var gatewayCodes = []CodeInfo{
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed, "", "the path exists but not with this method; the Allow header lists the methods", "gateway"},
	{CodeUnsupportedMediaType, http.StatusUnsupportedMediaType, "", "the request body must be application/json", "gateway"},
	{CodePayloadTooLarge, http.StatusRequestEntityTooLarge, "", "the request body is larger than the gateway accepts", "gateway"},
	{CodeIdempotencyKeyReused, http.StatusUnprocessableEntity, "", "this Idempotency-Key was used by the same user for a different request", "gateway"},
	{CodeIdempotencyUnknown, http.StatusConflict, "", "an earlier request with this Idempotency-Key was interrupted (gateway restart or internal error) after it may have reached the ledger; check the resource, then retry with a new key", "gateway"},
	{CodeIdempotencyApplied, http.StatusConflict, "", "an earlier request with this Idempotency-Key was applied (txId names the transaction) by a gateway process that stopped before answering; read the resource for its result and do not send it again", "gateway"},
	{CodeLedgerUnavailable, http.StatusServiceUnavailable, "", "the peer or orderer could not be reached or is overloaded; nothing was committed; retry after Retry-After seconds with the same Idempotency-Key", "gateway"},
	{CodeTxConflict, http.StatusConflict, "", "the transaction conflicted with a concurrent one (MVCC read conflict) and was not committed; retry with the same Idempotency-Key", "gateway"},
	{CodeTxInvalid, http.StatusBadGateway, "", "the transaction was ordered but the network invalidated it (e.g. endorsement policy failure); txId names it", "gateway"},
	{CodeOutcomeUnknown, http.StatusGatewayTimeout, "", "the transaction was submitted but its commit status is unknown; txId names it; the Idempotency-Key stays bound to this answer so a retry cannot submit twice", "gateway"},
	{CodePeerError, http.StatusBadGateway, "", "the peer reported an error that is neither a chaincode refusal nor unavailability", "gateway"},
	{CodeCARefused, http.StatusBadGateway, "", "the bank's Fabric CA refused the registration, enrollment or revocation; detail carries its answer", "gateway"},
	{CodeCAUnavailable, http.StatusServiceUnavailable, "", "the bank's Fabric CA could not be reached; nothing was onboarded; retry with the same Idempotency-Key", "gateway"},
	{CodeStorageUnavailable, http.StatusServiceUnavailable, "", "the gateway could not write its own store or upload spool (disk full, data directory read-only); nothing was submitted and nothing half-written; retry after Retry-After seconds with the same Idempotency-Key", "gateway"},
	{CodeUploadInvalid, http.StatusUnprocessableEntity, "", "the uploaded file has bad rows or totals that do not add up; errors lists each with its line, loan, field and rule; nothing was submitted", "gateway"},
}

// Codes lists every problem code the API answers with: the chaincode's codes
// (errs.Codes) first, then the gateway's, each with its HTTP status.
func Codes() []CodeInfo {
	var out []CodeInfo
	for _, c := range errs.Codes() {
		out = append(out, CodeInfo{Code: string(c.Code), Status: c.Status, Title: titleFor(string(c.Code)), Description: c.Description, Source: "chaincode"})
	}
	for _, c := range gatewayCodes {
		c.Title = titleFor(c.Code)
		out = append(out, c)
	}
	return out
}

// codeInfo finds a code's entry.
func codeInfo(code string) (CodeInfo, bool) {
	for _, c := range Codes() {
		if c.Code == code {
			return c, true
		}
	}
	return CodeInfo{}, false
}

// titleFor turns RULE_KYC_EXPIRED into "Rule kyc expired": a short,
// stable title, as RFC 9457 asks (the same for every occurrence of a type).
func titleFor(code string) string {
	words := strings.Split(strings.ToLower(code), "_")
	if len(words) == 0 || words[0] == "" {
		return "Error"
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ")
}

// problemType is the URI reference of a code's problem type: the section of
// the gateway's own documentation page that explains it.
func problemType(code string) string { return "/docs#problem-" + code }
