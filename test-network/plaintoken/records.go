package plaintoken

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// TransientRecords is the transient field that carries a chunk of records:
// a JSON array of Record.
const TransientRecords = "records"

// Record is one record of a chunk: its private key and its value.
type Record struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Records is the loan data yardstick: a chunk of records written to a
// private collection in one of two layouts, so that the benchmark can
// measure what a chunk of loans costs the peers in each, on one network in
// one run, with no rule of tranchenet's in the way:
//
//   - PutEach: one private key a record, each read first (refused if it
//     exists), as a loan tape keeps its loans and checks duplicates;
//   - PutChunk: the whole chunk as one private value under one key (read
//     first, refused if it exists).
//
// Both decode the chunk, so the chaincode's share differs only by the
// peer calls.
type Records struct {
	contractapi.Contract
}

// NewRecords returns the contract, named "Records".
func NewRecords() *Records {
	r := &Records{}
	r.Name = "Records"
	return r
}

// PutEach writes every record of the chunk under its own key in
// collection and returns how many it wrote.
func (r *Records) PutEach(ctx contractapi.TransactionContextInterface, collection string) (int, error) {
	records, _, err := chunkOf(ctx)
	if err != nil {
		return 0, err
	}
	stub := ctx.GetStub()
	for i, rec := range records {
		old, err := stub.GetPrivateData(collection, rec.Key)
		if err != nil {
			return 0, err
		}
		if old != nil {
			return 0, fmt.Errorf("%s[%d].key: %q is already in %s", TransientRecords, i, rec.Key, collection)
		}
		if err := stub.PutPrivateData(collection, rec.Key, rec.Value); err != nil {
			return 0, err
		}
	}
	return len(records), nil
}

// PutChunk writes the chunk as one value under key in collection and
// returns how many records it holds.
func (r *Records) PutChunk(ctx contractapi.TransactionContextInterface, collection, key string) (int, error) {
	records, raw, err := chunkOf(ctx)
	if err != nil {
		return 0, err
	}
	stub := ctx.GetStub()
	old, err := stub.GetPrivateData(collection, key)
	if err != nil {
		return 0, err
	}
	if old != nil {
		return 0, fmt.Errorf("key: chunk %q is already in %s", key, collection)
	}
	return len(records), stub.PutPrivateData(collection, key, raw)
}

func chunkOf(ctx contractapi.TransactionContextInterface) ([]Record, []byte, error) {
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return nil, nil, err
	}
	raw, ok := transient[TransientRecords]
	if !ok {
		return nil, nil, fmt.Errorf("%s: send the chunk's records in the transient map", TransientRecords)
	}
	var records []Record
	if err := json.Unmarshal(raw, &records); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", TransientRecords, err)
	}
	if len(records) == 0 {
		return nil, nil, fmt.Errorf("%s: want at least one record", TransientRecords)
	}
	for i, rec := range records {
		if rec.Key == "" || len(rec.Value) == 0 {
			return nil, nil, fmt.Errorf("%s[%d]: want a key and a value", TransientRecords, i)
		}
	}
	return records, raw, nil
}
