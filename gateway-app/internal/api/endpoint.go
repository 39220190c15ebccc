package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// Endpoint declares one API operation. Req is the JSON request body type
// (NoBody for none) and Resp the JSON response type. The declaration is
// used three times: to serve the request, to check the caller's role and to
// document the operation in the OpenAPI document.
//
// Either Tx (a chaincode transaction, optionally with Result to shape its
// payload) or Handle (anything else) does the work. A chaincode endpoint is
// typically a dozen lines:
//
//	Register(s, Endpoint[PutValue, ProbeWrite]{
//		Method: "PUT", Path: "/v1/probe/public/{key}", Tag: "probe",
//		Summary: "Write a public probe value",
//		Roles:   []roles.Role{roles.Admin},
//		Params:  []Param{probeKeyParam},
//		Tx: &Tx[PutValue]{Fn: "Probe:PutPublic", Submit: true,
//			Args: func(c *Call, req *PutValue) ([]string, error) { return []string{c.Path("key"), req.Value}, nil }},
//		Result: probeWritten,
//	})
type Endpoint[Req, Resp any] struct {
	Method string // GET, PUT, POST, PATCH or DELETE
	// Path is a net/http ServeMux path pattern under /v1, e.g.
	// "/v1/deals/{deal}/tranches"; every {wildcard} must be declared in Params.
	Path string
	// ID is the OpenAPI operationId; derived from method and path if empty.
	ID          string
	Summary     string
	Description string
	Tag         string
	// Roles: the caller needs at least one of them (checked locally for a
	// fast, clear answer; the chaincode checks again and decides). Empty
	// means any authenticated user.
	Roles  []roles.Role
	Params []Param
	// Status is the success status; default 200.
	Status int

	Tx *Tx[Req]
	// Result builds the response from the transaction's result. When nil,
	// the chaincode's payload is decoded as JSON into Resp.
	Result func(c *Call, req *Req, res ledger.Result) (*Resp, error)
	// Handle serves an endpoint that is not one chaincode transaction.
	Handle func(c *Call, req *Req) (*Resp, error)

	// Upload makes the request body a file rather than JSON (Req must be
	// NoBody): it is spooled to disk before the handler runs, which reads
	// it, as many times as it needs, with Call.Upload.
	Upload *Upload
	// Alternates are other representations of the response, chosen with
	// the query parameter format (declare it in Params); JSON is the
	// default.
	Alternates []Alternate[Resp]
	// Chaincode documents the functions a Handle endpoint runs (a Tx
	// endpoint documents its own).
	Chaincode []string
}

// Alternate renders a response in another format than JSON.
type Alternate[Resp any] struct {
	Format      string // the value of ?format=
	ContentType string
	Render      func(resp *Resp) ([]byte, error)
}

// Tx declares the chaincode transaction an endpoint runs, as the user's
// Fabric identity.
type Tx[Req any] struct {
	// Fn is "Contract:Function".
	Fn string
	// Submit orders the transaction (a write); false evaluates it on the
	// bank's peer (a read).
	Submit bool
	// Args builds the transaction's arguments.
	Args func(c *Call, req *Req) ([]string, error)
	// Transient builds the private inputs, which never reach the ledger;
	// TransientFields documents their keys.
	Transient       func(c *Call, req *Req) (map[string][]byte, error)
	TransientFields []string
	// Collections names the private data collections the transaction
	// writes; their endorsing orgs come from the configuration
	// (endorsement.collections). Own makes the bank's own peer answer an
	// evaluation (for reads of the bank's private data).
	Collections func(c *Call, req *Req) []string
	Own         bool
	// Party names the other organisation the function's endorsement kind
	// needs (the pool's servicer for trustee+servicer); see package
	// endorse. Functions of the generated endorsement table get their
	// endorsers (or, for queries, the peer that answers) from it, unless
	// Collections or Own say otherwise.
	Party func(c *Call, req *Req) (string, error)
}

// NoBody is the Req of an endpoint that takes no request body.
type NoBody struct{}

// Validator is implemented by request types that check themselves after
// decoding; errors should be BadInput problems or errs.Field errors naming
// the field.
type Validator interface {
	Validate() error
}

