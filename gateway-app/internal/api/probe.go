package api

import (
	"unicode/utf8"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// The Probe contract's endpoints: the deployment smoke test of the whole
// path (REST → gateway → peer → chaincode → ledger → events) for an org
// admin, in public state and in private data collections.

// ProbeInput is the value to write.
type ProbeInput struct {
	Value string `json:"value" doc:"the value, 1 to 4096 bytes of UTF-8"`
}

// maxProbeValue bounds probe values: the probe checks plumbing, not capacity.
const maxProbeValue = 4096

// Validate checks the value.
func (p *ProbeInput) Validate() error {
	switch {
	case p.Value == "":
		return BadInput("value", "required")
	case len(p.Value) > maxProbeValue:
		return BadInput("value", "at most %d bytes, got %d", maxProbeValue, len(p.Value))
	case !utf8.ValidString(p.Value):
		return BadInput("value", "not valid UTF-8")
	}
	return nil
}

// ProbeWrite is the outcome of a probe write.
type ProbeWrite struct {
	Key        string `json:"key"`
	Collection string `json:"collection,omitempty"`
	TxID       string `json:"txId"`
	Block      uint64 `json:"block" doc:"block that committed the write"`
}

// ProbeValue is a probe value read back.
type ProbeValue struct {
	Key        string `json:"key"`
	Collection string `json:"collection,omitempty"`
	Value      string `json:"value"`
}

var (
	probeKey = Param{Name: "key", In: "path", Description: "probe key (the contract namespaces it)", MaxLength: 128, Example: "smoke-1"}
	// Collection names: Fabric allows letters, digits, _ . - (implicit
	// collections start with _implicit_org_).
	probeCollection = Param{Name: "collection", In: "path", Description: "private data collection, e.g. _implicit_org_Org1MSP",
		Pattern: `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`, Example: "_implicit_org_Org1MSP"}
	probeRoles = []roles.Role{roles.Admin}
)

func registerProbe(s *Server) {
	Register(s, Endpoint[ProbeInput, ProbeWrite]{
		Method: "PUT", Path: "/v1/probe/public/{key}", Tag: "probe", Roles: probeRoles,
		Summary: "Write a public probe value",
		Params:  []Param{probeKey},
		Tx: &Tx[ProbeInput]{Fn: "Probe:PutPublic", Submit: true,
			Args: func(c *Call, req *ProbeInput) ([]string, error) { return []string{c.Path("key"), req.Value}, nil }},
		Result: func(c *Call, _ *ProbeInput, res ledger.Result) (*ProbeWrite, error) {
			return &ProbeWrite{Key: c.Path("key"), TxID: res.TxID, Block: res.Block}, nil
		},
	})
	Register(s, Endpoint[NoBody, ProbeValue]{
		Method: "GET", Path: "/v1/probe/public/{key}", Tag: "probe", Roles: probeRoles,
		Summary: "Read a public probe value",
		Params:  []Param{probeKey},
		Tx: &Tx[NoBody]{Fn: "Probe:GetPublic",
			Args: func(c *Call, _ *NoBody) ([]string, error) { return []string{c.Path("key")}, nil }},
		Result: func(c *Call, _ *NoBody, res ledger.Result) (*ProbeValue, error) {
			return &ProbeValue{Key: c.Path("key"), Value: string(res.Payload)}, nil
		},
	})
	Register(s, Endpoint[ProbeInput, ProbeWrite]{
		Method: "PUT", Path: "/v1/probe/private/{collection}/{key}", Tag: "probe", Roles: probeRoles,
		Summary:     "Write a private probe value",
		Description: "The value travels as transient data (never in the transaction); the collection's endorsing orgs come from the gateway's configuration.",
		Params:      []Param{probeCollection, probeKey},
		Tx: &Tx[ProbeInput]{Fn: "Probe:PutPrivate", Submit: true, TransientFields: []string{"value"},
			Args: func(c *Call, _ *ProbeInput) ([]string, error) {
				return []string{c.Path("collection"), c.Path("key")}, nil
			},
			Transient: func(_ *Call, req *ProbeInput) (map[string][]byte, error) {
				return map[string][]byte{"value": []byte(req.Value)}, nil
			},
			Collections: func(c *Call, _ *ProbeInput) []string { return []string{c.Path("collection")} }},
		Result: func(c *Call, _ *ProbeInput, res ledger.Result) (*ProbeWrite, error) {
			return &ProbeWrite{Key: c.Path("key"), Collection: c.Path("collection"), TxID: res.TxID, Block: res.Block}, nil
		},
	})
	Register(s, Endpoint[NoBody, ProbeValue]{
		Method: "GET", Path: "/v1/probe/private/{collection}/{key}", Tag: "probe", Roles: probeRoles,
		Summary:     "Read a private probe value",
		Description: "Evaluated on the bank's own peer. A collection the bank is not a member of answers an error, never data.",
		Params:      []Param{probeCollection, probeKey},
		Tx: &Tx[NoBody]{Fn: "Probe:GetPrivate", Own: true,
			Args: func(c *Call, _ *NoBody) ([]string, error) { return []string{c.Path("collection"), c.Path("key")}, nil }},
		Result: func(c *Call, _ *NoBody, res ledger.Result) (*ProbeValue, error) {
			return &ProbeValue{Key: c.Path("key"), Collection: c.Path("collection"), Value: string(res.Payload)}, nil
		},
	})
}
