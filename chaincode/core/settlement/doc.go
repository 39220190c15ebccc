// Package settlement is the pure core of delivery-versus-payment: the
// terms two banks agree, their canonical bytes and hash, the life cycle of
// a settlement as a transition function, and the arithmetic of holds.
// It imports nothing from Fabric; the Settlement contract reads state,
// calls Open or Apply, carries out the returned effects and writes state.
//
// # Matching without reading the other bank's data
//
// The seller's bank stores the terms in its implicit collection under the
// deliver side's key, the buyer's bank under the receive side's key. Both
// store exactly Terms.Canonical(), so the private data hashes the ledger
// keeps for the two keys are equal exactly when the banks agree on every
// field, nonce included. No peer but the trustee's holds both banks'
// registries, and the trustee's peer is not a member of the banks'
// implicit collections, so the settling transaction cannot read the terms:
// its submitter passes them in the transient map, the contract hashes them
// and compares with GetPrivateDataHash of both instructions, which every
// peer can read. Equal hashes prove the terms are what both banks
// instructed.
//
// # Life cycle
//
//	status                   event (side)                    next               effects
//	(none)                   instruct (deliver)              pending-deliver    hold-units if asked
//	(none)                   instruct (receive)              pending-receive    hold-cash if asked
//	pending-deliver          instruct (receive), same hash   matched            hold-cash if asked
//	pending-receive          instruct (deliver), same hash   matched            hold-units if asked
//	pending-*, matched,      hold (an instructed side that   unchanged          hold-units (deliver) or
//	  failed                   holds nothing yet)                                hold-cash (receive)
//	pending-*                cancel (the instructed side)    cancelled          release holds
//	matched, failed          settle, ledger payment          settled            release holds, deliver-units, pay-cash
//	matched, failed          settle, rtgs payment            awaiting-payment   hold-units unless held
//	matched, failed          settle-failed (code, rule)      failed             none
//	awaiting-payment         confirm-payment                 released           release-units, deliver-units
//	matched, failed,         cancel (first side)             unchanged          none (cancelRequested)
//	  awaiting-payment       cancel (second side)            cancelled          release holds
//	pending-*, matched,      expire, after expiry            expired            release holds
//	  failed
//	awaiting-payment         expire, after payment deadline  returned           release-units
//
// A pending instruction is cancelled by its own side; a matched, failed or
// awaiting-payment settlement only when both sides have asked. Anything
// not final expires after its expiry (awaiting payment: its payment
// deadline), on an Expire anyone may send. Every final status leaves
// nothing on hold; Apply returns the releases as effects.
//
// # Holds
//
// A deliver instruction may hold the seller's units and a receive
// instruction the buyer's cash, so that neither can be spent twice while
// the trade is pending. A side that instructed without one may place it
// later with the hold event (the Settlement contract's Hold): with more
// than three banks the instruction that creates the public record is
// endorsed by a bank that cannot read the holder's registry, so the hold
// is a step of its own, endorsed by the registry's keeper. UnitHolding and CashBalance do the arithmetic:
// free = units − frozen − held, a settlement first releases its own hold,
// then debits.
package settlement
