package caclient

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// tokenAuth sets fabric-ca's authorization token on a registrar's request:
//
//	b64(cert) "." b64(signature over SHA-256(method "." b64(uri) "." b64(body) "." b64(cert)))
//
// where uri is the request URI as the server sees it (path and query),
// b64 is standard base64 with padding, and the signature is the
// registrar's DER ECDSA signature with a low S, which the CA's BCCSP
// requires (fabric-ca v1.5 util.CreateToken and util.VerifyToken).
func (c *Client) tokenAuth(r *http.Request, body []byte) error {
	token, err := Token(c.registrar, r.Method, r.URL.RequestURI(), body)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", token)
	return nil
}

// Token computes fabric-ca's authorization token for a request.
func Token(reg Registrar, method, uri string, body []byte) (string, error) {
	if len(reg.CertPEM) == 0 || reg.Sign == nil {
		return "", errors.New("no registrar configured: register and revoke need one")
	}
	b64 := base64.StdEncoding.EncodeToString
	b64cert := b64(reg.CertPEM)
	payload := method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert
	digest := sha256.Sum256([]byte(payload))
	sig, err := reg.Sign(digest[:])
	if err != nil {
		return "", err
	}
	return b64cert + "." + b64(sig), nil
}
