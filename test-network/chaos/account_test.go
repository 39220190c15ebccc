package chaos

import (
	"strings"
	"testing"
)

func TestAccountFindsLostAndDuplicatedWrites(t *testing.T) {
	ok := func(key, tx string, extra ...string) LogEntry {
		return LogEntry{Bank: "Org1MSP", Method: "POST", Path: "/v1/cash/mint", Key: key, Attempts: 1, Status: 200, TxID: tx, Transactions: extra}
	}
	valid := func(id, fn string) ledgerTx { return ledgerTx{ID: id, Valid: true, Chaincode: "tranchenet", Fn: fn} }
	entries := []LogEntry{
		ok("k1", "tx1"),
		ok("k2", "tx2", "tx2a", "tx2b"), // an upload names its chunks
		{Bank: "Org1MSP", Method: "POST", Path: "/v1/tranches/A/claims", Key: "k3", Attempts: 3, Status: 422, Code: "RULE_FROZEN"},
	}
	txs := []ledgerTx{valid("tx1", "Cash:Mint"), valid("tx2", "Pool:Seal"), valid("tx2a", "Pool:AddLoans"), valid("tx2b", "Pool:AddLoans"),
		{ID: "tx-conflict", Code: 11, Chaincode: "tranchenet"}}

	var r Report
	account(entries, txs, "tranchenet", &r)
	if r.Lost != 0 || r.Duplicated != 0 || r.Requests != 3 || r.Attempts != 5 || r.Accepted != 2 || r.ErrorsByKind["422 RULE_FROZEN"] != 1 || r.ValidTxs != 4 {
		t.Fatalf("clean run: %+v", r)
	}

	// An accepted write whose transaction is not on the ledger is lost.
	r = Report{}
	account(append(entries, ok("k4", "tx-missing")), txs, "tranchenet", &r)
	if r.Lost != 1 || !strings.Contains(strings.Join(r.Findings, "\n"), "tx-missing") {
		t.Fatalf("missing tx: %+v", r)
	}

	// A VALID transaction no answer names is a duplicate...
	r = Report{}
	account(entries, append(txs, valid("tx-extra", "Cash:Mint")), "tranchenet", &r)
	if r.Duplicated != 1 {
		t.Fatalf("unnamed tx: %+v", r)
	}
	// ...unless a request's outcome was unknown to the client (the gateway
	// died mid-request): then it is that request's, and noted.
	r = Report{}
	unknown := LogEntry{Bank: "Org1MSP", Method: "POST", Path: "/v1/cash/mint", Key: "k5", Attempts: 2, Status: 409, Code: "IDEMPOTENCY_OUTCOME_UNKNOWN"}
	account(append(entries, unknown), append(txs, valid("tx-extra", "Cash:Mint")), "tranchenet", &r)
	if r.Duplicated != 0 || r.Unacknowledged != 1 || r.OutcomeUnknown != 1 || len(r.Notes) != 1 {
		t.Fatalf("unknown outcome: %+v", r)
	}
	// Transactions of other chaincodes (lifecycle) are not the load's.
	r = Report{}
	account(entries, append(txs, ledgerTx{ID: "lc", Valid: true, Chaincode: "_lifecycle"}), "tranchenet", &r)
	if r.Duplicated != 0 {
		t.Fatalf("lifecycle tx: %+v", r)
	}
}

// An upload resumed after a gateway kill answers the chunks it submitted;
// the chunks its cut attempts put on the ledger are its own, not writes
// applied twice.
func TestAResumedUploadAccountsForItsEarlierChunks(t *testing.T) {
	chunk := func(id, pool, n string) ledgerTx {
		return ledgerTx{ID: id, Valid: true, Chaincode: "tranchenet", Fn: "Pool:AddLoans", Args: []string{pool, n}}
	}
	upload := LogEntry{Bank: "Org2MSP", Method: "PUT", Path: "/v1/pools/P1/loans?chunkSize=50", Key: "k", Attempts: 9, Status: 200,
		Transactions: []string{"c2", "c3"}}
	txs := []ledgerTx{chunk("c0", "P1", "0"), chunk("c1", "P1", "1"), chunk("c2", "P1", "2"), chunk("c3", "P1", "3"), chunk("o0", "P2", "0")}
	other := LogEntry{Bank: "Org2MSP", Method: "PUT", Path: "/v1/pools/P2/loans", Key: "k2", Attempts: 1, Status: 200, Transactions: []string{"o0"}}

	entries := []LogEntry{upload, other}
	creditResumedUploads(entries, txs)
	var r Report
	account(entries, txs, "tranchenet", &r)
	if r.Duplicated != 0 || r.Unacknowledged != 0 {
		t.Fatalf("resumed upload: %+v", r)
	}
	// A first attempt that was answered owns only what it names: a chunk
	// of its pool no answer names is still found.
	once := upload
	once.Attempts = 1
	entries = []LogEntry{once, other}
	creditResumedUploads(entries, txs)
	r = Report{}
	account(entries, txs, "tranchenet", &r)
	if r.Duplicated != 2 {
		t.Fatalf("answered at once, yet two chunks nobody named: %+v", r)
	}
}
