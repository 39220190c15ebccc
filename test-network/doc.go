// Package testnetwork holds the integration test of the local Fabric test
// network (network.sh) and, in cmd/ and tnet/, the tools it is built from.
package testnetwork
