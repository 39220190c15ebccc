package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The OpenAPI 3.1 document, built once from the registered routes.

type openAPIDoc struct {
	OpenAPI    string                          `json:"openapi"`
	Info       openAPIInfo                     `json:"info"`
	Tags       []openAPITag                    `json:"tags,omitempty"`
	Paths      map[string]map[string]operation `json:"paths"`
	Components components                      `json:"components"`
	// ProblemTypes documents every problem code (x-problem-types).
	ProblemTypes []CodeInfo `json:"x-problem-types"`
}

type openAPIInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

type openAPITag struct {
	Name string `json:"name"`
}

type operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Description string                `json:"description,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []parameter           `json:"parameters,omitempty"`
	RequestBody *requestBody          `json:"requestBody,omitempty"`
	Responses   map[string]response   `json:"responses"`
	Security    []map[string][]string `json:"security"`
	Roles       []string              `json:"x-roles,omitempty"`
	Chaincode   *txDoc                `json:"x-chaincode,omitempty"`
	// Functions are the chaincode functions an endpoint that is not one
	// transaction runs (an upload's chunks, a replay's query).
	Functions []string `json:"x-chaincode-functions,omitempty"`
}

type parameter struct {
	Ref         string  `json:"$ref,omitempty"`
	Name        string  `json:"name,omitempty"`
	In          string  `json:"in,omitempty"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *Schema `json:"schema,omitempty"`
	Example     string  `json:"example,omitempty"`
}

type requestBody struct {
	Description string               `json:"description,omitempty"`
	Required    bool                 `json:"required"`
	Content     map[string]mediaType `json:"content"`
}

type mediaType struct {
	Schema *Schema `json:"schema"`
}

type response struct {
	Ref         string               `json:"$ref,omitempty"`
	Description string               `json:"description,omitempty"`
	Headers     map[string]header    `json:"headers,omitempty"`
	Content     map[string]mediaType `json:"content,omitempty"`
}

type header struct {
	Description string  `json:"description"`
	Schema      *Schema `json:"schema"`
}

type components struct {
	Schemas         map[string]*Schema        `json:"schemas"`
	Responses       map[string]response       `json:"responses"`
	Parameters      map[string]parameter      `json:"parameters"`
	SecuritySchemes map[string]securityScheme `json:"securitySchemes"`
}

type securityScheme struct {
	Type        string `json:"type"`
	Scheme      string `json:"scheme,omitempty"`
	Description string `json:"description,omitempty"`
}

// problemResponses names the shared error responses by status.
var problemResponses = map[int]string{
	400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
	413: "PayloadTooLarge", 415: "UnsupportedMediaType", 422: "Unprocessable", 500: "Internal",
	502: "BadGateway", 503: "Unavailable", 504: "GatewayTimeout",
}

const apiDescription = `Each bank's REST gateway to the tranchenet Fabric network.

Every API user acts as exactly one Fabric identity of this bank, fixed by the gateway's configuration; no request can act as another user or bank. Authenticate with "Authorization: Bearer <token>" or a TLS client certificate.

Request and response bodies are JSON. Amounts, rates and factors are decimal strings, never JSON numbers with fractions. Unknown fields, duplicate keys and trailing data are refused. Errors are RFC 9457 problem details (application/problem+json) with a stable "code"; "x-problem-types" lists every code.

Every write accepts an Idempotency-Key header: a retry with the same key returns the first answer and submits nothing; the same key with a different request is refused (422).

Every request accepts an X-Await-Block header: the X-Block-Number a write answered, at this bank or another. The app then answers only once this bank's peer has committed that block (at most 10 s; else 503 LEDGER_UNAVAILABLE, nothing done), so a client working through several banks' gateways reads its own writes.`

func (s *Server) buildOpenAPI() {
	g := newSchemaGen()
	problem := g.schemaOf(reflect.TypeFor[Problem]())
	doc := openAPIDoc{
		OpenAPI: "3.1.0",
		Info:    openAPIInfo{Title: "tranchenet gateway (" + s.cfg.MSPID + ")", Version: Version, Description: apiDescription},
		Paths:   map[string]map[string]operation{},
		Components: components{
			Responses: map[string]response{},
			Parameters: map[string]parameter{
				"IdempotencyKey": {Name: HeaderIdempotencyKey, In: "header", Schema: &Schema{Type: "string", MaxLength: 255},
					Description: "makes the write safe to retry: the first answer is stored for this user and key and returned to every retry"},
			},
			SecuritySchemes: map[string]securityScheme{
				"bearer":    {Type: "http", Scheme: "bearer", Description: "an API user's token, issued by the bank's gateway administrator"},
				"mutualTLS": {Type: "mutualTLS", Description: "a client certificate mapped to an API user"},
			},
		},
		ProblemTypes: Codes(),
	}
	for status, name := range problemResponses {
		doc.Components.Responses[name] = response{
			Description: http.StatusText(status) + " (problem details)",
			Content:     map[string]mediaType{ProblemContentType: {Schema: problem}},
		}
	}
	seenTags := map[string]bool{}
	for _, rt := range s.routes {
		if rt.hidden {
			continue
		}
		if rt.tag != "" && !seenTags[rt.tag] {
			seenTags[rt.tag] = true
			doc.Tags = append(doc.Tags, openAPITag{Name: rt.tag})
		}
		if doc.Paths[rt.path] == nil {
			doc.Paths[rt.path] = map[string]operation{}
		}
		doc.Paths[rt.path][strings.ToLower(rt.method)] = s.operationFor(rt, g)
	}
	doc.Components.Schemas = g.components
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("api: OpenAPI document: " + err.Error()) // a schema type is not encodable: a bug
	}
	s.doc = raw
}

