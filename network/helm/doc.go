// Package helm holds the Helm chart of one bank's node set
// (tranchenet-bank/: its Fabric CA, peers, its own chaincode service and its
// gateway app) and the test that renders it as `helm template` does and
// checks every object against the Kubernetes API types and against each
// other (selectors, ports, volumes, the gateway app's own configuration
// parser). The package has no code: only its test imports Helm and the
// Kubernetes API modules, so no product binary carries them.
package helm
