package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// User is an authenticated API user.
type User struct {
	Name string
	// Identity names the Fabric identity every transaction of this user is
	// signed with; it comes from the configuration only, never from a request.
	Identity string
	Roles    roles.Set
	// Method is how the request authenticated: "bearer" or "certificate".
	Method string
}

// authenticator maps credentials to API users.
type authenticator struct {
	tokens    []tokenEntry
	subjects  map[string]*User
	onboarded Onboarded // users added at run time; may be nil
}

// Onboarded are the API users and Fabric identities onboarded while the
// app runs (package onboard): each user acts as its own identity.
type Onboarded interface {
	// UserByToken finds an active onboarded user by its token's SHA-256.
	UserByToken(sum [sha256.Size]byte) (config.User, bool)
	// Identity describes an active onboarded identity.
	Identity(name string) (ledger.IdentityInfo, bool)
}

type tokenEntry struct {
	hash [sha256.Size]byte
	user *User
}

// newAuthenticator indexes the configured users. It refuses a user with
// role admin whose identity's certificate is not an admin one: the chaincode
// would refuse every admin operation, and the local check must not claim
// more than the ledger grants.
func newAuthenticator(users []config.User, ids map[string]ledger.IdentityInfo) (*authenticator, error) {
	a := &authenticator{subjects: map[string]*User{}}
	for i, cu := range users {
		id, ok := ids[cu.Identity]
		if !ok {
			return nil, fmt.Errorf("users[%d].identity: identity %q is not loaded", i, cu.Identity)
		}
		var set roles.Set
		for _, r := range cu.Roles {
			role, err := roles.ParseRole(r)
			if err != nil {
				return nil, fmt.Errorf("users[%d].roles: %w", i, err)
			}
			set = set.With(role)
		}
		if set.Has(roles.Admin) && !id.Admin {
			return nil, fmt.Errorf("users[%d].roles: role admin needs an admin identity, and %s's certificate has no OU %q", i, cu.Identity, roles.AdminOU)
		}
		u := &User{Name: cu.Name, Identity: cu.Identity, Roles: set}
		if cu.TokenSHA256 != "" {
			raw, err := hex.DecodeString(cu.TokenSHA256)
			if err != nil || len(raw) != sha256.Size {
				return nil, fmt.Errorf("users[%d].tokenSHA256: not a hex SHA-256", i)
			}
			var e tokenEntry
			copy(e.hash[:], raw)
			e.user = u
			a.tokens = append(a.tokens, e)
		}
		if cu.CertSubject != "" {
			a.subjects[cu.CertSubject] = u
		}
	}
	return a, nil
}

// authenticate finds the request's user from its bearer token or its
// verified client certificate. When both are present they must name the
// same user: a request never acts as two users, nor as one it cannot prove.
func (a *authenticator) authenticate(r *http.Request) (*User, *Problem) {
	var byToken, byCert *User
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return nil, NewProblem(CodeUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
		}
		if byToken = a.byToken(strings.TrimSpace(token)); byToken == nil {
			return nil, NewProblem(CodeUnauthenticated, "the bearer token is not valid")
		}
	}
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		subject := r.TLS.VerifiedChains[0][0].Subject.ToRDNSequence().String()
		if byCert = a.subjects[subject]; byCert == nil && byToken == nil {
			return nil, NewProblem(CodeUnauthenticated, "client certificate %q is not mapped to an API user", subject)
		}
	}
	switch {
	case byToken != nil && byCert != nil && byToken != byCert:
		return nil, NewProblem(CodeUnauthenticated, "the bearer token and the client certificate belong to different users")
	case byToken != nil:
		u := *byToken
		u.Method = "bearer"
		return &u, nil
	case byCert != nil:
		u := *byCert
		u.Method = "certificate"
		return &u, nil
	}
	return nil, NewProblem(CodeUnauthenticated, "authentication required: send Authorization: Bearer <token> or a client certificate")
}

// byToken compares the token's SHA-256 with every user's in constant time,
// so response timing reveals neither whether nor where a prefix matched.
func (a *authenticator) byToken(token string) *User {
	sum := sha256.Sum256([]byte(token))
	var found *User
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(sum[:], a.tokens[i].hash[:]) == 1 {
			found = a.tokens[i].user
		}
	}
	if found == nil && a.onboarded != nil {
		// Looked up by the token's hash: timing can reveal at most
		// something about a SHA-256, never about a token.
		if cu, ok := a.onboarded.UserByToken(sum); ok {
			found = &User{Name: cu.Name, Identity: cu.Identity}
			for _, r := range cu.Roles {
				if role, err := roles.ParseRole(r); err == nil {
					found.Roles = found.Roles.With(role)
				}
			}
		}
	}
	return found
}
