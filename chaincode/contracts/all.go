// Package contracts registers every contract of the tranchenet chaincode.
//
// Each contract package (admin, cash, deal, identity, pool, probe,
// servicing, settlement, token, amendment, auction, cardtrust) is a read → decide → write shell: it
// checks the caller, reads through the ledger's books
// (chaincode/ledger/...), decides with them and the pure core
// (chaincode/core/...), and writes through the books. A contract package
// may import chaincode/ledger/..., chaincode/schema, chaincode/core/... and
// chaincode/contracts/internal/...; never another contract package. Only
// this package, which assembles them, imports the contracts
// (test-network/layers_test.go holds the plan to it).
package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tranchenet/tranchenet/chaincode/contracts/admin"
	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/contracts/auction"
	"github.com/tranchenet/tranchenet/chaincode/contracts/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/contracts/cash"
	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/contracts/probe"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/contracts/token"
)

// Version is the chaincode's version, reported by the server at start.
const Version = "0.1.0"

// variants are contracts a build tag adds (only the test-only "rogue"
// build does); the regular chaincode has none.
var variants []contractapi.ContractInterface

// All returns the contracts the chaincode serves, in a fixed order.
func All() []contractapi.ContractInterface {
	return append([]contractapi.ContractInterface{
		probe.New(),
		admin.New(),
		identity.New(),
		pool.New(),
		deal.New(),
		token.New(),
		cash.New(),
		servicing.New(),
		settlement.New(),
		amendment.New(),
		auction.New(),
		cardtrust.New(),
	}, variants...)
}
