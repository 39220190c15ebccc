// Package settlement is the Settlement contract: trades of tranche units
// between investors at different banks, and primary issuance from the
// SPV's issuance account, settled delivery versus payment. Units and cash
// move in one Fabric transaction or not at all, and no bank learns
// another bank's trade terms. The life cycle, the matching by hash and the
// hold arithmetic are in the pure core, chaincode/core/settlement.
//
// # Flow
//
//  1. The seller (or, for an issuance, the issuer's arranger) calls
//     InstructDeliver and the buyer InstructReceive, each with the agreed
//     terms in the transient field "terms" (core settlement.Terms: trade
//     reference, tranche, parties, units, cash, intended settlement date,
//     expiry, payment mode, a nonce both banks agreed off-ledger). Each
//     bank stores the canonical terms in its own implicit collection under
//     settlementterms~<tradeRef>~<side>; the public record
//     settlement~<tradeRef> shows only their hashes. The second
//     instruction must hash to the first's (CONFLICT otherwise): the
//     settlement is then matched. Either side may hold: the seller's
//     units or the buyer's cash are reserved until it ends, with the
//     instruction (hold=true, three banks) or in a step of its own, Hold,
//     after an instruction without one (any number of banks; the
//     gateway's instruct route does both steps).
//  2. Settle (either side or the trustee, terms in the transient map)
//     proves the terms against GetPrivateDataHash of both instructions,
//     runs the tranche's transfer rules for the buyer, checks both
//     balances, pays seller and buyer the distributions their units have
//     accrued (positions.Register, through the transaction's one cash
//     ledger) and moves units to the buyer and cash to the seller; or,
//     if a rule or a balance refuses, moves nothing and records status
//     failed with the code (retry until expiry; CheckSettle gives the
//     message).
//  3. RTGS payment: Settle checks the rules and locks the units;
//     ConfirmPayment by the seller releases them to the buyer, and after
//     the payment deadline Expire returns them to the seller.
//  4. Cancel (a pending instruction by its side; a matched one when both
//     sides asked) and Expire (anyone, after expiry) release every hold.
//  5. ListByBank lists a bank's settlements (public records, via the index
//     settlementbank~<MSP>~<tradeRef>); Terms reads a side's terms on its
//     own bank's peer.
//
// # Privacy
//
// The ledger and the events carry the two banks' MSPs, the tranche, the
// payment mode, expiry and deadline, statuses, times, transaction IDs and
// the instruction hashes: never parties, units or cash. Response payloads
// of submitted transactions are written to the block too, so they are the
// public record and nothing more; a failure is recorded by code and rule
// only. The terms reach the trustee's peer in the transient map of Settle,
// which is no more than the trustee sees as registrar of both registries.
// The nonce in the terms keeps the public hash from being inverted by
// trying likely terms.
//
// # Endorsement
//
// Who endorses each step, and why that is enough (Endorsers has the table
// the client resolves):
//
//	step                        endorsers          writes                                   reads
//	InstructDeliver/Receive     own bank, trustee  own implicit collection (own bank's       public record, other side's hash,
//	                            (majority)         peers), public record (majority; then     holder's registry for a hold
//	                                               the trustee's key-level policy), hold in  (own bank and trustee are both
//	                                               the holder's registry (trustee)           members; not the third bank of
//	                                                                                         a four-bank majority: use Hold)
//	Hold                        trustee            hold in the holder's registry, record     holder's registry, public
//	                                               (both kept by the trustee)                record, instructions' hashes
//	Settle, ConfirmPayment,     trustee            registries, tranche book, class book,     registries, compliance claims,
//	Cancel, Expire                                 cash accounts, record (all kept by the    both hashes, public records
//	                                               trustee)
//
// So a bank alone can write only its own implicit collection: it cannot
// create a settlement record (majority), hold or move anything (the
// trustee's registry policy), or settle (the trustee). The trustee alone
// can move units and cash only as registrar, as for any transfer, and only
// what both banks' hashes prove they instructed. The settling transaction
// never reads an implicit collection, which the trustee's peer does not
// hold; it compares hashes, which every peer holds.
//
// Why Hold is a step of its own: an instruction creates the public record,
// a new key, which needs the trustee and a majority. With three banks the
// instructing bank and the trustee are that majority, and both are
// members of the holder's registry. With four or more (or when the
// instructing bank is the trustee's own) the majority names a bank whose
// peer is not a member of that registry, cannot simulate the hold's read
// and so cannot endorse an instruction with a hold. Hold reads and writes
// only what the trustee keeps, so the trustee's peer endorses it alone,
// whatever the number of banks; an instruction with hold=true still
// works where its endorsers all hold the registry.
package settlement
