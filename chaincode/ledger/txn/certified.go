package txn

import "github.com/tranchenet/tranchenet/chaincode/core/roles"

// RequireCertified checks that the caller holds one of anyOf as Require
// does, but without reading its on-chain grants when its certificate
// (NodeOU admin, tranchenet.role attribute) already grants one: on-chain
// grants only ever add roles (roles.Resolve), so the answer is the same,
// and an investor's transfer, whose role the certificate carries, costs
// one round trip to the peer and one read-set key less. Only when the
// certificate does not suffice are the grants read (Require).
//
// It returns the caller's identity, not its grants: a function that
// needs the full grants (to decide what a refusal may reveal) calls
// Caller, which reads them then.
func (c *Context) RequireCertified(anyOf ...roles.Role) (roles.Caller, error) {
	if c.caller == nil {
		rc, err := c.Identity()
		if err != nil {
			return roles.Caller{}, err
		}
		cfg, err := c.Config()
		if err != nil {
			return roles.Caller{}, err
		}
		byCertificate, err := roles.Resolve(rc, 0, cfg)
		if err != nil {
			return roles.Caller{}, err
		}
		if byCertificate.Require(anyOf...) == nil {
			return rc, nil
		}
	}
	caller, err := c.Require(anyOf...)
	if err != nil {
		return roles.Caller{}, err
	}
	return caller.Caller, nil
}
