// Package admin is the Admin contract: the consortium configuration and
// the roles of identities.
//
// Any member organisation's admin (NodeOU admin) records the
// configuration once (Init); changing it later takes a majority of member
// organisations' admins approving the same proposal (ProposeConfig,
// ApproveConfig), and the current trustee bank's admin as well when the
// proposal moves the trustee, arranger or settlement role. The
// configuration, proposals and role grants carry the governance
// key-level policy (the trustee's peers AND a majority of banks, package
// keypolicy), so banks running altered chaincode cannot rewrite them
// without the trustee. A configuration that moves the trustee role also
// needs every deal's holders' consent: an executed trustee-succession
// amendment of each deal naming the successor (succession.go). An organisation's admin grants and revokes roles for
// identities of its own MSP only, among the roles the configuration lets
// that organisation hold; a Fabric CA attribute tranchenet.role counts as
// well (see package roles).
package admin

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Admin contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Admin".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Admin", "consortium configuration and role grants")}
}

// Init records the consortium configuration (roles.OrgConfig as JSON)
// once: an admin of one of the organisations it lists. Later changes go
// through ProposeConfig and ApproveConfig.
func (c *Contract) Init(ctx *txn.Context, configJSON string) error {
	id, err := ctx.Identity()
	if err != nil {
		return err
	}
	if !id.Admin {
		return errs.New(errs.Forbidden, "%s is not an org admin (NodeOU %s); only an admin may initialise the consortium", id.Short(), roles.AdminOU)
	}
	cfg, err := parseConfig(configJSON)
	if err != nil {
		return err
	}
	if !cfg.IsMember(id.MSP) {
		return errs.New(errs.Forbidden, "an admin of %s may not initialise a consortium that does not list %s", id.MSP, id.MSP)
	}
	var existing roles.OrgConfig
	if found, err := ctx.Get(txn.ConfigKey, &existing); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "the consortium is already initialised; change it with Admin:ProposeConfig")
	}
	if err := ctx.Put(txn.ConfigKey, cfg); err != nil {
		return err
	}
	if err := keypolicy.Govern(ctx.GetStub(), cfg, txn.ConfigKey); err != nil {
		return err
	}
	hash, err := canon.HashHex(cfg)
	if err != nil {
		return err
	}
	return ctx.Emit("ConsortiumInitialised", configEvent{Hash: hash, By: id.MSP, Orgs: cfg.MSPs()})
}

// ProposeConfig proposes a new configuration (an admin of a member
// organisation) and counts the proposer's approval. It returns the
// proposal's hash, which the other admins approve. A proposal that
// already has a majority (a one-organisation consortium) applies at once.
func (c *Contract) ProposeConfig(ctx *txn.Context, configJSON string) (string, error) {
	caller, err := ctx.Require(roles.Admin)
	if err != nil {
		return "", err
	}
	next, err := parseConfig(configJSON)
	if err != nil {
		return "", err
	}
	current, err := ctx.Config()
	if err != nil {
		return "", err
	}
	base, err := canon.HashHex(current)
	if err != nil {
		return "", err
	}
	hash, err := canon.HashHex(next)
	if err != nil {
		return "", err
	}
	if hash == base {
		return "", errs.New(errs.WrongState, "the proposed configuration is the one in force")
	}
	if err := authoriseSuccession(ctx, current, next); err != nil {
		return "", err
	}
	key, err := ctx.Key(schema.TypeConfigProposal, hash)
	if err != nil {
		return "", err
	}
	if found, err := ctx.Get(key, &schema.ConfigProposal{}); err != nil {
		return "", err
	} else if found {
		return "", errs.New(errs.AlreadyExists, "configuration %s is already proposed; approve it with Admin:ApproveConfig", hash)
	}
	p := schema.ConfigProposal{Hash: hash, Config: next, Base: base, ProposedBy: caller.Identity.MSP,
		Approvals: []string{caller.Identity.MSP}, CreatedTx: ctx.TxID()}
	if err := ctx.Emit("ConfigProposed", configEvent{Hash: hash, By: caller.Identity.MSP, Orgs: next.MSPs()}); err != nil {
		return "", err
	}
	if err := settle(ctx, key, p, current); err != nil {
		return "", err
	}
	d := roles.DecideConfig(current, next, p.Approvals)
	return marshal(schema.ProposalStatus{Hash: hash, Approvals: d.Approvals, Needed: d.Needed, Applied: d.Apply, MissingTrustees: d.Missing})
}

