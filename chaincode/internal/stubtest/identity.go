package stubtest

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Identity is a client identity that submits transactions: an X.509
// certificate issued by its MSP's certificate authority, serialized as
// Fabric's msp.SerializedIdentity, so that pkg/cid and the contract API's
// client identity read it as they would on a peer.
//
// Identities are immutable and cached by (MSP, name, OUs, attributes); the
// certificate bytes are a pure function of those, so IDs, certificates and
// creator bytes are the same in every run.
type Identity struct {
	mspID   string
	name    string
	ous     []string
	attrs   map[string]string
	cert    *x509.Certificate
	creator []byte
	id      string
}

// An IdentityOption adds to a certificate's content.
type IdentityOption func(*identitySpec)

type identitySpec struct {
	ous   []string
	attrs map[string]string
}

// OU adds an organizational unit to the certificate subject. Fabric NodeOUs
// are "client", "admin", "peer" and "orderer"; an identity made without any
// OU option gets "client", as every user certificate of a NodeOU-enabled
// MSP has one.
func OU(ou string) IdentityOption {
	return func(s *identitySpec) { s.ous = append(s.ous, ou) }
}

// Attr adds a Fabric CA attribute, read by cid.GetAttributeValue. The
// certificate carries the attributes in extension 1.2.3.4.5.6.7.8.1 as
// {"attrs":{"name":"value",...}}, as the Fabric CA writes them.
func Attr(name, value string) IdentityOption {
	return func(s *identitySpec) {
		if s.attrs == nil {
			s.attrs = map[string]string{}
		}
		s.attrs[name] = value
	}
}

// Identity returns the identity of name in the org mspID, putting the org on
// the channel if it is not yet there. The same arguments return the same
// *Identity.
func (w *World) Identity(mspID, name string, opts ...IdentityOption) *Identity {
	if mspID == "" || name == "" {
		panic(fmt.Sprintf("stubtest: Identity(%q, %q): MSP ID and name are required", mspID, name))
	}
	var spec identitySpec
	for _, o := range opts {
		o(&spec)
	}
	if len(spec.ous) == 0 {
		spec.ous = []string{"client"}
	}
	id := cachedIdentity(mspID, name, spec)
	w.mu.Lock()
	w.addOrg(mspID)
	w.mu.Unlock()
	return id
}

// newIdentity issues the certificate and serializes the identity.
func newIdentity(mspID, name string, spec identitySpec) (*Identity, error) {
	cert, pemBytes, err := issueCertificate(mspID, name, spec)
	if err != nil {
		return nil, err
	}
	creator, err := proto.MarshalOptions{Deterministic: true}.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: pemBytes})
	if err != nil {
		return nil, fmt.Errorf("serialize identity: %w", err)
	}
	// Ask pkg/cid itself for the ID so that tests compare against exactly
	// what the chaincode computes.
	cidID, err := cid.GetID(creatorOnly(creator))
	if err != nil {
		return nil, fmt.Errorf("cid.GetID: %w", err)
	}
	return &Identity{
		mspID:   mspID,
		name:    name,
		ous:     append([]string(nil), spec.ous...),
		attrs:   spec.attrs,
		cert:    cert,
		creator: creator,
		id:      cidID,
	}, nil
}

// creatorOnly is the one-method stub that pkg/cid needs.
type creatorOnly []byte

func (c creatorOnly) GetCreator() ([]byte, error) { return c, nil }

// MSPID returns the identity's MSP ID.
func (id *Identity) MSPID() string { return id.mspID }

// Name returns the certificate's common name.
func (id *Identity) Name() string { return id.name }

// ID returns what cid.GetID returns for this identity: the base64 of
// "x509::<subject DN>::<issuer DN>".
func (id *Identity) ID() string { return id.id }

// Certificate returns the identity's certificate. Do not modify it.
func (id *Identity) Certificate() *x509.Certificate { return id.cert }

// Creator returns the serialized msp.SerializedIdentity that GetCreator
// returns during the identity's transactions.
func (id *Identity) Creator() []byte { return bytes.Clone(id.creator) }

// String returns "name@MSP", for test messages.
func (id *Identity) String() string { return id.name + "@" + id.mspID }

// cacheKey identifies the certificate content. Parts are quoted so that no
// name can imitate a separator. Attributes are sorted so that the option
// order does not matter; OUs are not, because their order is part of the
// subject DN.
func (s identitySpec) cacheKey(mspID, name string) string {
	var b strings.Builder
	b.WriteString(strconv.Quote(mspID))
	b.WriteString(strconv.Quote(name))
	for _, ou := range s.ous {
		b.WriteString(" ou=")
		b.WriteString(strconv.Quote(ou))
	}
	names := make([]string, 0, len(s.attrs))
	for n := range s.attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(" attr=")
		b.WriteString(strconv.Quote(n))
		b.WriteString(strconv.Quote(s.attrs[n]))
	}
	return b.String()
}
