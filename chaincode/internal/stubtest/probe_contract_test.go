package stubtest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// probe is a test-only contract: each function exercises one stub behaviour
// and reports what the chaincode saw, so tests observe the stub through the
// real contract router.
type probe struct {
	contractapi.Contract
}

type ctxI = contractapi.TransactionContextInterface

func (p *probe) Put(ctx ctxI, key, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

func (p *probe) Get(ctx ctxI, key string) (string, error) {
	v, err := ctx.GetStub().GetState(key)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: key %q", key)
	}
	return string(v), nil
}

func (p *probe) Delete(ctx ctxI, key string) error { return ctx.GetStub().DelState(key) }

// PutThenGet returns what GetState sees right after the transaction's own
// PutState: on Fabric, the committed value.
func (p *probe) PutThenGet(ctx ctxI, key, value string) (string, error) {
	if err := ctx.GetStub().PutState(key, []byte(value)); err != nil {
		return "", err
	}
	v, err := ctx.GetStub().GetState(key)
	return "seen:" + string(v), err
}

// PutThenFail writes, sets an event, then fails.
func (p *probe) PutThenFail(ctx ctxI, key, value string) error {
	if err := ctx.GetStub().PutState(key, []byte(value)); err != nil {
		return err
	}
	if err := ctx.GetStub().SetEvent("ShouldVanish", nil); err != nil {
		return err
	}
	return errors.New("REFUSED: failing after a write")
}

func (p *probe) PutIndexed(ctx ctxI, objectType string, attrs []string, value string) error {
	key, err := ctx.GetStub().CreateCompositeKey(objectType, attrs)
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte(value))
}

// ListIndexed returns the matching composite keys as "type/attr/attr=value".
func (p *probe) ListIndexed(ctx ctxI, objectType string, attrs []string) ([]string, error) {
	it, err := ctx.GetStub().GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := []string{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		typ, parts, err := ctx.GetStub().SplitCompositeKey(kv.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, typ+"/"+strings.Join(parts, "/")+"="+string(kv.Value))
	}
	return out, nil
}

func (p *probe) Range(ctx ctxI, start, end string) ([]string, error) {
	it, err := ctx.GetStub().GetStateByRange(start, end)
	if err != nil {
		return nil, err
	}
	return drain(it)
}

type page struct {
	Keys     []string `json:"keys"`
	Bookmark string   `json:"bookmark"`
	Count    int32    `json:"count"`
}

func (p *probe) Page(ctx ctxI, start, end string, pageSize int32, bookmark string) (*page, error) {
	it, meta, err := ctx.GetStub().GetStateByRangeWithPagination(start, end, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	keys, err := drain(it)
	if err != nil {
		return nil, err
	}
	return &page{Keys: keys, Bookmark: meta.GetBookmark(), Count: meta.GetFetchedRecordsCount()}, nil
}

func (p *probe) PageThenWrite(ctx ctxI, key string) error {
	if _, _, err := ctx.GetStub().GetStateByRangeWithPagination("", "", 10, ""); err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte("x"))
}

func (p *probe) WriteThenPage(ctx ctxI, key string) error {
	if err := ctx.GetStub().PutState(key, []byte("x")); err != nil {
		return err
	}
	_, _, err := ctx.GetStub().GetStateByRangeWithPagination("", "", 10, "")
	return err
}

// PutPrivate writes transient["value"], the way private data must travel.
func (p *probe) PutPrivate(ctx ctxI, collection, key string) error {
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return err
	}
	v, ok := transient["value"]
	if !ok {
		return errors.New("BAD_INPUT: transient field \"value\" is missing")
	}
	return ctx.GetStub().PutPrivateData(collection, key, v)
}

func (p *probe) GetPrivate(ctx ctxI, collection, key string) (string, error) {
	v, err := ctx.GetStub().GetPrivateData(collection, key)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: %s/%s", collection, key)
	}
	return string(v), nil
}

func (p *probe) PutPrivateThenGet(ctx ctxI, collection, key string) (string, error) {
	if err := p.PutPrivate(ctx, collection, key); err != nil {
		return "", err
	}
	v, err := ctx.GetStub().GetPrivateData(collection, key)
	return "seen:" + string(v), err
}

func (p *probe) PrivateHash(ctx ctxI, collection, key string) (string, error) {
	h, err := ctx.GetStub().GetPrivateDataHash(collection, key)
	return hex.EncodeToString(h), err
}

func (p *probe) DeletePrivate(ctx ctxI, collection, key string) error {
	return ctx.GetStub().DelPrivateData(collection, key)
}

func (p *probe) PurgePrivate(ctx ctxI, collection, key string) error {
	return ctx.GetStub().PurgePrivateData(collection, key)
}

func (p *probe) PrivateRange(ctx ctxI, collection, start, end string) ([]string, error) {
	it, err := ctx.GetStub().GetPrivateDataByRange(collection, start, end)
	if err != nil {
		return nil, err
	}
	return drain(it)
}

func (p *probe) PrivateRangeThenWrite(ctx ctxI, collection, key string) error {
	if _, err := ctx.GetStub().GetPrivateDataByRange(collection, "", ""); err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte("x"))
}

func (p *probe) WriteThenPrivateRange(ctx ctxI, collection, key string) error {
	if err := ctx.GetStub().PutState(key, []byte("x")); err != nil {
		return err
	}
	_, err := ctx.GetStub().GetPrivateDataByRange(collection, "", "")
	return err
}

type whoami struct {
	ID        string `json:"id"`
	MSPID     string `json:"mspId"`
	CN        string `json:"cn"`
	Role      string `json:"role"`
	RoleFound bool   `json:"roleFound"`
	Admin     bool   `json:"admin"`
	Client    bool   `json:"client"`
	RouterID  string `json:"routerId"`
}

