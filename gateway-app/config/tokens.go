package config

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// TokenPrefix marks tranchenet gateway bearer tokens, so secret scanners and
// people recognise one in a log or a paste.
const TokenPrefix = "tng_"

// NewToken returns a fresh bearer token: TokenPrefix and 32 random bytes in
// unpadded base64url (256 bits of entropy).
func NewToken() string {
	var b [32]byte
	rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken returns the lower-case hex SHA-256 of a token: the form stored
// in User.TokenSHA256. A fast hash is right here because tokens carry 256
// random bits; a password hash would only slow every request.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
