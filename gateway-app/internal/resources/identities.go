package resources

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard"
)

// OnboardInput asks for a new client identity of this bank.
type OnboardInput struct {
	Name string `json:"name" doc:"the enrollment ID at the bank's CA, the identity's and the new API user's name: 1 to 64 letters, digits, . _ @ -"`
	Role string `json:"role" doc:"the tranchenet role the identity's certificate carries (attribute tranchenet.role): investor, or rates for a rates desk"`
}

// onboardName is the name rule of the configuration's users and
// identities, which onboarded ones join.
var onboardName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// Validate checks the name and role before anything reaches the CA.
func (in *OnboardInput) Validate() error {
	if !onboardName.MatchString(in.Name) {
		return api.BadInput("name", "%q: want 1 to 64 letters, digits, . _ @ -, starting with a letter or digit", in.Name)
	}
	r, err := roles.ParseRole(in.Role)
	if err != nil || !isOnboardable(r) {
		return api.BadInput("role", "%q: the gateway onboards roles %s (other roles are granted on chain by the bank's admin)", in.Role, onboard.RoleList())
	}
	return nil
}

func isOnboardable(r roles.Role) bool {
	for _, o := range onboard.Onboardable {
		if o == r {
			return true
		}
	}
	return false
}

// IdentityView is an onboarded identity.
type IdentityView struct {
	Name        string    `json:"name"`
	IdentityKey string    `json:"identityKey" doc:"MSP/<hex>: the identity as the chaincode names it (investor paths, transfers)"`
	Role        string    `json:"role"`
	Serial      string    `json:"serial" doc:"the certificate's serial number, hex"`
	NotAfter    time.Time `json:"notAfter" doc:"the certificate's expiry"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy" doc:"the API user who onboarded it"`
	Status      string    `json:"status" doc:"active or revoked"`
	RevokedAt   time.Time `json:"revokedAt,omitzero"`
	RevokedBy   string    `json:"revokedBy,omitempty"`
}

// Onboarded answers POST /v1/identities: the identity and its API user's
// token, shown this once.
type Onboarded struct {
	IdentityView
	User  string `json:"user" doc:"the new API user, acting as this identity"`
	Token string `json:"token" doc:"the new API user's bearer token: shown once, kept by the gateway only as its SHA-256"`
}

// IdentityList answers GET /v1/identities.
type IdentityList struct {
	Identities []IdentityView `json:"identities"`
}

// RevokedIdentity answers DELETE /v1/identities/{msp}/{id}.
type RevokedIdentity struct {
	IdentityView
	// Ledger says how the ledger refuses the identity from now on.
	Ledger LedgerRefusal `json:"ledger"`
	CRL    string        `json:"crl" doc:"the CA's certificate revocation list after this revocation (PEM), for the bank's MSP operators"`
}

// LedgerRefusal is the ledger side of a revocation.
type LedgerRefusal struct {
	Frozen bool   `json:"frozen" doc:"true: Identity:Freeze committed (or the identity was frozen already)"`
	TxID   string `json:"txId,omitempty"`
	Detail string `json:"detail"`
}

func view(r onboard.Record) IdentityView {
	v := IdentityView{Name: r.Name, IdentityKey: r.IdentityKey, Role: r.Role, Serial: r.Serial, NotAfter: r.NotAfter,
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, Status: "active", RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy}
	if !r.Active() {
		v.Status = "revoked"
	}
	return v
}

// onboardProblem maps the onboarding service's errors to problems.
func onboardProblem(err error) error {
	switch {
	case errors.Is(err, onboard.ErrExists):
		return api.NewProblem(string(errs.AlreadyExists), "%v", err)
	case errors.Is(err, onboard.ErrNotFound):
		return api.NewProblem(api.CodeNotFound, "%v", err)
	case errors.Is(err, onboard.ErrRole):
		return api.BadInput("role", "%v", err)
	case errors.Is(err, onboard.ErrCARefused):
		return api.NewProblem(api.CodeCARefused, "%v", err)
	case errors.Is(err, onboard.ErrUnavailable):
		p := api.NewProblem(api.CodeCAUnavailable, "%v", err)
		p.RetryAfter = 5
		return p
	}
	return err
}

