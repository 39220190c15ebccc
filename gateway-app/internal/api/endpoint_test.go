package api

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// A resource added the way later ones will be: request and response types,
// one Register call; the payload decodes into the response by default.
type transferInput struct {
	To    string       `json:"to"`
	Units int64        `json:"units"`
	Price money.Amount `json:"price"`
	Memo  string       `json:"memo,omitempty"`
}

func (in *transferInput) Validate() error {
	if in.Units <= 0 {
		return errs.Field("units", "must be positive, got %d", in.Units)
	}
	return nil
}

type transferResult struct {
	Units int64        `json:"units"`
	Price money.Amount `json:"price"`
}

func registerTransfer(s *Server) {
	Register(s, Endpoint[transferInput, transferResult]{
		Method: "POST", Path: "/v1/test/transfers/{tranche}", Tag: "test", Roles: []roles.Role{roles.Trustee},
		Summary: "Transfer units",
		Params:  []Param{{Name: "tranche", In: "path", Pattern: `^[A-Z]$`}},
		Tx: &Tx[transferInput]{Fn: "Token:Transfer", Submit: true,
			Args: func(c *Call, in *transferInput) ([]string, error) {
				return []string{c.Path("tranche"), in.To, in.Price.String()}, nil
			}},
	})
}

func TestAResourceIsOneDeclaration(t *testing.T) {
	ts := newTestServer(t, func(_ *config.Config, d *Deps) {
		d.Resources = []func(*Server){registerTransfer}
	})
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
		return ledger.Result{Payload: []byte(`{"units":5,"price":"101.25"}`), TxID: "t", Block: 1}, nil
	}

	a := ts.do(req{method: "POST", path: "/v1/test/transfers/A", token: trusteeToken, body: `{"to":"Org2MSP/x","units":5,"price":"101.25"}`})
	if a.Status != 200 || string(a.Body) != `{"units":5,"price":"101.25"}`+"\n" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if c := ts.ledger.last(); c.Identity != "User1" || strings.Join(c.Tx.Args, "|") != "A|Org2MSP/x|101.25" {
		t.Fatalf("call %+v", c)
	}
	a = ts.do(req{method: "POST", path: "/v1/test/transfers/A", token: trusteeToken, body: `{"to":"x","units":-1,"price":"1.00"}`})
	if p := a.problem(t); a.Status != 400 || p.Field != "units" || p.Detail != "units: must be positive, got -1" {
		t.Fatalf("validation: %d %s", a.Status, a.Body)
	}
	a = ts.do(req{method: "POST", path: "/v1/test/transfers/A", token: trusteeToken, body: `{"to":"x","units":1,"price":"1.005"}`})
	if p := a.problem(t); a.Status != 400 || p.Field != "price" {
		t.Fatalf("money validation: %d %s", a.Status, a.Body)
	}
	a = ts.do(req{method: "POST", path: "/v1/test/transfers/A", token: adminToken, body: `{"to":"x","units":1,"price":"1.00"}`})
	if a.Status != 403 {
		t.Fatalf("admin is not trustee: %d", a.Status)
	}

	var doc map[string]any
	ts.do(req{method: "GET", path: "/openapi.json"}).json(t, &doc)
	schema := doc["components"].(map[string]any)["schemas"].(map[string]any)["transferInput"].(map[string]any)
	price := schema["properties"].(map[string]any)["price"].(map[string]any)
	if price["type"] != "string" || price["pattern"] == nil {
		t.Errorf("money.Amount schema %v", price)
	}
	if req := schema["required"].([]any); len(req) != 3 {
		t.Errorf("required %v: memo is omitempty, the rest are required", req)
	}
}

func TestDeclarationMistakesPanicAtStartup(t *testing.T) {
	noop := func(c *Call, _ *NoBody) (*Health, error) { return &Health{}, nil }
	args := func(c *Call, _ *NoBody) ([]string, error) { return nil, nil }
	tests := map[string]Endpoint[NoBody, Health]{
		"undeclared wildcard":    {Method: "GET", Path: "/v1/x/{id}", Handle: noop},
		"parameter not in path":  {Method: "GET", Path: "/v1/x", Params: []Param{{Name: "id", In: "path"}}, Handle: noop},
		"neither Tx nor Handle":  {Method: "GET", Path: "/v1/x"},
		"both Tx and Handle":     {Method: "GET", Path: "/v1/x", Handle: noop, Tx: &Tx[NoBody]{Fn: "A:B", Args: args}},
		"Tx without Args":        {Method: "GET", Path: "/v1/x", Tx: &Tx[NoBody]{Fn: "A:B"}},
		"outside /v1":            {Method: "GET", Path: "/x", Handle: noop},
		"unsupported method":     {Method: "TRACE", Path: "/v1/x", Handle: noop},
		"duplicate registration": {Method: "GET", Path: "/v1/whoami", Handle: noop},
	}
	for name, e := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			newTestServer(t, func(_ *config.Config, d *Deps) {
				d.Resources = []func(*Server){func(s *Server) { Register(s, e) }}
			})
		})
	}
}
