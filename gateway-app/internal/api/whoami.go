package api

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Whoami describes the calling API user and the Fabric identity it acts as.
type Whoami struct {
	User   string    `json:"user"`
	Roles  roles.Set `json:"roles" doc:"the roles this gateway lets the user exercise; the chaincode checks its own record of grants"`
	Method string    `json:"authenticatedBy" doc:"bearer or certificate"`
	// Identity is computed locally from the certificate, exactly as the
	// chaincode computes it for the transaction creator.
	Identity WhoamiIdentity `json:"identity"`
}

// WhoamiIdentity is a Fabric identity as the chaincode sees it.
type WhoamiIdentity struct {
	Name     string    `json:"name" doc:"the identity's name in the gateway configuration"`
	MSPID    string    `json:"mspId"`
	ID       string    `json:"id" doc:"SHA-256 of the certificate's subject and issuer (hex): the chaincode's identity key without the MSP"`
	Key      string    `json:"key" doc:"MSP ID and id, as the chaincode stores identities (MSP/id)"`
	Admin    bool      `json:"admin" doc:"the certificate carries the admin NodeOU"`
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	NotAfter time.Time `json:"notAfter"`
}

func registerWhoami(s *Server) {
	Register(s, Endpoint[NoBody, Whoami]{
		Method: "GET", Path: "/v1/whoami", Tag: "identity",
		Summary:     "The calling user and its Fabric identity",
		Description: "Computed by the gateway from the identity's certificate; no ledger call.",
		Handle: func(c *Call, _ *NoBody) (*Whoami, error) {
			id := c.Identity()
			cert := id.Certificate
			return &Whoami{
				User: c.User.Name, Roles: c.User.Roles, Method: c.User.Method,
				Identity: WhoamiIdentity{
					Name: id.Name, MSPID: id.ID.MSP, ID: id.ID.ID, Key: id.ID.Key(), Admin: id.Admin,
					Subject: cert.Subject.ToRDNSequence().String(), Issuer: cert.Issuer.ToRDNSequence().String(),
					NotAfter: cert.NotAfter.UTC(),
				},
			}, nil
		},
	})
}
