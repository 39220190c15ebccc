package token_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func positionKey(t testing.TB, tranche, holder string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(schema.TypePosition, []string{tranche, holder})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
