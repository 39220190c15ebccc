// Command tranchenet-cc is the tranchenet chaincode. It runs as a chaincode
// service (Fabric's chaincode-as-a-service): one long-lived process that every
// peer dials through the connection.json an external builder hands it.
//
// Environment:
//
//	CHAINCODE_SERVER_ADDRESS  host:port to serve on (required; loopback in the test network)
//	CORE_CHAINCODE_ID_NAME    the package ID the peers know this chaincode by (required)
//	CHAINCODE_TLS_CERT/KEY    optional PEM files: serve TLS (production); plain gRPC otherwise
//	CHAINCODE_TLS_CLIENT_CA   optional PEM file: require peer client certificates signed by it
//	CHAINCODE_PPROF_ADDRESS   optional loopback host:port: serve net/http/pprof there, to profile
//	                          the chaincode under load (go tool pprof http://ADDRESS/debug/pprof/profile)
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tranchenet/tranchenet/chaincode/contracts"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("tranchenet-cc: %v", err)
	}
}

func run() error {
	cc, err := contractapi.NewChaincode(contracts.All()...)
	if err != nil {
		return fmt.Errorf("build chaincode: %w", err)
	}
	cc.Info.Title = "tranchenet"
	cc.Info.Version = contracts.Version

	address, ccid := os.Getenv("CHAINCODE_SERVER_ADDRESS"), os.Getenv("CORE_CHAINCODE_ID_NAME")
	if address == "" || ccid == "" {
		return fmt.Errorf("CHAINCODE_SERVER_ADDRESS and CORE_CHAINCODE_ID_NAME must be set (chaincode-as-a-service)")
	}
	tls, err := tlsProperties()
	if err != nil {
		return err
	}
	if err := servePprof(os.Getenv("CHAINCODE_PPROF_ADDRESS")); err != nil {
		return err
	}
	server := &shim.ChaincodeServer{CCID: ccid, Address: address, CC: cc, TLSProps: tls}
	log.Printf("tranchenet-cc %s serving %s on %s (tls=%v)", contracts.Version, ccid, address, !tls.Disabled)
	return server.Start()
}

func tlsProperties() (shim.TLSProperties, error) {
	certFile, keyFile := os.Getenv("CHAINCODE_TLS_CERT"), os.Getenv("CHAINCODE_TLS_KEY")
	if certFile == "" && keyFile == "" {
		return shim.TLSProperties{Disabled: true}, nil
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return shim.TLSProperties{}, fmt.Errorf("CHAINCODE_TLS_KEY: %w", err)
	}
	cert, err := os.ReadFile(certFile)
	if err != nil {
		return shim.TLSProperties{}, fmt.Errorf("CHAINCODE_TLS_CERT: %w", err)
	}
	props := shim.TLSProperties{Key: key, Cert: cert}
	if caFile := os.Getenv("CHAINCODE_TLS_CLIENT_CA"); caFile != "" {
		if props.ClientCACerts, err = os.ReadFile(caFile); err != nil {
			return shim.TLSProperties{}, fmt.Errorf("CHAINCODE_TLS_CLIENT_CA: %w", err)
		}
	}
	return props, nil
}
