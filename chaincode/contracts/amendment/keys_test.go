package amendment_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

func mustKey(t *testing.T, objectType string, attrs ...string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(objectType, attrs)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
