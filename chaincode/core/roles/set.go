package roles

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Set is a set of roles. The zero value is the empty set. It marshals to
// JSON as an array of role names in the order of All, so the stored bytes
// do not depend on the order roles were granted in.
type Set uint16

// SetOf returns the set of the given roles. It is meant for role constants;
// an unknown role adds nothing (use ParseRoleList for untrusted input).
func SetOf(rs ...Role) Set {
	var s Set
	for _, r := range rs {
		s |= bit(r)
	}
	return s
}

// Has reports whether r is in the set.
func (s Set) Has(r Role) bool { b := bit(r); return b != 0 && s&b != 0 }

// With returns the set with r added.
func (s Set) With(r Role) Set { return s | bit(r) }

// Without returns the set with r removed.
func (s Set) Without(r Role) Set { return s &^ bit(r) }

// IsEmpty reports whether the set holds no role.
func (s Set) IsEmpty() bool { return s&SetOf(allRoles...) == 0 }

// Roles lists the roles in the set, in the order of All.
func (s Set) Roles() []Role {
	var out []Role
	for _, r := range allRoles {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// String renders the set as "arranger, trustee", or "none".
func (s Set) String() string {
	if s.IsEmpty() {
		return "none"
	}
	return joinRoles(s.Roles())
}

// MarshalJSON writes the set as an array of role names.
func (s Set) MarshalJSON() ([]byte, error) {
	rs := s.Roles()
	if rs == nil {
		rs = []Role{}
	}
	return json.Marshal(rs)
}

// UnmarshalJSON reads an array of role names, refusing unknown names. Its
// errors carry no code: canon.Unmarshal adds the path and BAD_INPUT.
func (s *Set) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return errors.New("want an array of role names")
	}
	var out Set
	for _, n := range names {
		r := Role(n)
		if !r.Valid() {
			return fmt.Errorf("unknown role %q; roles are %s", n, joinRoles(allRoles))
		}
		out = out.With(r)
	}
	*s = out
	return nil
}

// ParseRoleList reads a comma-separated list of roles such as the value of
// the certificate attribute tranchenet.role ("investor, compliance").
// Blanks around names and empty entries are ignored. Unknown names and
// "admin" are refused: admin comes only from the certificate's NodeOU.
func ParseRoleList(list string) (Set, error) {
	var out Set
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		r, err := ParseRole(name)
		if err != nil {
			return 0, err
		}
		if r == Admin {
			return 0, errs.Field("role", "role admin comes from the certificate's NodeOU and cannot be listed")
		}
		out = out.With(r)
	}
	return out, nil
}
