// Package stubtest runs chaincode in memory, through the real contract API
// router, against a ledger that behaves like a Fabric 2.5 peer's where
// chaincode can tell the difference. It is the base of the chaincode's unit,
// authorization, property and fuzz tests.
//
//	cc, _ := contractapi.NewChaincode(&token.Contract{}, ...)
//	w := stubtest.NewWorld(cc,
//		stubtest.Collection{Name: "loanTape", Members: []string{"Org1MSP", "Org2MSP"},
//			MemberOnlyRead: true, MemberOnlyWrite: true})
//	alice := w.Identity("Org2MSP", "alice", stubtest.Attr("tranchenet.role", "investor"))
//	before := w.Snapshot()
//	r := w.Invoke(alice, "Token:Transfer", []string{"A", "bob", "100"})
//	if r.OK() || len(w.Diff(before)) > 0 { ... }
//
// # Modelled as on a peer
//
//   - Transactions see committed state only. GetState, GetPrivateData and
//     every range query ignore the transaction's own writes. Writes are
//     buffered and applied only when the chaincode returns a status below
//     400 (the endorser's threshold), so a failed invocation changes
//     nothing. A write with an empty value is a delete.
//   - Range queries return keys in byte order, from "" meaning "\x01" (past
//     the composite keys) to "" meaning unbounded, capped at the sample
//     core.yaml's totalQueryLimit of 100000. Composite keys use the shim's
//     own encoding and validation. Paginated queries return Fabric's
//     bookmark (the first key of the next page) and, like private data
//     range queries, are refused in a transaction that writes, and forbid
//     writes after them, with the simulator's error texts.
//   - Private data: a Collection's Members decide which peers hold the
//     values. Every channel org has its implicit collection
//     "_implicit_org_<MSP>", whose only member is that org and which sets
//     neither memberOnly flag. The endorsing peer is the creator's org's
//     unless OnPeer names another. A peer of a non-member org holds only
//     hashes: GetPrivateData of an existing key fails with the peer's
//     "private data matching public hash version is not available", of a
//     missing key returns nil, and private range queries return nothing.
//     MemberOnlyRead and MemberOnlyWrite check the creator's MSP ("tx
//     creator does not have read access permission ..."). GetPrivateDataHash
//     (SHA-256 of the committed value) needs no permission and works on
//     every peer. Unknown collections fail with the peer's errors.
//     PurgePrivateData deletes value and hash.
//   - Key-level validation parameters are stored with their key: kept by an
//     upsert, dropped by a delete, ignored when set on a key that does not
//     exist at commit.
//   - Errors from the peer carry the handler's prefix, for example
//     "PUT_STATE failed: transaction ID: <id>: tx creator does not have
//     write access permission on privatedata in chaincodeName:testcc
//     collectionName: loanTape"; errors the shim raises itself ("key must
//     not be an empty string") do not. A key that is not valid UTF-8 panics,
//     as the shim's marshalling does.
//   - Creators are X.509 identities issued by one certificate authority per
//     MSP, serialized as msp.SerializedIdentity, with NodeOUs as subject OUs
//     and Fabric CA attributes in their extension, so that pkg/cid and the
//     contract API read them as on a peer. Certificates are deterministic.
//   - Transaction IDs are computed as Fabric's (SHA-256 of nonce and
//     creator) from a deterministic nonce sequence; timestamps come from a
//     clock that starts at StartTime and advances one second per
//     transaction, or from At. GetSignedProposal and GetBinding return a
//     proposal built from those (unsigned).
//   - Events: SetEvent keeps only the last event of a transaction; the
//     World logs events of committed transactions in order.
//   - MVCC: Endorse simulates without committing and Commit validates later
//     against the state then, so tests can interleave transactions and see
//     MVCC_READ_CONFLICT (a key or private key hash read at an older
//     version) and PHANTOM_READ_CONFLICT (a public range that now returns
//     other keys). Invoke is Endorse then Commit. Each commit is a block.
//
// # Not modelled
//
//   - Endorsement policies of any kind (chaincode, collection, key-level):
//     one peer endorses and every valid transaction commits. Validation
//     parameters are stored and returned, never evaluated.
//   - Private data dissemination limits (requiredPeerCount, maxPeerCount)
//     and blockToLive expiry: every member peer gets every write at once.
//   - Chaincode Init (--init-required), InvokeChaincode, rich queries
//     (GetQueryResult, GetPrivateDataQueryResult: LevelDB has none),
//     GetHistoryForKey: they return errors saying "not supported by
//     stubtest".
//   - Proposal signatures, certificate validity and MSP configuration:
//     nothing is verified, as chaincode does not verify them either.
//   - shim.GetMSPID, which reads the peer process's environment: OnPeer
//     cannot change it.
//   - The peer's batching of range results (100 per round trip) and the
//     shim's write batching: results arrive at once and writes are always
//     buffered.
package stubtest
