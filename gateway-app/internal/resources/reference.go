package resources

import (
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

// LoanRule documents one loantape rule, as upload errors name them.
type LoanRule struct {
	Name      string `json:"name"`
	Fatal     bool   `json:"fatal" doc:"reading stops: nothing after it can be trusted"`
	Skippable bool   `json:"skippable" doc:"an issuer may switch it off"`
	Doc       string `json:"doc"`
}

// LoanRules lists every rule.
type LoanRules struct {
	Rules []LoanRule `json:"rules"`
}

func (r *resources) reference(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, LoanRules]{
		Method: "GET", Path: "/v1/loantape/rules", Tag: "reports", Roles: anyRole,
		Summary:     "The rules loan tapes and servicer reports are checked against",
		Description: "Each upload error names one of them.",
		Handle: func(*api.Call, *api.NoBody) (*LoanRules, error) {
			out := &LoanRules{}
			for _, ri := range loantape.Rules() {
				out.Rules = append(out.Rules, LoanRule{Name: ri.Name, Fatal: ri.Fatal, Skippable: ri.Skippable, Doc: ri.Doc})
			}
			return out, nil
		},
	})
}