// Param declares a path or query parameter: its documentation and the
// checks applied before the handler runs.
type Param struct {
	Name        string
	In          string // "path" or "query"
	Description string
	Required    bool // path parameters are always required
	// Type is the OpenAPI type: "string" (default), "integer" or "boolean";
	// Format refines it ("date-time").
	Type, Format string
	// Pattern, MaxLength and Enum constrain the value (checked).
	Pattern   string
	MaxLength int
	Enum      []string
	Example   string
}

// Register adds an endpoint to the server. Declaration mistakes (a
// wildcard without a Param, both or neither of Tx and Handle) panic at
// start-up: they are programming errors.
func Register[Req, Resp any](s *Server, e Endpoint[Req, Resp]) {
	if (e.Tx == nil) == (e.Handle == nil) {
		panic(fmt.Sprintf("api: %s %s: declare exactly one of Tx and Handle", e.Method, e.Path))
	}
	if e.Result != nil && e.Tx == nil {
		panic(fmt.Sprintf("api: %s %s: Result needs Tx", e.Method, e.Path))
	}
	if e.Tx != nil && e.Tx.Args == nil {
		panic(fmt.Sprintf("api: %s %s: Tx needs Args", e.Method, e.Path))
	}
	if e.Tx != nil {
		if kind, ok := endorse.Kind(e.Tx.Fn); ok && endorse.IsQuery(kind) == e.Tx.Submit {
			panic(fmt.Sprintf("api: %s %s: %s is endorsed as %q: Submit must be %v", e.Method, e.Path, e.Tx.Fn, kind, !e.Tx.Submit))
		}
	}
	if e.Upload != nil && reflect.TypeFor[Req]() != reflect.TypeFor[NoBody]() {
		panic(fmt.Sprintf("api: %s %s: an upload's body is the file: Req must be NoBody", e.Method, e.Path))
	}
	if len(e.Alternates) > 0 && !slices.ContainsFunc(e.Params, func(p Param) bool { return p.Name == "format" && p.In == "query" }) {
		panic(fmt.Sprintf("api: %s %s: alternates need the query parameter format", e.Method, e.Path))
	}
	if !strings.HasPrefix(e.Path, "/v1/") {
		panic(fmt.Sprintf("api: %s %s: resource paths start with /v1/", e.Method, e.Path))
	}
	switch e.Method {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodPatch, http.MethodDelete:
	default:
		panic(fmt.Sprintf("api: %s %s: unsupported method", e.Method, e.Path))
	}
	params := compileParams(e.Method, e.Path, e.Params)
	status := e.Status
	if status == 0 {
		status = http.StatusOK
	}
	rt := &route{
		method: e.Method, path: e.Path, id: e.ID, summary: e.Summary, description: e.Description, tag: e.Tag,
		roles: e.Roles, params: params, status: status, write: isWrite(e.Method),
		reqType: reflect.TypeFor[Req](), respType: reflect.TypeFor[Resp](),
	}
	if e.Tx != nil {
		rt.tx = &txDoc{Fn: e.Tx.Fn, Submit: e.Tx.Submit, Transient: e.Tx.TransientFields, Collections: e.Tx.Collections != nil}
		if kind, ok := endorse.Kind(e.Tx.Fn); ok {
			rt.tx.Endorsement = string(kind)
		}
	}
	rt.functions = slices.Clone(e.Chaincode)
	if e.Upload != nil {
		rt.upload = e.Upload
	}
	for _, a := range e.Alternates {
		rt.alternates = append(rt.alternates, a.ContentType)
	}
	serve := func(c *Call) {
		req, p := new(Req), (*Problem)(nil)
		if e.Upload == nil {
			req, p = decodeRequest[Req](c.Request, s.cfg.MaxBodyBytes)
		}
		if p != nil {
			// Refused before anything ran: the Idempotency-Key stays free
			// for the corrected request.
			p.transient = true
			s.writeProblem(c.w, c.Request, p)
			return
		}
		var resp *Resp
		var err error
		if e.Tx != nil {
			resp, err = runTx(c, e, req)
		} else {
			resp, err = e.Handle(c, req)
		}
		if err != nil {
			s.writeProblem(c.w, c.Request, problemFrom(err))
			return
		}
		format := c.Query("format")
		if format == "" {
			format = acceptedFormat(c.Request.Header.Get("Accept"), e.Alternates)
		}
		if format != "" && format != "json" {
			for _, a := range e.Alternates {
				if a.Format == format {
					s.writeRendered(c, status, a.ContentType, func() ([]byte, error) { return a.Render(resp) })
					return
				}
			}
		}
		s.writeJSON(c.w, status, resp)
	}
	rt.handler = s.wrap(rt, serve)
	s.register(rt)
}