// ApproveConfig adds the approval of the caller's organisation (its
// admin) to a pending proposal; the configuration applies as soon as
// admins of more than half of the member organisations have approved,
// including the current trustee bank's when the proposal moves the
// trustee, arranger or settlement role. A
// proposal made before another change was applied is stale and refused.
func (c *Contract) ApproveConfig(ctx *txn.Context, hash string) error {
	caller, err := ctx.Require(roles.Admin)
	if err != nil {
		return err
	}
	h, err := schema.ParseSHA256("hash", hash)
	if err != nil {
		return err
	}
	key, err := ctx.Key(schema.TypeConfigProposal, h)
	if err != nil {
		return err
	}
	var p schema.ConfigProposal
	if found, err := ctx.Get(key, &p); err != nil {
		return err
	} else if !found {
		return errs.New(errs.NotFound, "no pending configuration proposal %s", h)
	}
	current, err := ctx.Config()
	if err != nil {
		return err
	}
	if base, err := canon.HashHex(current); err != nil {
		return err
	} else if base != p.Base {
		return errs.New(errs.WrongState, "proposal %s was made against configuration %s, but %s is in force now: propose it again", h, p.Base, base)
	}
	if slices.Contains(p.Approvals, caller.Identity.MSP) {
		return errs.New(errs.AlreadyExists, "%s has already approved proposal %s", caller.Identity.MSP, h)
	}
	p.Approvals = append(p.Approvals, caller.Identity.MSP)
	if err := ctx.Emit("ConfigApproved", approvalEvent{Hash: h, By: caller.Identity.MSP, Approvals: len(p.Approvals), Needed: needed(current)}); err != nil {
		return err
	}
	return settle(ctx, key, p, current)
}

// settle stores a proposal (under the governance policy of the
// configuration in force), or applies it and deletes it once
// roles.DecideConfig says so. The applied configuration's policy is the
// new configuration's: after a trustee succession, the successor's peers
// guard it.
func settle(ctx *txn.Context, key string, p schema.ConfigProposal, current roles.OrgConfig) error {
	if !roles.DecideConfig(current, p.Config, p.Approvals).Apply {
		if err := ctx.Put(key, p); err != nil {
			return err
		}
		return keypolicy.Govern(ctx.GetStub(), current, key)
	}
	if err := authoriseSuccession(ctx, current, p.Config); err != nil {
		return err
	}
	if err := ctx.Put(txn.ConfigKey, p.Config); err != nil {
		return err
	}
	if err := keypolicy.Govern(ctx.GetStub(), p.Config, txn.ConfigKey); err != nil {
		return err
	}
	if err := ctx.GetStub().DelState(key); err != nil {
		return errs.New(errs.Internal, "delete proposal %s: %v", p.Hash, err)
	}
	return ctx.Emit("ConfigApplied", configEvent{Hash: p.Hash, By: p.ProposedBy, Orgs: p.Config.MSPs()})
}

// needed is the number of member organisations that makes a majority.
func needed(cfg roles.OrgConfig) int { return len(cfg.Orgs)/2 + 1 }

// GrantRole grants role to an identity of the caller's own MSP (its
// admin), if the configuration lets that organisation hold the role.
func (c *Contract) GrantRole(ctx *txn.Context, identityKey, role string) error {
	return c.changeRole(ctx, identityKey, role, true)
}

// RevokeRole revokes an on-chain grant (an admin of the identity's MSP).
// A role carried by the certificate attribute stays until the CA revokes
// the certificate.
func (c *Contract) RevokeRole(ctx *txn.Context, identityKey, role string) error {
	return c.changeRole(ctx, identityKey, role, false)
}