func (s *Server) operationFor(rt *route, g *schemaGen) operation {
	op := operation{
		OperationID: rt.id, Summary: rt.summary, Description: rt.description, Chaincode: rt.tx, Functions: rt.functions,
		Responses: map[string]response{}, Security: []map[string][]string{{"bearer": {}}, {"mutualTLS": {}}},
	}
	if op.OperationID == "" {
		op.OperationID = operationID(rt.method, rt.path)
	}
	if rt.tag != "" {
		op.Tags = []string{rt.tag}
	}
	if rt.public {
		op.Security = []map[string][]string{}
	}
	for _, r := range rt.roles {
		op.Roles = append(op.Roles, string(r))
	}
	for _, p := range rt.params {
		ps := &Schema{Type: p.Type, Format: p.Format, Pattern: p.Pattern, MaxLength: p.MaxLength, Enum: p.Enum}
		if ps.Type == "" {
			ps.Type = "string"
		}
		op.Parameters = append(op.Parameters, parameter{Name: p.Name, In: p.In, Description: p.Description,
			Required: p.Required, Schema: ps, Example: p.Example})
	}
	if rt.write {
		op.Parameters = append(op.Parameters, parameter{Ref: "#/components/parameters/IdempotencyKey"})
	}
	switch {
	case rt.upload != nil:
		op.RequestBody = &requestBody{Required: true, Description: rt.upload.Description, Content: map[string]mediaType{}}
		for _, ct := range rt.upload.ContentTypes {
			op.RequestBody.Content[ct] = mediaType{Schema: &Schema{Type: "string", Format: "binary"}}
		}
	case rt.reqType != nil && rt.reqType != reflect.TypeFor[NoBody]():
		op.RequestBody = &requestBody{Required: true, Content: map[string]mediaType{"application/json": {Schema: g.schemaOf(rt.reqType)}}}
	}
	ok := response{Description: http.StatusText(rt.status)}
	switch {
	case rt.contentType != "":
		ok.Content = map[string]mediaType{rt.contentType: {Schema: &Schema{Type: "string"}}}
	case rt.respType != nil:
		ok.Content = map[string]mediaType{"application/json": {Schema: g.schemaOf(rt.respType)}}
	}
	for _, ct := range rt.alternates {
		ok.Content[ct] = mediaType{Schema: &Schema{Type: "string"}}
	}
	if rt.tx != nil && rt.tx.Submit {
		ok.Headers = map[string]header{
			HeaderTransactionID: {Description: "the Fabric transaction ID", Schema: &Schema{Type: "string"}},
			HeaderBlockNumber:   {Description: "the block that committed the transaction", Schema: &Schema{Type: "integer"}},
		}
	}
	op.Responses[strconv.Itoa(rt.status)] = ok
	for _, status := range errorStatuses(rt) {
		op.Responses[strconv.Itoa(status)] = response{Ref: "#/components/responses/" + problemResponses[status]}
	}
	return op
}

// errorStatuses lists the problem statuses an operation can answer with.
func errorStatuses(rt *route) []int {
	var out []int
	if rt.public {
		if rt.path == "/readyz" {
			out = append(out, 503)
		}
		return out
	}
	out = append(out, 400, 401)
	if len(rt.roles) > 0 || rt.tx != nil {
		out = append(out, 403)
	}
	if rt.upload != nil || rt.reqType != nil && rt.reqType != reflect.TypeFor[NoBody]() {
		out = append(out, 413, 415)
	}
	if rt.tx != nil || len(rt.functions) > 0 {
		out = append(out, 404, 409, 422, 502, 503)
		if rt.write {
			out = append(out, 504)
		}
	}
	if rt.write && !slices.Contains(out, 422) {
		out = append(out, 422) // Idempotency-Key reused
	}
	return out
}

// operationID derives "putProbePublicByKey" from PUT /v1/probe/public/{key}.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || seg == "v1" {
			continue
		}
		if strings.HasPrefix(seg, "{") {
			b.WriteString("By")
			seg = strings.Trim(seg, "{}.")
		}
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			rs := []rune(part)
			rs[0] = unicode.ToUpper(rs[0])
			b.WriteString(string(rs))
		}
	}
	return b.String()
}
