// Package schema is the ledger schema both sides share: the records the
// contracts store, the keys they store them under, the identifier formats
// of key components, the answers queries return, and which organisations
// must endorse each kind of change. The contracts write it; the gateway app
// reads it and resolves its endorsement table.
//
// It may import the pure core (chaincode/core/...) and nothing from Fabric,
// the contracts or the gateway app.
//
// # Where data lives
//
//	public state                 config, role grants, pools, deals, tranche terms and supply,
//	                             tranche books (issuer account, holder count: kept by the trustee),
//	                             cash supply and float, dossier hashes, settlement statuses
//	compliance collection        investor claims (rules.Claims) read by every transfer rule check
//	registry<MSP> collection     positions (units, frozen units, distribution index paid) and cash
//	                             balances of MSP's clients; the trustee keeps every registry
//	_implicit_org_<MSP>          that bank's investor dossiers and trade terms
//	loanTape collection          loan-level records of each pool
//
// # Endorsement
//
// Public keys need the chaincode's policy (a majority of banks) unless a
// key-level policy says otherwise. The books the trustee keeps as registrar
// (TrancheBook, CashBook, and later the deals' cash accounts) carry a
// key-level policy of the trustee's peers, so a change that touches only
// registries and those books can be endorsed by the trustee alone. Minting
// units or cash always touches a majority-endorsed supply record too, so no
// single bank can create value.
package schema
