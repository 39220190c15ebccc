package stubtest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Private data follows the peer's handler (core/chaincode/handler.go) and
// transaction simulator: first the collection must exist and the creator
// must have the permission that the collection's memberOnlyRead or
// memberOnlyWrite demands; then the simulator serves the endorsing peer's
// copy, which on a peer of a non-member org holds hashes only.

type permission uint8

const (
	mayRead permission = iota
	mayWrite
)

// collectionAccess resolves a collection and checks the creator's
// permission, with the peer's error texts.
func (s *stub) collectionAccess(msgType, collection string, need permission) (*access, error) {
	a := s.w.collections[collection]
	if a == nil {
		return nil, s.peerError(msgType, fmt.Errorf("collection %s/%s/%s could not be found", s.w.channelID, s.w.ccName, collection))
	}
	switch {
	case need == mayRead && !a.creatorMayRead(s.creator.mspID):
		return nil, s.peerError(msgType, fmt.Errorf("tx creator does not have read access permission on privatedata in chaincodeName:%s collectionName: %s", s.w.ccName, collection))
	case need == mayWrite && !a.creatorMayWrite(s.creator.mspID):
		return nil, s.peerError(msgType, fmt.Errorf("tx creator does not have write access permission on privatedata in chaincodeName:%s collectionName: %s", s.w.ccName, collection))
	}
	return a, nil
}

// privateEntry returns the committed entry of a private key.
func (s *stub) privateEntry(collection, key string) *entry {
	return s.w.private[collection].get(key)
}

// ---- Single keys ----

func (s *stub) GetPrivateData(collection, key string) ([]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	mustUTF8("GetPrivateData", "collection", collection)
	mustUTF8("GetPrivateData", "key", key)
	const msgType = "GET_STATE"
	if err := s.checkActive(msgType); err != nil {
		return nil, err
	}
	a, err := s.collectionAccess(msgType, collection, mayRead)
	if err != nil {
		return nil, err
	}
	e := s.privateEntry(collection, key)
	if e != nil && !a.peerHoldsData(s.peerMSP) {
		// The peer has the key's hash at a version but no value to match
		// it: what a peer of a non-member org answers. For a key that does
		// not exist both versions are nil and it returns nil, nil.
		return nil, s.peerError(msgType, fmt.Errorf(
			"private data matching public hash version is not available. Public hash version = {BlockNum: %d, TxNum: 0}, Private data version = <nil>",
			e.version))
	}
	s.recordRead(collection, key, e)
	return valueOf(e), nil
}

