package settlement

import "github.com/tranchenet/tranchenet/chaincode/schema"

// Endorsers is this contract's part of schema.Endorsement, where each entry
// says whose peers endorse the function and why they hold what it reads;
// the package documentation explains the policies behind it.
var Endorsers = schema.EndorsementOf("Settlement")
