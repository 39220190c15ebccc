// Package keypolicy builds and sets the key-level endorsement policies
// (Fabric's state-based endorsement) that decide who may change a record
// once it exists, and evaluates such a policy against a set of endorsing
// organisations the way Fabric's validator does, so tests can say which
// sets of banks can and cannot change a record.
//
// Fabric validates a write to a key that carries a validation parameter
// against that parameter instead of the chaincode's (or the collection's)
// policy, so these policies are what keeps two banks running altered
// chaincode from rewriting governance records, terms, claims and supply.
//
// It may import the Fabric shim interface and protos, core/roles and
// core/errs; it must not import the contracts or txn (contracts call it
// with their stub), so it can stand wherever the kernel moves.
package keypolicy
