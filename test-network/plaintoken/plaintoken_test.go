package plaintoken

import (
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// The chaincode the benchmarks deploy is built from both contracts. The
// contract API refuses, at build, a contract function whose parameters or
// results it cannot serve, so a yardstick that would not start fails here
// rather than after a network was brought up for it.
func TestChaincodeServesEveryYardstick(t *testing.T) {
	cc, err := contractapi.NewChaincode(New(), NewRecords())
	if err != nil {
		t.Fatal(err)
	}
	if cc.DefaultContract != "Token" {
		t.Errorf("default contract %q, want Token", cc.DefaultContract)
	}
}
