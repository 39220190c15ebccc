package schema

import (
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// The formats of identifiers that become key components or travel on the
// wire, checked the same way by the contracts and by the gateway app: an
// object ID is checked before it becomes a key component, since a
// composite key refuses invalid UTF-8 and U+0000 and the shim panics on
// the former.

// MaxIDLength bounds object IDs (pools, deals, tranches, documents).
const MaxIDLength = 64

// ParseID checks an object ID: 1 to 64 characters from A-Z a-z 0-9 . _ -,
// starting with a letter or digit ("DEAL-2026-1", "A-1").
func ParseID(field, s string) (string, error) {
	if s == "" || len(s) > MaxIDLength {
		return "", errs.Field(field, "%q must have 1 to %d characters", Clip(s), MaxIDLength)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return "", errs.Field(field, "%q: character %q not allowed (letters, digits, . _ -; first a letter or digit)", Clip(s), c)
		}
	}
	return s, nil
}

// ParseAssetNumber checks a loan's asset number before it becomes a key
// component: 1 to 64 printable characters without spaces at either end.
// EX-102 asset numbers are usually digits, but issuers' formats vary.
func ParseAssetNumber(field, s string) (string, error) {
	if s == "" || len(s) > MaxIDLength || !utf8.ValidString(s) {
		return "", errs.Field(field, "asset number %q must be 1 to %d bytes of UTF-8", Clip(s), MaxIDLength)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "", errs.Field(field, "asset number %q contains the non-printable character %U", Clip(s), r)
		}
	}
	if strings.TrimSpace(s) != s {
		return "", errs.Field(field, "asset number %q has leading or trailing spaces", s)
	}
	return s, nil
}

// ParseIdentityKey reads another identity's key (roles.Identity.Key:
// MSP/64 hex digits).
func ParseIdentityKey(field, s string) (roles.Identity, error) {
	id, err := roles.ParseKey(s)
	if err != nil {
		return roles.Identity{}, errs.Field(field, "%q is not an identity key MSP/<64 hex digits> (Admin:WhoAmI tells an identity its key)", Clip(s))
	}
	return id, nil
}

// ParseText checks free text (a reason, a name, a URI): valid UTF-8,
// 1 to max bytes after trimming, no control characters.
func ParseText(field, s string, max int) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", errs.Field(field, "required")
	}
	if len(t) > max || !utf8.ValidString(t) {
		return "", errs.Field(field, "must be at most %d bytes of UTF-8", max)
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return "", errs.Field(field, "contains the control character %U", r)
		}
	}
	return t, nil
}

// ParseSHA256 reads a lower- or upper-case hex SHA-256 and returns it in
// lower case.
func ParseSHA256(field, s string) (string, error) {
	if len(s) != 64 {
		return "", errs.Field(field, "want 64 hex digits of a SHA-256, got %d characters", len(s))
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", errs.Field(field, "%q is not hex", Clip(s))
	}
	return strings.ToLower(s), nil
}

// Clip shortens hostile input before it is echoed in an error message.
func Clip(s string) string {
	const max = 80
	if len(s) <= max {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ToValidUTF8(s[:max], "\uFFFD") + "…"
}
