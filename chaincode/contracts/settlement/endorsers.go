package settlement

import "github.com/tranchenet/tranchenet/chaincode/contracts/model"

// Endorsers is this contract's part of model.Endorsement, where each entry
// says whose peers endorse the function and why they hold what it reads;
// the package documentation explains the policies behind it.
var Endorsers = model.EndorsementOf("Settlement")
