package contracts

import "github.com/tranchenet/tranchenet/chaincode/schema"

// Endorsement is the table of who endorses every transaction function; it
// lives in model (pure) so the gateway app can use it without importing
// the contracts.
var Endorsement = schema.Endorsement