// Whoami reads the creator through pkg/cid, as contracts do, and through
// the client identity the router puts in the context.
func (p *probe) Whoami(ctx ctxI) (*whoami, error) {
	stub := ctx.GetStub()
	var w whoami
	var err error
	if w.ID, err = cid.GetID(stub); err != nil {
		return nil, err
	}
	if w.MSPID, err = cid.GetMSPID(stub); err != nil {
		return nil, err
	}
	cert, err := cid.GetX509Certificate(stub)
	if err != nil {
		return nil, err
	}
	w.CN = cert.Subject.CommonName
	if w.Role, w.RoleFound, err = cid.GetAttributeValue(stub, "tranchenet.role"); err != nil {
		return nil, err
	}
	if w.Admin, err = cid.HasOUValue(stub, "admin"); err != nil {
		return nil, err
	}
	if w.Client, err = cid.HasOUValue(stub, "client"); err != nil {
		return nil, err
	}
	if w.RouterID, err = ctx.GetClientIdentity().GetID(); err != nil {
		return nil, err
	}
	return &w, nil
}

// Emit sets two events; Fabric keeps the second.
func (p *probe) Emit(ctx ctxI, first, second string) error {
	if err := ctx.GetStub().SetEvent(first, []byte("payload of "+first)); err != nil {
		return err
	}
	return ctx.GetStub().SetEvent(second, []byte("payload of "+second))
}

// Clock returns the transaction timestamp, the only clock chaincode may use.
func (p *probe) Clock(ctx ctxI) (string, error) {
	ts, err := ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return "", err
	}
	return ts.AsTime().Format(time.RFC3339Nano), nil
}

func (p *probe) TxID(ctx ctxI) string { return ctx.GetStub().GetTxID() }

func (p *probe) Transient(ctx ctxI, field string) (string, error) {
	t, err := ctx.GetStub().GetTransient()
	if err != nil {
		return "", err
	}
	v, ok := t[field]
	if !ok {
		return "", fmt.Errorf("NOT_FOUND: transient field %q", field)
	}
	return string(v), nil
}

// Increment is a read-modify-write of a counter, the shape of every
// balance update, for MVCC tests.
func (p *probe) Increment(ctx ctxI, key string) (int, error) {
	v, err := ctx.GetStub().GetState(key)
	if err != nil {
		return 0, err
	}
	n := 0
	if v != nil {
		if n, err = strconv.Atoi(string(v)); err != nil {
			return 0, fmt.Errorf("CORRUPT: key %q holds %q, not a counter", key, v)
		}
	}
	n++
	return n, ctx.GetStub().PutState(key, []byte(strconv.Itoa(n)))
}

// IncrementAndEmit is Increment with an event.
func (p *probe) IncrementAndEmit(ctx ctxI, key string) (int, error) {
	n, err := p.Increment(ctx, key)
	if err != nil {
		return 0, err
	}
	return n, ctx.GetStub().SetEvent("Incremented", []byte(strconv.Itoa(n)))
}

// Tally counts the keys in [start, end) and stores the count at out.
func (p *probe) Tally(ctx ctxI, start, end, out string) (int, error) {
	it, err := ctx.GetStub().GetStateByRange(start, end)
	if err != nil {
		return 0, err
	}
	keys, err := drain(it)
	if err != nil {
		return 0, err
	}
	return len(keys), ctx.GetStub().PutState(out, []byte(strconv.Itoa(len(keys))))
}

func (p *probe) SetPolicy(ctx ctxI, key, policy string) error {
	return ctx.GetStub().SetStateValidationParameter(key, []byte(policy))
}

func (p *probe) Policy(ctx ctxI, key string) (string, error) {
	ep, err := ctx.GetStub().GetStateValidationParameter(key)
	return string(ep), err
}

func (p *probe) PutWithPolicy(ctx ctxI, key, value, policy string) error {
	if err := ctx.GetStub().PutState(key, []byte(value)); err != nil {
		return err
	}
	return ctx.GetStub().SetStateValidationParameter(key, []byte(policy))
}

func drain(it shim.StateQueryIteratorInterface) ([]string, error) {
	defer it.Close()
	out := []string{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		out = append(out, kv.Key)
	}
	return out, nil
}

// Test fixtures: the orgs of the test network and its collections.
const (
	org1 = "Org1MSP" // trustee bank
	org2 = "Org2MSP" // servicer bank
	org3 = "Org3MSP" // investor bank
)

var loanTape = Collection{Name: "loanTape", Members: []string{org1, org2}, MemberOnlyRead: true, MemberOnlyWrite: true}

var probeChaincode = sync.OnceValues(func() (*contractapi.ContractChaincode, error) {
	return contractapi.NewChaincode(&probe{Contract: contractapi.Contract{Name: "Probe"}})
})

// newProbeWorld returns a World running the probe contract, with loanTape
// and the three orgs.
func newProbeWorld(t testing.TB, opts ...Option) *World {
	t.Helper()
	cc, err := probeChaincode()
	if err != nil {
		t.Fatalf("contractapi.NewChaincode: %v", err)
	}
	return NewWorld(cc, append([]Option{loanTape, Orgs(org1, org2, org3)}, opts...)...)
}

// mustOK fails the test unless the invocation committed.
func mustOK(t testing.TB, r Result) Result {
	t.Helper()
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

// mustFail fails the test unless the invocation failed with a message
// containing want.
func mustFail(t testing.TB, r Result, want string) {
	t.Helper()
	if r.OK() {
		t.Fatalf("invocation succeeded with payload %q; want an error containing %q", r.Payload, want)
	}
	if !strings.Contains(r.Message, want) {
		t.Fatalf("error %q does not contain %q", r.Message, want)
	}
}
