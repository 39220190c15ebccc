package roles

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Identity names a transaction submitter independently of its current
// certificate: the MSP ID and the hex SHA-256 of
//
//	subjectDN + "\x00" + issuerDN
//
// where each DN is crypto/x509's RFC 4514 rendering
// (cert.Subject.ToRDNSequence().String()), e.g. "CN=alice,OU=client,O=Org2".
// A renewed certificate with the same subject from the same CA is the same
// identity; a certificate from another CA, or another MSP, is not.
type Identity struct {
	MSP string `json:"msp"`
	ID  string `json:"id"` // 64 lower-case hex digits
}

// NewIdentity computes an identity from its MSP and distinguished names.
func NewIdentity(msp, subjectDN, issuerDN string) Identity {
	sum := sha256.Sum256([]byte(subjectDN + "\x00" + issuerDN))
	return Identity{MSP: msp, ID: hex.EncodeToString(sum[:])}
}

// IdentityOf returns the identity of a parsed certificate in msp, e.g. the
// one cid.GetX509Certificate returns for the creator.
func IdentityOf(msp string, cert *x509.Certificate) Identity {
	return NewIdentity(msp, cert.Subject.ToRDNSequence().String(), cert.Issuer.ToRDNSequence().String())
}

// IdentityFromCert parses a DER certificate and returns its identity in msp.
func IdentityFromCert(msp string, der []byte) (Identity, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Identity{}, errs.New(errs.Unauthenticated, "certificate of MSP %s: %v", msp, err)
	}
	return IdentityOf(msp, cert), nil
}

// Key is the identity's string form, used as a state key component and in
// JSON: MSP + "/" + ID, e.g. "Org2MSP/3fa9…". "/" cannot occur in an MSP ID
// (see ValidMSP), so the key splits unambiguously.
func (i Identity) Key() string { return i.MSP + "/" + i.ID }

// String returns Key.
func (i Identity) String() string { return i.Key() }

// Short renders the identity for messages: MSP and the first 12 hex digits.
func (i Identity) Short() string {
	if len(i.ID) > 12 {
		return i.MSP + "/" + i.ID[:12] + "…"
	}
	return i.Key()
}

// IsZero reports whether the identity is unset.
func (i Identity) IsZero() bool { return i == Identity{} }

// Validate checks the MSP ID and that ID is 64 lower-case hex digits.
func (i Identity) Validate() error {
	if err := ValidMSP(i.MSP); err != nil {
		return err
	}
	if len(i.ID) != 2*sha256.Size || strings.Trim(i.ID, "0123456789abcdef") != "" {
		return errs.Field("id", "identity id %q is not 64 lower-case hex digits", i.ID)
	}
	return nil
}

// ParseKey reads an identity key written by Key.
func ParseKey(key string) (Identity, error) {
	msp, id, ok := strings.Cut(key, "/")
	if !ok {
		return Identity{}, errs.Field("identity", "identity key %q is not MSP/id", key)
	}
	i := Identity{MSP: msp, ID: id}
	if err := i.Validate(); err != nil {
		return Identity{}, errs.Wrap(err, "identity key %q", key)
	}
	return i, nil
}

// ValidMSP checks an MSP ID: 1 to 64 characters from A-Z a-z 0-9 . _ -,
// starting with a letter or digit. That covers MSP IDs in use (Org1MSP,
// bank-a.example) and keeps them safe inside keys and collection names.
func ValidMSP(msp string) error {
	if problem := mspProblem(msp); problem != "" {
		// The message names the MSP ID already; callers add their own field.
		return &errs.Error{Code: errs.BadInput, Field: "msp", Msg: problem}
	}
	return nil
}

// mspProblem says what is wrong with an MSP ID, or "".
func mspProblem(msp string) string {
	if msp == "" || len(msp) > 64 {
		return fmt.Sprintf("MSP ID %q must have 1 to 64 characters", msp)
	}
	for i := 0; i < len(msp); i++ {
		c := msp[i]
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return fmt.Sprintf("MSP ID %q: character %q not allowed (letters, digits, . _ -; first a letter or digit)", msp, c)
		}
	}
	return ""
}
