// Package caclient is a client of the Fabric CA REST API v1 (the API of
// hyperledger/fabric-ca v1.5): register an identity as the bank's
// registrar, enroll it with a certificate signing request whose key never
// leaves the caller's wallet, revoke it, and fetch the CA's certificate
// revocation list.
//
// It speaks HTTP itself rather than importing fabric-ca's lib, which would
// bring the CA server's database drivers, cfssl and idemix into the
// gateway. Requests a registrar makes carry fabric-ca's token: the
// registrar's certificate and an ECDSA signature over
// method.b64(uri).b64(body).b64(cert) (see token.go).
//
// Imports: the standard library only.
package caclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Registrar is the identity that registers and revokes: its PEM
// certificate and a function signing a SHA-256 digest with its private key
// (ASN.1 DER ECDSA), as fabric-gateway's identity.Sign does.
type Registrar struct {
	CertPEM []byte
	Sign    func(digest []byte) ([]byte, error)
}

// Client talks to one CA of a Fabric CA server.
type Client struct {
	base      *url.URL
	caName    string
	http      *http.Client
	registrar Registrar
}

// Options configure a Client.
type Options struct {
	// URL is the server's base URL (https://host:port).
	URL string
	// CAName selects a CA when the server hosts several; empty is the default CA.
	CAName string
	// TLSRoots verify the server's TLS certificate (https URLs).
	TLSRoots *x509.CertPool
	// Timeout bounds each request; default 30s.
	Timeout   time.Duration
	Registrar Registrar
}

// New returns a client; it does not contact the server.
func New(o Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(o.URL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("CA url %q: want https://host:port", o.URL)
	}
	if len(o.Registrar.CertPEM) > 0 {
		if b, _ := pem.Decode(o.Registrar.CertPEM); b == nil || b.Type != "CERTIFICATE" {
			return nil, errors.New("registrar certificate: no PEM CERTIFICATE block")
		}
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: o.TLSRoots, MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 16
	return &Client{base: u, caName: o.CAName, http: &http.Client{Transport: tr, Timeout: o.Timeout}, registrar: o.Registrar}, nil
}

// Attribute is an attribute registered for an identity; ECert puts it in
// the identity's enrollment certificates by default (as the chaincode reads
// tranchenet.role).
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	ECert bool   `json:"ecert,omitempty"`
}

// Registration registers a new identity.
type Registration struct {
	ID          string      `json:"id"`
	Type        string      `json:"type"`             // client, peer, admin, orderer
	Secret      string      `json:"secret,omitempty"` // empty: the CA draws one
	Affiliation string      `json:"affiliation"`      // empty: the registrar's
	Attributes  []Attribute `json:"attrs,omitempty"`
	// MaxEnrollments limits how often the secret enrolls; 0 is the CA's default.
	MaxEnrollments int    `json:"max_enrollments,omitempty"`
	CAName         string `json:"caname,omitempty"`
}

// Register registers an identity and returns its enrollment secret. It
// needs the registrar.
func (c *Client) Register(ctx context.Context, r Registration) (secret string, err error) {
	r.CAName = c.caName
	var out struct {
		Secret string `json:"secret"`
	}
	if err := c.call(ctx, "register", r, &out, c.tokenAuth); err != nil {
		return "", fmt.Errorf("register %s: %w", r.ID, err)
	}
	return out.Secret, nil
}

// Enrollment is what enrolling returns: the identity's certificate and the
// CA's chain.
type Enrollment struct {
	CertPEM    []byte
	Cert       *x509.Certificate
	CAChainPEM []byte
	CAName     string
}

// Enroll exchanges an identity's secret and a PEM certificate signing
// request for its certificate. The CSR's common name must be the
// identity's ID (the CA checks).
func (c *Client) Enroll(ctx context.Context, id, secret string, csrPEM []byte) (Enrollment, error) {
	req := struct {
		Request string `json:"certificate_request"`
		Profile string `json:"profile,omitempty"`
		CAName  string `json:"CAName,omitempty"`
	}{Request: string(csrPEM), CAName: c.caName}
	var out struct {
		Cert       string `json:"Cert"`
		ServerInfo struct {
			CAName  string `json:"CAName"`
			CAChain string `json:"CAChain"`
		} `json:"ServerInfo"`
	}
	basic := func(r *http.Request, _ []byte) error { r.SetBasicAuth(id, secret); return nil }
	if err := c.call(ctx, "enroll", req, &out, basic); err != nil {
		return Enrollment{}, fmt.Errorf("enroll %s: %w", id, err)
	}
	certPEM, err := base64.StdEncoding.DecodeString(out.Cert)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll %s: certificate is not base64: %w", id, err)
	}
	chain, err := base64.StdEncoding.DecodeString(out.ServerInfo.CAChain)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll %s: CA chain is not base64: %w", id, err)
	}
	cert, err := ParseCertPEM(certPEM)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll %s: %w", id, err)
	}
	return Enrollment{CertPEM: certPEM, Cert: cert, CAChainPEM: chain, CAName: out.ServerInfo.CAName}, nil
}

