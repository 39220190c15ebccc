package txn

import (
	"bytes"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
)

// Key builds a composite key; attributes must be valid UTF-8 without U+0000.
func (c *Context) Key(objectType string, attrs ...string) (string, error) {
	k, err := c.GetStub().CreateCompositeKey(objectType, attrs)
	if err != nil {
		return "", errs.New(errs.BadInput, "key %s%v: %v", objectType, attrs, err)
	}
	return k, nil
}

// MustKey builds a composite key from attributes the contract has already
// validated; it panics on invalid input, which is a programming error.
func (c *Context) MustKey(objectType string, attrs ...string) string {
	k, err := c.Key(objectType, attrs...)
	if err != nil {
		panic(err)
	}
	return k
}

// Get reads canonical JSON at key into v; found is false if the key is absent.
func (c *Context) Get(key string, v any) (found bool, err error) {
	b, err := c.GetStub().GetState(key)
	if err != nil {
		return false, errInternalRead(key, err)
	}
	return decode(key, b, v)
}

func errInternalRead(key string, err error) error {
	return errs.New(errs.Internal, "read %q: %v", key, err)
}

// Put writes v as canonical JSON at key.
func (c *Context) Put(key string, v any) error {
	b, err := canon.Marshal(v)
	if err != nil {
		return errs.New(errs.Internal, "encode %q: %v", key, err)
	}
	if err := c.GetStub().PutState(key, b); err != nil {
		return errs.New(errs.Internal, "write %q: %v", key, err)
	}
	return nil
}

// GetPrivate reads canonical JSON from a collection.
func (c *Context) GetPrivate(collection, key string, v any) (found bool, err error) {
	b, err := c.GetStub().GetPrivateData(collection, key)
	if err != nil {
		return false, errs.New(errs.Forbidden, "read %s: %v", collection, err)
	}
	return decode(key, b, v)
}

// PutPrivate writes v as canonical JSON into a collection.
func (c *Context) PutPrivate(collection, key string, v any) error {
	b, err := canon.Marshal(v)
	if err != nil {
		return errs.New(errs.Internal, "encode %q: %v", key, err)
	}
	if err := c.GetStub().PutPrivateData(collection, key, b); err != nil {
		return errs.New(errs.Forbidden, "write %s: %v", collection, err)
	}
	return nil
}

// KeptByTrustee sets a key-level endorsement policy on a public key: only
// the trustee organisation's peers need to endorse later changes to it.
// Used for the books the trustee keeps as registrar (issuance accounts,
// holder counts, deal cash accounts), so a transfer that touches only
// registries and these keys can be endorsed by the trustee alone, while
// everything else public needs the chaincode's majority policy.
//
// The policy names the trustee banks of the configuration in force, and
// is written only when the key's committed policy differs: the first
// write, or the first after a trustee succession moved the role (that
// write is still validated against the outgoing trustee's policy).
func (c *Context) KeptByTrustee(key string) error {
	cfg, err := c.Config()
	if err != nil {
		return err
	}
	policy, err := keypolicy.AllOf(cfg.MSPsWithRole(roles.Trustee)...)
	if err != nil {
		return err
	}
	return c.setPolicy(key, policy)
}

// Governed gives a public key the governance policy of the configuration
// in force (the trustee's peers AND a majority), as KeptByTrustee does
// the trustee-only one: only when the committed policy differs.
func (c *Context) Governed(key string) error {
	cfg, err := c.Config()
	if err != nil {
		return err
	}
	policy, err := keypolicy.TrusteeAndMajority(cfg)
	if err != nil {
		return err
	}
	return c.setPolicy(key, policy)
}

func (c *Context) setPolicy(key string, policy []byte) error {
	current, err := c.GetStub().GetStateValidationParameter(key)
	if err != nil {
		return errs.New(errs.Internal, "read the endorsement policy of %q: %v", key, err)
	}
	if bytes.Equal(current, policy) {
		return nil
	}
	return keypolicy.Set(c.GetStub(), key, policy)
}

// Range calls each for every public key under a partial composite key, in
// key order; use Decode on the value.
func (c *Context) Range(objectType string, attrs []string, each func(key string, value []byte) error) error {
	it, err := c.GetStub().GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return errs.New(errs.Internal, "range %s%v: %v", objectType, attrs, err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return errs.New(errs.Internal, "range %s%v: %v", objectType, attrs, err)
		}
		if err := each(kv.Key, kv.Value); err != nil {
			return err
		}
	}
	return nil
}

// RangePrivate is Range over a collection.
func (c *Context) RangePrivate(collection, objectType string, attrs []string, each func(key string, value []byte) error) error {
	it, err := c.GetStub().GetPrivateDataByPartialCompositeKey(collection, objectType, attrs)
	if err != nil {
		return errs.New(errs.Forbidden, "range %s in %s: %v", objectType, collection, err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return errs.New(errs.Internal, "range %s in %s: %v", objectType, collection, err)
		}
		if err := each(kv.Key, kv.Value); err != nil {
			return err
		}
	}
	return nil
}

// Decode unmarshals stored canonical JSON (as read by Range).
func Decode(key string, b []byte, v any) error {
	_, err := decode(key, b, v)
	return err
}

func decode(key string, b []byte, v any) (bool, error) {
	if b == nil {
		return false, nil
	}
	if err := canon.Unmarshal(b, v); err != nil {
		return true, errs.New(errs.Internal, "stored value at %q is corrupt: %v", key, err)
	}
	return true, nil
}
