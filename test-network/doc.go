// Package testnetwork holds the integration tests of the local Fabric test
// network (network.sh) and the layers test that keeps the house plan true
// (layers_test.go). Beside it live the tools the network, the demo and the
// tests are built from: tnet (drives network.sh and the peer CLI), load
// (the load runner), bench (REST overhead against the Fabric Gateway
// client), gatewayconfig (each bank's gateway configuration), loansim (the
// loan and report simulator) and the commands in cmd/.
//
// Everything under test-network/ may import any package of the module;
// nothing in the products (chaincode/..., gateway-app/...) imports it
// outside test files, so no tool ships in a product binary.
package testnetwork
