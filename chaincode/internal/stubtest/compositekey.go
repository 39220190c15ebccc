package stubtest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Key space constants of the shim (shim.go). Composite keys are
// "\x00" + objectType + "\x00" + attr1 + "\x00" + ... and sort before every
// simple key, so a range query from "" starts at "\x01" to skip them.
const (
	compositeKeyNamespace = "\x00"
	emptyKeySubstitute    = "\x01"
	allCompositeKeysEnd   = compositeKeyNamespace + string(utf8.MaxRune)
)

// partialCompositeKeyRange returns the range of keys that start with the
// partial composite key, built and validated by the real shim: from the
// key itself to the key followed by U+10FFFF, which no attribute may hold.
func partialCompositeKeyRange(objectType string, attributes []string) (start, end string, err error) {
	start, err = shim.CreateCompositeKey(objectType, attributes)
	if err != nil {
		return "", "", err
	}
	return start, start + string(utf8.MaxRune), nil
}

// splitCompositeKey inverts shim.CreateCompositeKey. The shim's own version
// returns nonsense for simple keys, or panics; this one returns an error.
func splitCompositeKey(key string) (string, []string, error) {
	if len(key) < 2 || !strings.HasPrefix(key, compositeKeyNamespace) || !strings.HasSuffix(key, compositeKeyNamespace) {
		return "", nil, fmt.Errorf("key %q is not a composite key: it must start and end with U+0000", key)
	}
	parts := strings.Split(key[1:len(key)-1], compositeKeyNamespace)
	return parts[0], parts[1:], nil
}

// validateSimpleKeys is the shim's check that range bounds are simple keys,
// with its error text.
func validateSimpleKeys(keys ...string) error {
	for _, k := range keys {
		if strings.HasPrefix(k, compositeKeyNamespace) {
			return fmt.Errorf(`first character of the key [%s] contains a null character which is not allowed`, k)
		}
	}
	return nil
}
