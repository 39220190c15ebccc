// Package ledger is the books layer under the contracts: the records a
// transaction moves value through, each book in its own package.
//
//	txn        the transaction kernel: caller and roles, canonical state,
//	           key-level policies, the event envelope, Apply for writes
//	positions  a tranche's register: positions, tranche book, holder
//	           count, frozen and held units, every movement of units
//	cash       the settlement asset: holders' balances, the float, supply
//	accruals   holders' distributions, settled before their units change
//	holds      settlement holds and a settlement's delivery and payment
//	dealaccounts  a deal's collection, reserve and fee accounts
//	waterfalls a deal's waterfall versions: SetWaterfall and executed amendments
//
// Each book decides in pure functions (records in, records out, or a
// refusal with its errs code) and lands what it decided through
// txn.Context.Apply, so the decisions are tested without a stub. A book
// remembers what it wrote in a transaction (Fabric does not show a
// transaction its own writes), so a transaction opens each book once and
// hands it on.
//
// The ledger packages may import txn, chaincode/schema and chaincode/core;
// never a contract (chaincode/contracts/...). The contracts import them.
package ledger