// runTx builds the ledger transaction from the declaration and runs it.
func runTx[Req, Resp any](c *Call, e Endpoint[Req, Resp], req *Req) (*Resp, error) {
	args, err := e.Tx.Args(c, req)
	if err != nil {
		return nil, err
	}
	tx := ledger.Tx{Fn: e.Tx.Fn, Args: args}
	if e.Tx.Transient != nil {
		if tx.Transient, err = e.Tx.Transient(c, req); err != nil {
			return nil, err
		}
	}
	switch {
	case e.Tx.Collections != nil:
		tx.Endorsers = c.Endorsers(e.Tx.Collections(c, req)...)
	case e.Tx.Own && !e.Tx.Submit:
		tx.Endorsers = []string{c.MSPID()}
	default:
		party := ""
		if e.Tx.Party != nil {
			if party, err = e.Tx.Party(c, req); err != nil {
				return nil, err
			}
		}
		if tx.Endorsers, err = c.resolveEndorsers(e.Tx.Fn, party); err != nil {
			return nil, err
		}
	}
	var res ledger.Result
	if e.Tx.Submit {
		res, err = c.Submit(tx)
	} else {
		res, err = c.Evaluate(tx)
	}
	if err != nil {
		return nil, err
	}
	if e.Result != nil {
		return e.Result(c, req, res)
	}
	resp := new(Resp)
	if len(res.Payload) > 0 {
		if err := json.Unmarshal(res.Payload, resp); err != nil {
			return nil, fmt.Errorf("decode %s payload: %w", e.Tx.Fn, err)
		}
	}
	return resp, nil
}

// compiledParam is a Param with its pattern compiled.
type compiledParam struct {
	Param
	re *regexp.Regexp
}

var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

func compileParams(method, path string, ps []Param) []compiledParam {
	declared := map[string]bool{}
	var out []compiledParam
	for _, p := range ps {
		if p.In != "path" && p.In != "query" {
			panic(fmt.Sprintf("api: %s %s: parameter %s: In must be path or query", method, path, p.Name))
		}
		if p.In == "path" {
			p.Required = true
			if !strings.Contains(path, "{"+p.Name+"}") {
				panic(fmt.Sprintf("api: %s %s: path parameter %s is not in the path", method, path, p.Name))
			}
		}
		declared[p.In+":"+p.Name] = true
		cp := compiledParam{Param: p}
		if p.Pattern != "" {
			cp.re = regexp.MustCompile(p.Pattern)
		}
		out = append(out, cp)
	}
	for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
		if !declared["path:"+m[1]] {
			panic(fmt.Sprintf("api: %s %s: declare path parameter %s in Params", method, path, m[1]))
		}
	}
	return out
}

// check validates the request's parameter values.
func (p compiledParam) check(r *http.Request) *Problem {
	var v string
	var present bool
	if p.In == "path" {
		v = r.PathValue(p.Name)
		present = v != ""
	} else {
		present = r.URL.Query().Has(p.Name)
		v = r.URL.Query().Get(p.Name)
	}
	switch {
	case !present && p.Required:
		return BadInput(p.Name, "required %s parameter", p.In)
	case !present:
		return nil
	case p.MaxLength > 0 && len(v) > p.MaxLength:
		return BadInput(p.Name, "at most %d bytes, got %d", p.MaxLength, len(v))
	case p.re != nil && !p.re.MatchString(v):
		return BadInput(p.Name, "%q does not match %s", v, p.Pattern)
	case len(p.Enum) > 0 && !slices.Contains(p.Enum, v):
		return BadInput(p.Name, "%q is not one of %s", v, strings.Join(p.Enum, ", "))
	}
	return nil
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// writeRendered answers with a non-JSON representation.
func (s *Server) writeRendered(c *Call, status int, contentType string, render func() ([]byte, error)) {
	body, err := render()
	if err != nil {
		s.writeProblem(c.w, c.Request, problemFrom(err))
		return
	}
	c.w.Header().Set("Content-Type", contentType)
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "error", err.Error())
		status, body = http.StatusInternalServerError, []byte(`{"type":"/docs#problem-INTERNAL","title":"Internal","status":500,"code":"INTERNAL"}`)
		w.Header().Set("Content-Type", ProblemContentType)
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