// Revocation revokes an identity (every certificate it holds, and it can
// no longer enroll) or one certificate (Serial and AKI, lower-case hex).
type Revocation struct {
	ID     string `json:"id,omitempty"`
	Serial string `json:"serial,omitempty"`
	AKI    string `json:"aki,omitempty"`
	// Reason is an RFC 5280 reason name: unspecified, keycompromise,
	// affiliationchange, superseded, cessationofoperation, ...
	Reason string `json:"reason,omitempty"`
	// GenCRL asks for the CA's CRL in the answer.
	GenCRL bool   `json:"gencrl,omitempty"`
	CAName string `json:"caname,omitempty"`
}

// Revoked is a revocation's answer.
type Revoked struct {
	Certs []RevokedCert
	// CRL is the CA's PEM certificate revocation list, when asked for.
	CRL []byte
}

// RevokedCert names a revoked certificate.
type RevokedCert struct {
	Serial string `json:"Serial"`
	AKI    string `json:"AKI"`
}

// Revoke revokes; it needs the registrar (with hf.Revoker).
func (c *Client) Revoke(ctx context.Context, r Revocation) (Revoked, error) {
	r.CAName = c.caName
	var out struct {
		RevokedCerts []RevokedCert `json:"RevokedCerts"`
		CRL          string        `json:"CRL"`
	}
	if err := c.call(ctx, "revoke", r, &out, c.tokenAuth); err != nil {
		return Revoked{}, fmt.Errorf("revoke %s: %w", r.ID+r.Serial, err)
	}
	crl, err := base64.StdEncoding.DecodeString(out.CRL)
	if err != nil {
		return Revoked{}, fmt.Errorf("revoke %s: CRL is not base64: %w", r.ID+r.Serial, err)
	}
	return Revoked{Certs: out.RevokedCerts, CRL: crl}, nil
}

// GenCRL returns the CA's current PEM CRL of unexpired revoked
// certificates; it needs the registrar (with hf.GenCRL).
func (c *Client) GenCRL(ctx context.Context) ([]byte, error) {
	req := struct {
		CAName string `json:"caname,omitempty"`
	}{c.caName}
	var out struct {
		CRL string `json:"CRL"`
	}
	if err := c.call(ctx, "gencrl", req, &out, c.tokenAuth); err != nil {
		return nil, fmt.Errorf("gencrl: %w", err)
	}
	return base64.StdEncoding.DecodeString(out.CRL)
}

// CAInfo is the CA's name and certificate chain.
type CAInfo struct {
	CAName     string `json:"CAName"`
	CAChainPEM []byte `json:"-"`
	Version    string `json:"Version"`
}

// Info asks the CA for its name and chain (no authentication).
func (c *Client) Info(ctx context.Context) (CAInfo, error) {
	req := struct {
		CAName string `json:"caname,omitempty"`
	}{c.caName}
	var out struct {
		CAInfo
		CAChain string `json:"CAChain"`
	}
	if err := c.call(ctx, "cainfo", req, &out, nil); err != nil {
		return CAInfo{}, fmt.Errorf("cainfo: %w", err)
	}
	chain, err := base64.StdEncoding.DecodeString(out.CAChain)
	out.CAInfo.CAChainPEM = chain
	return out.CAInfo, err
}

// Error is a refusal by the CA: its HTTP status and its messages.
type Error struct {
	Status   int
	Messages []Message
}

// Message is one error of a CA answer (fabric-ca's codes, e.g. 74 for an
// identity registered twice, 20 for authentication failure).
type Message struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Messages))
	for i, m := range e.Messages {
		parts[i] = fmt.Sprintf("code %d: %s", m.Code, m.Message)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("CA answered HTTP %d", e.Status)
	}
	return fmt.Sprintf("CA answered HTTP %d: %s", e.Status, strings.Join(parts, "; "))
}

// HasCode reports whether err is a CA refusal carrying the given fabric-ca code.
func HasCode(err error, code int) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, m := range e.Messages {
		if m.Code == code {
			return true
		}
	}
	return false
}

// Fabric CA error codes the gateway reacts to.
const (
	CodeAuthenticationFailure = 20 // bad token or secret
	CodeIdentityRegistered    = 74 // register: the ID exists
	CodeIdentityNotFound      = 63 // revoke: unknown ID
	CodeAlreadyRevoked        = 71 // revoke: nothing left to revoke
)

// authenticate adds credentials to a request whose body is body.
type authenticate func(r *http.Request, body []byte) error

// call POSTs a JSON request to /api/v1/<endpoint> and decodes the result
// member of fabric-ca's envelope into out.
func (c *Client) call(ctx context.Context, endpoint string, in, out any, auth authenticate) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	u := c.base.JoinPath("api", "v1", endpoint)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != nil {
		if err := auth(req, body); err != nil {
			return err
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	var env struct {
		Success bool            `json:"success"`
		Result  json.RawMessage `json:"result"`
		Errors  []Message       `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return &Error{Status: resp.StatusCode, Messages: []Message{{Message: "unreadable answer: " + truncate(string(raw), 200)}}}
	}
	if resp.StatusCode >= 300 || !env.Success || len(env.Errors) > 0 {
		return &Error{Status: resp.StatusCode, Messages: env.Errors}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Result, out)
}

// ParseCertPEM parses the first certificate of a PEM bundle.
func ParseCertPEM(certPEM []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(certPEM)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return x509.ParseCertificate(b.Bytes)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
