package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// ProblemContentType is RFC 9457's media type.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object, with the extensions every
// tranchenet client can rely on. It is also an error, so handlers return it.
type Problem struct {
	Type     string `json:"type" doc:"URI reference of the problem type: the gateway's documentation of the code"`
	Title    string `json:"title" doc:"short summary of the problem type"`
	Status   int    `json:"status" doc:"HTTP status code"`
	Detail   string `json:"detail,omitempty" doc:"what went wrong with this request, naming the field, row or rule"`
	Instance string `json:"instance,omitempty" doc:"the request path"`
	// Extensions.
	Code       string `json:"code" doc:"stable machine-readable code (chaincode or gateway)"`
	Rule       int    `json:"rule,omitempty" doc:"number of the transfer rule that refused the transaction"`
	Field      string `json:"field,omitempty" doc:"the input field at fault, as a path such as tranches[2].rate, or a parameter or header name"`
	Row        int    `json:"row,omitempty" doc:"the row (line) of an uploaded file at fault"`
	TxID       string `json:"txId,omitempty" doc:"Fabric transaction ID, when the request reached the ledger"`
	RetryAfter int    `json:"retryAfter,omitempty" doc:"seconds to wait before retrying (also in the Retry-After header)"`
	RequestID  string `json:"requestId,omitempty" doc:"the request's ID (X-Request-Id), for support"`
	// Errors lists every bad row of a refused upload (bounded).
	Errors []RowProblem `json:"errors,omitempty" doc:"each bad row of a refused file, in file order (a bounded list): line, loan, field and rule"`
	// Limited reports that checking stopped at the error limit.
	Limited bool `json:"limited,omitempty" doc:"the file has more bad rows than listed: checking stopped at the limit"`

	// transient marks an answer after which nothing was committed and a
	// corrected or later retry may succeed (bad request body, ledger
	// unavailable, MVCC conflict): the idempotency layer does not keep it.
	transient bool
}

func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail)
	if p.Field != "" {
		s += " (field " + p.Field + ")"
	}
	return s
}

// NewProblem returns a problem with the code's status, type and title.
func NewProblem(code, format string, args ...any) *Problem {
	p := &Problem{Type: problemType(code), Title: titleFor(code), Status: http.StatusInternalServerError, Code: code,
		Detail: fmt.Sprintf(format, args...)}
	if ci, ok := codeInfo(code); ok {
		p.Status = ci.Status
	}
	return p
}

// RowProblem is one bad row of an uploaded file.
type RowProblem struct {
	Row         int    `json:"row,omitempty" doc:"the line of the file on which the row starts (absent for whole-file totals)"`
	AssetNumber string `json:"assetNumber,omitempty" doc:"the loan"`
	Field       string `json:"field,omitempty" doc:"the EX-102 element, or the control total"`
	Rule        string `json:"rule" doc:"the loantape rule broken (GET /v1/loantape/rules lists them)"`
	Detail      string `json:"detail"`
}

// BadInput returns a 400 problem naming the field at fault.
func BadInput(field, format string, args ...any) *Problem {
	p := NewProblem(CodeBadInput, format, args...)
	p.Field = field
	if field != "" {
		p.Detail = field + ": " + p.Detail
	}
	return p
}

// Retry-After values, in seconds.
const (
	retryAfterUnavailable = 2
	retryAfterConflict    = 1
)

// ProblemFrom maps any error a handler or the ledger returns to the
// problem the API answers with.
func ProblemFrom(err error) *Problem { return problemFrom(err) }

// problemFrom maps any error a handler or the ledger returns to a problem.
func problemFrom(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var le *ledger.Error
	if errors.As(err, &le) {
		return problemFromLedger(le)
	}
	if p := storageProblem(err); p != nil {
		return p
	}
	var ce *errs.Error
	if errors.As(err, &ce) {
		p := NewProblem(string(ce.Code), "%s", ce.Msg)
		p.Status, p.Rule, p.Field = errs.HTTPStatus(ce.Code), ce.Rule, ce.Field
		return p
	}
	return NewProblem(CodeInternal, "internal error; the gateway's log has the details under this request's ID")
}

func problemFromLedger(le *ledger.Error) *Problem {
	var p *Problem
	switch le.Kind {
	case ledger.KindRefused:
		p = NewProblem(string(le.Code), "%s", le.Message)
		p.Status = refusalStatus(le.Code)
		p.Rule = le.Rule
		if le.Code == errs.BadInput {
			p.Field = fieldOf(le.Message)
		}
		p.Row = rowOf(le.Message)
	case ledger.KindUnavailable:
		p = NewProblem(CodeLedgerUnavailable, "ledger unavailable: %s", le.Message)
		p.RetryAfter, p.transient = retryAfterUnavailable, true
	case ledger.KindConflict:
		p = NewProblem(CodeTxConflict, "%s", le.Message)
		p.RetryAfter, p.transient = retryAfterConflict, true
	case ledger.KindInvalid:
		p = NewProblem(CodeTxInvalid, "%s", le.Message)
	case ledger.KindUnknownOutcome:
		p = NewProblem(CodeOutcomeUnknown, "%s", le.Message)
	default:
		p = NewProblem(CodePeerError, "peer error: %s", le.Message)
	}
	if le.NotOrdered && !p.transient && le.Kind != ledger.KindRefused {
		// Failed before ordering (e.g. "ProposalResponsePayloads do not
		// match"): nothing committed, so a retry with the same key runs
		// again. A refusal stays stored: the chaincode would refuse again.
		p.RetryAfter, p.transient = retryAfterUnavailable, true
	}
	p.TxID = le.TxID
	return p
}

// refusalStatus is the status of a chaincode refusal. A well-formed code
// this gateway does not know (from a newer chaincode) is still a refusal of
// the request, so 422 rather than errs.HTTPStatus's 500.
func refusalStatus(code errs.Code) int {
	if errs.Known(code) {
		return errs.HTTPStatus(code)
	}
	return http.StatusUnprocessableEntity
}

var (
	// errs.Field renders "path: message"; a path is identifiers with
	// [index] and .member parts.
	fieldPrefix = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*): `)
	// Loan-tape errors start with "line N" (loantape.RowError) or "row N".
	rowPrefix = regexp.MustCompile(`^(?:line|row) ([0-9]{1,9})\b`)
)

func fieldOf(msg string) string {
	if m := fieldPrefix.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

func rowOf(msg string) int {
	if m := rowPrefix.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// writeProblem answers with p as application/problem+json.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	info := infoFrom(r.Context())
	p.Instance = r.URL.Path
	if info != nil {
		p.RequestID = info.requestID
		if p.Code == CodeStorageUnavailable && info.submitted {
			// The ledger may hold this request's transaction: the answer
			// must not free the key for a second submission.
			p.transient = false
		}
		if p.transient {
			info.transient = true
		}
		if p.TxID != "" {
			info.txID = p.TxID
		}
	}
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	if p.TxID != "" {
		w.Header().Set(HeaderTransactionID, p.TxID)
	}
	if p.Status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "request failed", slog.Int("status", p.Status),
			slog.String("code", p.Code), slog.String("detail", p.Detail))
	}
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal","status":500,"code":"INTERNAL"}`)
	}
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	w.Write(append(body, '\n'))
}
