package positions

import (
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// keepTerms refuses a register write that would change the tranche's
// terms (coupon, dates, transfer rules, face): the register moves only
// the paused flag and the issued count; terms change only through an
// executed amendment (Amendment:Execute), never through a pause, an
// event of default or a mint.
func keepTerms(before, after schema.Tranche) error {
	a, err := canon.Marshal(before.Terms())
	if err != nil {
		return err
	}
	b, err := canon.Marshal(after.Terms())
	if err != nil {
		return err
	}
	if string(a) != string(b) {
		return errs.New(errs.Internal, "tranche %s: the register would change the tranche's terms; terms change only by an executed amendment", before.ID)
	}
	return nil
}
