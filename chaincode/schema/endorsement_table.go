package schema

import "strings"

// Endorsement says, for every transaction function ("Contract:Function"),
// whose peers a client must ask: to endorse a submitted transaction so
// that the chaincode, collection and key-level policies are satisfied and
// every endorser holds what the transaction reads, or to evaluate a query
// on a peer holding the data (Query: the caller's own peer;
// QueryOnTrustee: the trustee's). Endorsers.Resolve turns an
// entry into MSP IDs. A test runs every submitted function on each of its
// endorsers' peers and requires the same result from all of them.
//
// Policies behind the entries (README "Endorsement", this package's doc):
// public state needs a majority of banks; keys the trustee keeps (tranche
// books, the cash float) need the trustee; registries need the trustee's
// peer; compliance needs the trustee and a majority of banks for a new
// claim, then the investor's bank and the trustee; loanTape needs the
// trustee and the servicer; an implicit collection needs its own org.
// Governance records (configuration, proposals, role grants, deal and
// tranche terms) need the trustee AND a majority; the cash supply the
// settlement agent (README "Who must endorse what").
var Endorsement = map[string]Endorsers{
	// Admin. The configuration and role grants are public state.
	"Admin:Init":          ByMajority, // writes the configuration
	"Admin:ProposeConfig": ByMajority, // writes the proposal (or the configuration)
	"Admin:ApproveConfig": ByMajority, // writes the proposal or the configuration
	"Admin:GrantRole":     ByMajority, // writes role~<MSP>~<ID>
	"Admin:RevokeRole":    ByMajority, // writes or deletes role~<MSP>~<ID>
	"Admin:Roles":         Query,      // public state
	"Admin:WhoAmI":        Query,      // public state and the certificate
	"Admin:Config":        Query,      // public state
	"Admin:Proposal":      Query,      // public state

	// Identity.
	// Attest writes the bank's implicit collection (its own peer), the
	// compliance collection (OutOf majority) and the public dossier hash
	// (majority); it reads only the compliance collection, which every
	// bank holds, and writes the implicit collection without reading it,
	// so the trustee's and other banks' peers can execute it too.
	"Identity:Attest": ByOwnOrgAndTrustee,
	// AttestMany is Attest for many investors of the caller's own bank:
	// the same collections, the same endorsers.
	"Identity:AttestMany": ByOwnOrgAndTrustee,
	// Revoke, Freeze and Unfreeze change an existing claim in the
	// compliance collection only, whose key-level policy is the investor's
	// bank AND the trustee (every bank holds the collection). Revoke is
	// called by the investor's own bank; a freeze may come from the
	// trustee, so its party is the investor's bank.
	"Identity:Revoke":   ByMajority,
	"Identity:Freeze":   ByTrusteeAndCustodian,
	"Identity:Unfreeze": ByTrusteeAndCustodian,
	// Claims are in the compliance collection, on every bank's peer.
	"Identity:GetClaims": Query,
	// The dossier is in the investor bank's implicit collection: only its
	// own peer holds it, and only its own identities may ask.
	"Identity:GetDossier": Query,

	// CardTrust. The trust, its state and each allocated month are public
	// state; a report's allocation writes the month and the trust.
	"CardTrust:CreateTrust":  ByMajority,
	"CardTrust:SubmitReport": ByMajority,
	"CardTrust:GetTrust":     Query,
	"CardTrust:GetMonth":     Query,
	// Pool:SealCardSeries writes the public pool record; Servicing:
	// SubmitCardReport writes a new report key (then kept by the trustee
	// AND the servicer), like Servicing:SubmitReport.
	"Pool:SealCardSeries":        ByMajority,
	"Servicing:SubmitCardReport": ByMajority,

	// Pool.
	// Create writes the public pool and tape progress (and sets the
	// progress key's policy to trustee AND servicer).
	"Pool:Create": ByMajority,
	// AddLoans writes loanTape (collection policy trustee AND servicer)
	// and the progress key (key-level policy trustee AND servicer), and
	// reads loanTape for duplicates: exactly the two members of loanTape.
	"Pool:AddLoans": ByTrusteeAndServicer,
	// CheckTape reads every chunk's index in loanTape and writes the
	// public check record (key-level policy trustee AND servicer).
	"Pool:CheckTape": ByTrusteeAndServicer,
	// Seal reads the public progress (or chunk and check) records and
	// writes only the public pool: any majority can endorse it. It must never write the progress
	// record, whose trustee-AND-servicer policy a majority sealed by an
	// arranger need not meet (TestKeyLevelPoliciesAreMetByTheTable).
	"Pool:Seal": ByMajority,
	"Pool:Get":  Query,
	// GetLoan reads loanTape: only the trustee's and servicers' peers hold
	// it, and only their identities may ask, so the caller's own peer.
	"Pool:GetLoan":    Query,
	"Pool:VerifyLoan": Query, // public root only

	// Deal.
	"Deal:Create":      ByMajority, // public deal and tranche terms, new books
	"Deal:AddDocument": ByMajority, // public deal record
	// Issue raises the public supply (majority) and the issuance account
	// in the book the trustee keeps (key-level: trustee); majority always
	// includes the trustee.
	"Deal:Issue": ByMajority,
	// Place moves units from the book's issuance account to the
	// investor's registry, first paying an investor that already holds
	// units its accrued distributions (class book to registry cash): the
	// trustee's peer alone holds all of it, and every policy is the
	// trustee's.
	"Deal:Place":      ByTrustee,
	"Deal:PlaceMany":  ByTrustee, // many placements, one issuance account write
	"Deal:Get":        Query,
	"Deal:GetTranche": Query,

	// Token.
	// Transfers, forced transfers, freezes and redemptions change only
	// registries and books the trustee keeps: the tranche book, and the
	// class book from which a movement pays each side's accrued
	// distributions into its registry cash. A cross-bank movement reads
	// two banks' registries, which only the trustee's peer holds.
	"Token:Transfer":       ByTrustee,
	"Token:ForcedTransfer": ByTrustee,
	"Token:Freeze":         ByTrustee,
	"Token:Unfreeze":       ByTrustee,
	"Token:Redeem":         ByTrustee,
	// Pause and Resume change the public tranche terms; Resume also reads
	// the deal's public servicing record (no resuming in an event of
	// default).
	"Token:Pause":  ByMajority,
	"Token:Resume": ByMajority,
	// CanTransfer reads both parties' registries; Holders ranges over
	// every registry: only the trustee's peer can answer.
	"Token:CanTransfer": QueryOnTrustee,
	"Token:Holders":     QueryOnTrustee,
	// A position is in the holder's custodian registry, which both the
	// custodian's and the trustee's peers hold, and only the holder, its
	// bank and the trustee may ask: the caller's own peer.
	"Token:Position": Query,
	// Many positions in one call (a gateway's read model, per block).
	"Token:Positions": Query,
	"Token:Supply":    Query, // public supply and book

	// Cash.
	// Minting and burning change the public supply (majority) and the
	// float the trustee keeps; attesting reserves changes the supply.
	"Cash:AttestReserves": ByMajority,
	"Cash:Mint":           ByMajority,
	"Cash:Burn":           ByMajority,
	// Payments, transfers and returns touch only registries and the float.
	"Cash:Pay":      ByTrustee,
	"Cash:Transfer": ByTrustee,
	"Cash:Return":   ByTrustee,
	// A balance is in the holder's custodian registry: see Token:Position.
	"Cash:Balance":  Query,
	"Cash:Balances": Query, // many in one call, as Token:Positions
	"Cash:Supply":   Query,

	// Servicing.
	// Public: a new waterfall version and the deal's servicing record
	// (chaincode policy). Reads only public deal, tranche and pool records.
	"Servicing:SetWaterfall": ByMajority,
	// Public: creates the report record (a new key: chaincode policy) and
	// sets its key-level policy to trustee AND servicer for the rows that
	// follow. Reads public records only.
	"Servicing:SubmitReport": ByMajority,
	// loanTape (rows, loans' last balances, read and written) and the
	// report record (key-level policy trustee AND servicer): the loanTape
	// collection's members are exactly the trustee and servicer orgs, so
	// both peers hold every loan read.
	"Servicing:AddReportRows": ByTrusteeAndServicer,
	// Reads the public chunk sums and writes the report record (trustee
	// AND servicer).
	"Servicing:CompleteReport": ByTrusteeAndServicer,
	// The report record only (trustee AND servicer).
	"Servicing:WithdrawReport": ByTrusteeAndServicer,
	// Public fixing record.
	"Servicing:PostFixing": ByMajority,
	// Public quote record of a fixing source (a rates desk of any bank).
	"Servicing:PostIndexQuote": ByMajority,
	// Public (certification, deal servicing state, tranche pause on an
	// event of default) and trustee-kept books (deal accounts, class
	// books): a majority that includes the trustee. Reads no registry and
	// no loanTape key.
	"Servicing:Certify": ByMajority,
	// Public deal servicing record and the tranches' pause flags.
	"Servicing:DeclareEventOfDefault": ByMajority,
	// A seasoned deal opened from its certificate: the opening record
	// (governance policy: the trustee AND a majority), the public deal
	// servicing record and, with an event of default, the pause flags.
	// Reads public deal, pool and waterfall records only.
	"Servicing:OpenAt": ByMajority,
	// The servicer's registry (its cash) and the collection account kept
	// by the trustee: only the trustee's peer holds every registry.
	"Servicing:RemitCollections": ByTrustee,
	// The caller's registry cash and a reserve account kept by the trustee.
	"Servicing:FundReserve": ByTrustee,
	// The holder's registry (position, cash) and the class book kept by
	// the trustee; the claim goes through the tranche's register, which
	// reads the tranche and its book (public).
	"Servicing:Claim":    ByTrustee,
	"Servicing:ClaimFor": ByTrustee,
	// The payee's registry cash and the fee account kept by the trustee.
	"Servicing:ClaimFee": ByTrustee,
	// The servicer's registry cash and the advances account kept by the
	// trustee.
	"Servicing:ClaimAdvances": ByTrustee,

	// Queries of public state: any member's peer answers.
	"Servicing:GetWaterfall":     Query,
	"Servicing:GetStatus":        Query,
	"Servicing:GetReport":        Query,
	"Servicing:GetFixings":       Query,
	"Servicing:GetFixingStatus":  Query,
	"Servicing:GetCertification": Query,
	"Servicing:GetOpening":       Query,
	"Servicing:ProofOfReserve":   Query,
	"Servicing:Replay":           Query,
	// A class's distribution account is its book less every holder's
	// claim tally, kept in the holders' positions: only the trustee's
	// peer holds every registry.
	"Servicing:GetClassBook": QueryOnTrustee,
	"Servicing:GetAccounts":  QueryOnTrustee,
	// A holder's accrual reads its registry: the trustee's peer holds
	// every registry (the holder's own bank's peer holds its own).
	"Servicing:Accrued": QueryOnTrustee,

	// Settlement.
	// An instruction writes the instructing bank's implicit collection
	// (only its own peers may endorse that), the public record (a new key:
	// the chaincode's majority; afterwards the trustee's key-level policy)
	// and, with a hold, the holder's registry (the trustee). It reads
	// public state, the other side's private data hash (every peer has
	// it) and, with a hold, the holder's registry, of which both the
	// holder's bank and the trustee are members.
	//
	// With four or more banks that majority includes a bank that is not a
	// member of the holder's registry, which cannot simulate the hold's
	// read: an instruction that holds is then sent without the hold and
	// followed by Hold (the gateway's instruct route does both).
	"Settlement:InstructDeliver": ByOwnOrgAndTrustee,
	"Settlement:InstructReceive": ByOwnOrgAndTrustee,
	// Hold, the second step of an instruction with a hold, reads and
	// writes the holder's registry and the settlement record, both kept by
	// the trustee (registry policy, record key-level policy), and reads
	// the instructions only by hash: the trustee's peer, whatever the
	// number of banks.
	"Settlement:Hold": ByTrustee,
	// Settling, confirming payment, cancelling and expiring write only
	// registries, the tranche book, the class book (both sides' accrued
	// distributions are paid on delivery) and the settlement record, all
	// kept by the trustee; they read registries of two banks and the
	// compliance collection, all of which the trustee's peer holds, and
	// the implicit collections only by hash.
	"Settlement:Settle":         ByTrustee,
	"Settlement:ConfirmPayment": ByTrustee,
	"Settlement:Cancel":         ByTrustee,
	"Settlement:Expire":         ByTrustee,
	// Public records.
	"Settlement:Get":        Query,
	"Settlement:ListByBank": Query,
	// A side's terms are in its bank's implicit collection: its own peer.
	"Settlement:Terms": Query,
	// Reads both parties' registries: the trustee's peer.
	"Settlement:CheckSettle": QueryOnTrustee,

	// Amendment.
	// Propose creates the public amendment record (a new key: the
	// chaincode's trustee-and-majority policy) and gives it the trustee's
	// key-level policy; reads public deal and tranche terms.
	"Amendment:Propose": ByMajority,
	// Record ranges every registry for the voting classes' positions and
	// writes each holder's into its registry, and the tally into the
	// record the trustee keeps: only the trustee's peer holds them all.
	"Amendment:Record": ByTrustee,
	// A vote reads and writes the holder's position in its registry and
	// the kept tally.
	"Amendment:Vote": ByTrustee,
	// Execute writes tranche terms (key-level: the trustee and a
	// majority), the pool for a servicer replacement and the new deal
	// version (chaincode policy); reads public state only.
	"Amendment:Execute": ByMajority,
	"Amendment:Get":     Query,
	"Amendment:List":    Query,
	"Amendment:History": Query,
	// The caller's own registry, which its bank's peer holds.
	"Amendment:MyVote": Query,

	// Auction (liquidation of a defaulted deal's pool).
	// Open creates the public auction record and, the first time, the
	// pool's title record (new keys: the chaincode's trustee-and-majority
	// policy), both then kept by the trustee.
	"Auction:Open": ByMajority,
	// Seal writes only the bidder's own implicit collection (its
	// collection policy: that bank's peers): no other peer sees the price.
	"Auction:Seal": ByOwnOrg,
	// Bid creates the public bid record from the sealed bid's hash, which
	// every peer holds: a new key, so the trustee and a majority.
	"Auction:Bid": ByMajority,
	// Reveal writes the trustee's implicit collection and the records the
	// trustee keeps: the trustee's peer alone sees the revealed price.
	"Auction:Reveal": ByTrustee,
	// Award reads the trustee's implicit collection and the buyer's
	// registry, and writes that registry, the deal's collection account,
	// the auction and the pool's title, all kept by the trustee.
	"Auction:Award": ByTrustee,
	"Auction:Get":   Query,
	"Auction:Bids":  Query,
	"Auction:Owner": Query,
	// The caller's own implicit collection, which its bank's peer holds.
	"Auction:MyBid": Query,
}

// EndorsementOf returns the entries of one contract ("Servicing").
func EndorsementOf(contract string) map[string]Endorsers {
	out := map[string]Endorsers{}
	for fn, e := range Endorsement {
		if strings.HasPrefix(fn, contract+":") {
			out[fn] = e
		}
	}
	return out
}
