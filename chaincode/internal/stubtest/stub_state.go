package stubtest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

// ---- World state: single keys ----

// GetState returns the committed value, never the transaction's own write.
func (s *stub) GetState(key string) ([]byte, error) {
	mustUTF8("GetState", "key", key)
	if err := s.checkActive("GET_STATE"); err != nil {
		return nil, err
	}
	e := s.w.public.get(key)
	s.recordRead("", key, e)
	return valueOf(e), nil
}

func (s *stub) GetMultipleStates(keys ...string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([][]byte, 0, len(keys))
	for _, k := range keys {
		v, err := s.GetState(k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *stub) PutState(key string, value []byte) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	mustUTF8("PutState", "key", key)
	if err := s.checkActive("PUT_STATE"); err != nil {
		return err
	}
	if err := s.beforeWrite("PUT_STATE"); err != nil {
		return err
	}
	s.recordPut("", key, value)
	return nil
}

func (s *stub) DelState(key string) error {
	mustUTF8("DelState", "key", key)
	if err := s.checkActive("DEL_STATE"); err != nil {
		return err
	}
	if err := s.beforeWrite("DEL_STATE"); err != nil {
		return err
	}
	s.recordDelete("", key, opDelete)
	return nil
}

// SetStateValidationParameter stores the key-level endorsement policy with
// the key at commit. It is a no-op if the key does not exist then.
func (s *stub) SetStateValidationParameter(key string, ep []byte) error {
	mustUTF8("SetStateValidationParameter", "key", key)
	if err := s.checkActive("PUT_STATE_METADATA"); err != nil {
		return err
	}
	if err := s.beforeWrite("PUT_STATE_METADATA"); err != nil {
		return err
	}
	s.recordValidationParameter("", key, ep)
	return nil
}

func (s *stub) GetStateValidationParameter(key string) ([]byte, error) {
	mustUTF8("GetStateValidationParameter", "key", key)
	if err := s.checkActive("GET_STATE_METADATA"); err != nil {
		return nil, err
	}
	e := s.w.public.get(key)
	s.recordRead("", key, e)
	if e == nil {
		return nil, nil
	}
	return bytes.Clone(e.validationParameter), nil
}

// ---- World state: ranges ----

func (s *stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, err
	}
	it, _, err := s.queryState("GetStateByRange", startKey, endKey, 0, "")
	return it, err
}

func (s *stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	if err := validateSimpleKeys(startKey, endKey); err != nil {
		return nil, nil, err
	}
	return s.queryState("GetStateByRangeWithPagination", startKey, endKey, pageSize, bookmark)
}

func (s *stub) GetStateByPartialCompositeKey(objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	start, end, err := partialCompositeKeyRange(objectType, attributes)
	if err != nil {
		return nil, err
	}
	it, _, err := s.queryState("GetStateByPartialCompositeKey", start, end, 0, "")
	return it, err
}

func (s *stub) GetStateByPartialCompositeKeyWithPagination(objectType string, attributes []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	start, end, err := partialCompositeKeyRange(objectType, attributes)
	if err != nil {
		return nil, nil, err
	}
	return s.queryState("GetStateByPartialCompositeKeyWithPagination", start, end, pageSize, bookmark)
}

func (s *stub) GetAllStatesCompositeKeyWithPagination(pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return s.queryState("GetAllStatesCompositeKeyWithPagination", compositeKeyNamespace, allCompositeKeysEnd, pageSize, bookmark)
}

// queryState runs a world state range query as the peer's handler does. A
// page size or bookmark makes it a paginated query, which Fabric allows only
// in read-only transactions; the page size is capped at the total query
// limit, and the returned bookmark is the first key of the next page.
func (s *stub) queryState(method, start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	const msgType = "GET_STATE_BY_RANGE"
	mustUTF8(method, "start key", start)
	mustUTF8(method, "end key", end)
	mustUTF8(method, "bookmark", bookmark)
	if err := s.checkActive(msgType); err != nil {
		return nil, nil, err
	}
	paginated := pageSize != 0 || bookmark != ""
	limit := totalQueryLimit
	if paginated {
		if err := s.beforePaginatedQuery(msgType); err != nil {
			return nil, nil, err
		}
		if pageSize > 0 && pageSize < totalQueryLimit {
			limit = int(pageSize)
		}
		if bookmark != "" {
			start = bookmark
		}
	}
	r := scanRange(s.w.public, start, end, limit)
	s.ranges = append(s.ranges, rangeRead{start: start, end: end, limit: limit, keys: r.keys, entries: r.entries})
	meta := &peer.QueryResponseMetadata{}
	if paginated {
		meta.FetchedRecordsCount = int32(len(r.keys))
		meta.Bookmark = r.next
	}
	return r.iterator(s.w.ccName), meta, nil
}

// ---- Composite keys ----

func (s *stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

func (s *stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	return splitCompositeKey(compositeKey)
}

// ---- Not modelled ----

// GetQueryResult and friends need CouchDB; the network runs LevelDB, where
// the peer refuses them too.
func (s *stub) GetQueryResult(string) (shim.StateQueryIteratorInterface, error) {
	return nil, fmt.Errorf("GetQueryResult %s (rich queries need CouchDB)", notSupported)
}

func (s *stub) GetQueryResultWithPagination(string, int32, string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return nil, nil, fmt.Errorf("GetQueryResultWithPagination %s (rich queries need CouchDB)", notSupported)
}

func (s *stub) GetHistoryForKey(string) (shim.HistoryQueryIteratorInterface, error) {
	return nil, fmt.Errorf("GetHistoryForKey %s", notSupported)
}
