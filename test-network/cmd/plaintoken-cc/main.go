// Command plaintoken-cc serves the benchmarks' yardsticks (package
// plaintoken: the plain token and its private twins, the Records
// contract) as a chaincode service, like tranchenet-cc: the peers dial
// CHAINCODE_SERVER_ADDRESS (loopback, plain gRPC) and know it by the
// package ID in CORE_CHAINCODE_ID_NAME. The throughput and records benchmarks
// build, start and deploy it (test-network/throughput).
//
// It imports plaintoken and the Fabric chaincode libraries only.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tranchenet/tranchenet/test-network/plaintoken"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("plaintoken-cc: %v", err)
	}
}

func run() error {
	cc, err := contractapi.NewChaincode(plaintoken.New(), plaintoken.NewRecords())
	if err != nil {
		return fmt.Errorf("build chaincode: %w", err)
	}
	address, ccid := os.Getenv("CHAINCODE_SERVER_ADDRESS"), os.Getenv("CORE_CHAINCODE_ID_NAME")
	if address == "" || ccid == "" {
		return fmt.Errorf("CHAINCODE_SERVER_ADDRESS and CORE_CHAINCODE_ID_NAME must be set (chaincode-as-a-service)")
	}
	server := &shim.ChaincodeServer{CCID: ccid, Address: address, CC: cc, TLSProps: shim.TLSProperties{Disabled: true}}
	log.Printf("plaintoken-cc serving %s on %s", ccid, address)
	return server.Start()
}