func (s *stub) GetMultiplePrivateData(collection string, keys ...string) ([][]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([][]byte, 0, len(keys))
	for _, k := range keys {
		v, err := s.GetPrivateData(collection, k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// GetPrivateDataHash returns SHA-256 of the committed value, or nil. Every
// peer holds the hashes and the peer checks no creator permission here:
// this is how non-members compare private data.
func (s *stub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	mustUTF8("GetPrivateDataHash", "collection", collection)
	mustUTF8("GetPrivateDataHash", "key", key)
	const msgType = "GET_PRIVATE_DATA_HASH"
	if err := s.checkActive(msgType); err != nil {
		return nil, err
	}
	if s.w.collections[collection] == nil {
		return nil, s.peerError(msgType, fmt.Errorf("collection [%s] not defined in the collection config for chaincode [%s]", collection, s.w.ccName))
	}
	e := s.privateEntry(collection, key)
	s.recordRead(collection, key, e)
	if e == nil {
		return nil, nil
	}
	return bytes.Clone(e.hash), nil
}

func (s *stub) PutPrivateData(collection, key string, value []byte) error {
	if collection == "" {
		return errEmptyCollection
	}
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	return s.writePrivate("PutPrivateData", "PUT_STATE", collection, key, func() { s.recordPut(collection, key, value) })
}

func (s *stub) DelPrivateData(collection, key string) error {
	if collection == "" {
		return errEmptyCollection
	}
	return s.writePrivate("DelPrivateData", "DEL_STATE", collection, key, func() { s.recordDelete(collection, key, opDelete) })
}

// PurgePrivateData deletes the value and its hash at commit. (Fabric also
// removes past versions from the private data store; there is no history
// here to remove.)
func (s *stub) PurgePrivateData(collection, key string) error {
	if collection == "" {
		return errEmptyCollection
	}
	return s.writePrivate("PurgePrivateData", "PURGE_PRIVATE_DATA", collection, key, func() { s.recordDelete(collection, key, opPurge) })
}

// SetPrivateDataValidationParameter with an empty collection sets the world
// state key's parameter, as the real shim does.
func (s *stub) SetPrivateDataValidationParameter(collection, key string, ep []byte) error {
	if collection == "" {
		return s.SetStateValidationParameter(key, ep)
	}
	return s.writePrivate("SetPrivateDataValidationParameter", "PUT_STATE_METADATA", collection, key, func() { s.recordValidationParameter(collection, key, ep) })
}

// GetPrivateDataValidationParameter reads the parameter kept beside the
// key's hash, so peers of non-member orgs can read it too.
func (s *stub) GetPrivateDataValidationParameter(collection, key string) ([]byte, error) {
	if collection == "" {
		return s.GetStateValidationParameter(key)
	}
	mustUTF8("GetPrivateDataValidationParameter", "collection", collection)
	mustUTF8("GetPrivateDataValidationParameter", "key", key)
	const msgType = "GET_STATE_METADATA"
	if err := s.checkActive(msgType); err != nil {
		return nil, err
	}
	if _, err := s.collectionAccess(msgType, collection, mayRead); err != nil {
		return nil, err
	}
	e := s.privateEntry(collection, key)
	s.recordRead(collection, key, e)
	if e == nil {
		return nil, nil
	}
	return bytes.Clone(e.validationParameter), nil
}

// writePrivate runs the checks every private write shares, then record.
// Peers of non-member orgs may endorse writes: they only disseminate them.
func (s *stub) writePrivate(method, msgType, collection, key string, record func()) error {
	mustUTF8(method, "collection", collection)
	mustUTF8(method, "key", key)
	if err := s.checkActive(msgType); err != nil {
		return err
	}
	if _, err := s.collectionAccess(msgType, collection, mayWrite); err != nil {
		return err
	}
	if err := s.beforeWrite(msgType); err != nil {
		return err
	}
	record()
	return nil
}

// ---- Ranges ----

func (s *stub) GetPrivateDataByRange(collection, startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	return s.queryPrivate("GetPrivateDataByRange", collection, startKey, endKey)
}

func (s *stub) GetPrivateDataByPartialCompositeKey(collection, objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	start, end, err := partialCompositeKeyRange(objectType, attributes)
	if err != nil {
		return nil, err
	}
	return s.queryPrivate("GetPrivateDataByPartialCompositeKey", collection, start, end)
}

// queryPrivate runs a private range query. Fabric allows these only in
// read-only transactions and does not re-check them at commit. A peer of a
// non-member org has no values, so its answer is empty.
func (s *stub) queryPrivate(method, collection, start, end string) (shim.StateQueryIteratorInterface, error) {
	mustUTF8(method, "collection", collection)
	mustUTF8(method, "start key", start)
	mustUTF8(method, "end key", end)
	const msgType = "GET_STATE_BY_RANGE"
	if err := s.checkActive(msgType); err != nil {
		return nil, err
	}
	a, err := s.collectionAccess(msgType, collection, mayRead)
	if err != nil {
		return nil, err
	}
	if err := s.beforePrivateQuery(msgType); err != nil {
		return nil, err
	}
	if !a.peerHoldsData(s.peerMSP) {
		return &iterator{namespace: s.w.ccName}, nil
	}
	return scanRange(s.w.private[collection], start, end, totalQueryLimit).iterator(s.w.ccName), nil
}

func (s *stub) GetPrivateDataQueryResult(collection, _ string) (shim.StateQueryIteratorInterface, error) {
	if collection == "" {
		return nil, errEmptyCollection
	}
	return nil, fmt.Errorf("GetPrivateDataQueryResult %s (rich queries need CouchDB)", notSupported)
}

func sha256Sum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