// Identities declares onboarding (POST, GET, DELETE /v1/identities) over
// the service; the app adds it to the API when the bank has a CA.
func Identities(svc *onboard.Service) func(*api.Server) {
	return func(s *api.Server) {
		api.Register(s, api.Endpoint[OnboardInput, Onboarded]{
			Method: "POST", Path: "/v1/identities", Tag: "identities", Status: 201, Roles: []roles.Role{roles.Admin, roles.Compliance},
			Summary: "Onboard a client identity of this bank",
			Description: "Registers the identity at the bank's Fabric CA with its role as the certificate attribute tranchenet.role, " +
				"enrolls it with a key created in the gateway's wallet (file keystore or PKCS#11 HSM; the key never leaves it), " +
				"and maps a new API user to it. Attest the investor next (PUT /v1/investors/{msp}/{id}/attestation).",
			Handle: func(c *api.Call, in *OnboardInput) (*Onboarded, error) {
				role, _ := roles.ParseRole(in.Role)
				r, token, err := svc.Onboard(c.Context(), onboard.Request{Name: in.Name, Role: role, CreatedBy: c.User.Name})
				if err != nil {
					return nil, onboardProblem(err)
				}
				return &Onboarded{IdentityView: view(r), User: r.Name, Token: token}, nil
			},
		})
		api.Register(s, api.Endpoint[api.NoBody, IdentityList]{
			Method: "GET", Path: "/v1/identities", Tag: "identities", Roles: []roles.Role{roles.Admin, roles.Compliance},
			Summary: "Identities onboarded through this gateway, active and revoked",
			Handle: func(*api.Call, *api.NoBody) (*IdentityList, error) {
				list := &IdentityList{Identities: []IdentityView{}}
				for _, r := range svc.List() {
					list.Identities = append(list.Identities, view(r))
				}
				return list, nil
			},
		})
		api.Register(s, api.Endpoint[api.NoBody, RevokedIdentity]{
			Method: "DELETE", Path: "/v1/identities/{msp}/{id}", Tag: "identities", Roles: []roles.Role{roles.Compliance},
			Summary: "Revoke an onboarded identity",
			Description: "Its API user stops authenticating and its key is destroyed at once; the CA revokes its certificate " +
				"(the answer carries the CA's new CRL); then the caller freezes it on the ledger (Identity:Freeze), so every " +
				"transfer to or from it is refused (RULE_FROZEN). An identity never attested is refused already (RULE_NOT_ATTESTED). " +
				"Safe to repeat: a second call completes what a failed one left.",
			Params:    holderParams,
			Chaincode: []string{"Identity:Freeze"},
			Handle: func(c *api.Call, _ *api.NoBody) (*RevokedIdentity, error) {
				key := identityOf(c)
				r, ok := svc.ByKey(key)
				if !ok {
					return nil, api.NewProblem(api.CodeNotFound, "%s was not onboarded through this gateway", key)
				}
				rev, err := svc.Revoke(c.Context(), r.Name, c.User.Name)
				if err != nil {
					return nil, onboardProblem(err)
				}
				refusal, err := freezeRevoked(c, key)
				if err != nil {
					return nil, err
				}
				return &RevokedIdentity{IdentityView: view(rev.Record), Ledger: refusal, CRL: string(rev.CRL)}, nil
			},
		})
	}
}

// revokedReason is published in the InvestorFrozen event: no personal data.
const revokedReason = "identity revoked at its bank's CA"

// freezeRevoked freezes a revoked identity on the ledger, as the calling
// compliance officer. Already frozen, or never attested (no claims), the
// ledger refuses it already.
func freezeRevoked(c *api.Call, key string) (LedgerRefusal, error) {
	// Freezes are endorsed by the trustee and the investor's bank: this one.
	res, err := c.SubmitFn(ledger.Tx{Fn: "Identity:Freeze", Args: []string{key, revokedReason}}, c.MSPID())
	var le *ledger.Error
	switch {
	case err == nil:
		return LedgerRefusal{Frozen: true, TxID: res.TxID, Detail: "frozen: transfers to and from it are refused (RULE_FROZEN)"}, nil
	case errors.As(err, &le) && le.Code == errs.WrongState && strings.Contains(le.Message, "already frozen"):
		return LedgerRefusal{Frozen: true, Detail: "already frozen"}, nil
	case errors.As(err, &le) && le.Code == errs.NotFound:
		return LedgerRefusal{Detail: "never attested: transfer rule 5 refuses it (RULE_NOT_ATTESTED)"}, nil
	}
	return LedgerRefusal{}, err
}
