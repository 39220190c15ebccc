//go:build rogue

package contracts

import "github.com/tranchenet/tranchenet/chaincode/contracts/rogue"

// The rogue build adds a contract that writes whatever it is given: the
// altered chaincode of the two-bank attack test.
func init() { variants = append(variants, rogue.New()) }