func (c *Contract) changeRole(ctx *txn.Context, identityKey, role string, grant bool) error {
	caller, err := ctx.Require(roles.Admin)
	if err != nil {
		return err
	}
	grantee, err := schema.ParseIdentityKey("identityKey", identityKey)
	if err != nil {
		return err
	}
	r, err := roles.ParseRole(role)
	if err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if grant {
		err = roles.CanGrant(caller.Caller, grantee, r, cfg)
	} else {
		err = roles.CanRevoke(caller.Caller, grantee, r)
	}
	if err != nil {
		return err
	}
	key := txn.RoleKey(ctx, grantee)
	var set roles.Set
	if _, err := ctx.Get(key, &set); err != nil {
		return err
	}
	event := "RoleGranted"
	switch {
	case grant && set.Has(r):
		return errs.New(errs.AlreadyExists, "%s already holds role %s on chain", grantee.Short(), r)
	case grant:
		set = set.With(r)
	case !set.Has(r):
		return errs.New(errs.NotFound, "%s holds no on-chain grant of role %s", grantee.Short(), r)
	default:
		set, event = set.Without(r), "RoleRevoked"
	}
	if set.IsEmpty() {
		if err := ctx.GetStub().DelState(key); err != nil {
			return errs.New(errs.Internal, "delete %q: %v", key, err)
		}
	} else if err := ctx.Put(key, set); err != nil {
		return err
	} else if err := keypolicy.Govern(ctx.GetStub(), cfg, key); err != nil {
		return err
	}
	return ctx.Emit(event, roleEvent{Identity: grantee.Key(), Role: r, By: caller.Identity.Key()})
}

// Roles returns an identity's on-chain grants (any consortium member:
// grants are public state). Roles from a certificate attribute show only
// in WhoAmI, since only the certificate carries them.
func (c *Contract) Roles(ctx *txn.Context, identityKey string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	id, err := schema.ParseIdentityKey("identityKey", identityKey)
	if err != nil {
		return "", err
	}
	var set roles.Set
	if _, err := ctx.Get(txn.RoleKey(ctx, id), &set); err != nil {
		return "", err
	}
	return marshal(schema.RolesView{Key: id.Key(), MSP: id.MSP, Roles: set})
}

// WhoAmI returns the caller's identity key, MSP and the roles it holds in
// this transaction, from every source (any consortium member). The
// gateway learns its users' keys from it.
func (c *Contract) WhoAmI(ctx *txn.Context) (string, error) {
	caller, err := ctx.Caller()
	if err != nil {
		return "", err
	}
	return marshal(schema.RolesView{Key: caller.Identity.Key(), MSP: caller.Identity.MSP, Roles: caller.Grants.Roles,
		Admin: caller.Admin, RoleAttribute: caller.RoleAttr})
}

// Config returns the configuration in force (any consortium member).
func (c *Contract) Config(ctx *txn.Context) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return "", err
	}
	return marshal(cfg)
}

// Proposal returns a pending configuration proposal (any consortium
// member), so admins can read what they are asked to approve.
func (c *Contract) Proposal(ctx *txn.Context, hash string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	h, err := schema.ParseSHA256("hash", hash)
	if err != nil {
		return "", err
	}
	key, err := ctx.Key(schema.TypeConfigProposal, h)
	if err != nil {
		return "", err
	}
	var p schema.ConfigProposal
	if found, err := ctx.Get(key, &p); err != nil {
		return "", err
	} else if !found {
		return "", errs.New(errs.NotFound, "no pending configuration proposal %s", h)
	}
	return marshal(p)
}

func parseConfig(configJSON string) (roles.OrgConfig, error) {
	var cfg roles.OrgConfig
	if err := canon.Unmarshal([]byte(configJSON), &cfg); err != nil {
		return roles.OrgConfig{}, errs.Wrap(err, "configJSON")
	}
	if err := cfg.Validate(); err != nil {
		return roles.OrgConfig{}, errs.Wrap(err, "configJSON")
	}
	return cfg, nil
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
