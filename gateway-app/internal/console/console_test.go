package console_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/console"
	"github.com/tranchenet/tranchenet/gateway-app/internal/console/consoletest"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/resources"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload/uploadtest"
)

// The console runs here against the real API server (every resource
// registered) over a fake ledger that answers scripted chaincode
// functions and records what was submitted, and a real read model. The
// bank is Org2: a servicer and investor bank.

const testMSP = "Org2MSP"

var testRoles = []roles.Role{roles.Admin, roles.Arranger, roles.Trustee, roles.Servicer, roles.Compliance, roles.Investor, roles.Settlement, roles.Auditor}

func token(r roles.Role) string { return "tok-" + string(r) }

type fakeLedger struct {
	mu      sync.Mutex
	answers map[string]func(ledger.Tx) (ledger.Result, error)
	submits []string // "identity Fn"
	block   uint64
}

func (f *fakeLedger) Evaluate(_ context.Context, id string, tx ledger.Tx) (ledger.Result, error) {
	return f.do(false, id, tx)
}

func (f *fakeLedger) Submit(_ context.Context, id string, tx ledger.Tx) (ledger.Result, error) {
	return f.do(true, id, tx)
}

func (f *fakeLedger) do(submit bool, id string, tx ledger.Tx) (ledger.Result, error) {
	f.mu.Lock()
	f.block++
	res := ledger.Result{TxID: fmt.Sprintf("%064x", f.block), Block: f.block}
	if submit {
		f.submits = append(f.submits, id+" "+tx.Fn)
	}
	h := f.answers[tx.Fn]
	f.mu.Unlock()
	if h == nil {
		return res, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: "[NOT_FOUND] " + tx.Fn + ": nothing here"}
	}
	out, err := h(tx)
	out.TxID, out.Block = res.TxID, res.Block
	return out, err
}

// answer scripts fn to answer v (a JSON string or a value to marshal).
func (f *fakeLedger) answer(fn string, v any) {
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			panic(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[fn] = func(ledger.Tx) (ledger.Result, error) { return ledger.Result{Payload: b}, nil }
}

func (f *fakeLedger) submitted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.submits)
}

type bankUnderTest struct {
	url    string
	ledger *fakeLedger
	db     *store.DB
	keys   map[roles.Role]string // identity key of each role's user
}

func newBank(t *testing.T) *bankUnderTest {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := config.Config{MSPID: testMSP, Channel: "tranchenet", Chaincode: "tranchenet", DataDir: dir}
	b := &bankUnderTest{ledger: &fakeLedger{answers: map[string]func(ledger.Tx) (ledger.Result, error){}}, db: db, keys: map[roles.Role]string{}}
	var ids []ledger.IdentityInfo
	for i, r := range testRoles {
		name := fmt.Sprintf("User%d", i)
		if r == roles.Admin {
			name = "Admin"
		}
		id := identity(t, name, r == roles.Admin)
		ids = append(ids, id)
		b.keys[r] = id.ID.Key()
		cfg.Users = append(cfg.Users, config.User{Name: string(r), Identity: name, Roles: []string{string(r)}, TokenSHA256: config.HashToken(token(r))})
	}
	cfg.SetDefaults()
	consortium := roles.OrgConfig{Orgs: []roles.Org{
		{MSP: "Org1MSP", Roles: roles.SetOf(roles.Trustee, roles.Arranger, roles.Settlement, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org2MSP", Roles: roles.SetOf(roles.Servicer, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org3MSP", Roles: roles.SetOf(roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
	}}
	srv, err := api.New(api.Deps{
		Config: cfg, Ledger: b.ledger, Store: db, Identities: ids,
		Endorsement: endorse.NewResolver(func(context.Context) (roles.OrgConfig, error) { return consortium, nil }),
		Resources:   []func(*api.Server){resources.Register, console.Register},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	b.url = hs.URL
	return b
}

func identity(t *testing.T, name string, admin bool) ledger.IdentityInfo {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ou := "client"
	if admin {
		ou = "admin"
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: name + "@org2.example.com", OrganizationalUnit: []string{ou}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return ledger.IdentityInfo{Name: name, Certificate: cert, ID: roles.IdentityOf(testMSP, cert), Admin: admin}
}

// event appends an event to the read model's event log, as the listener does.
func (b *bankUnderTest) event(t *testing.T, block uint64, name string, data string) {
	t.Helper()
	now := time.Now().UTC()
	rec := store.EventRecord{Block: block, TxID: fmt.Sprintf("%064x", block), Name: name, ChaincodeEvent: name, Time: &now, Data: json.RawMessage(data)}
	if err := b.db.Update(func(w store.Writer) error { return w.AppendEvent(rec) }); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleFilesAreServedUnderAStrictPolicy(t *testing.T) {
	b := newBank(t)
	for _, c := range []struct{ path, contentType, body string }{
		{"/", "text/html; charset=utf-8", `<script type="module" src="/console/app.js">`},
		{"/console/app.js", "text/javascript; charset=utf-8", `"/v1/whoami"`},
		{"/console/charts.js", "text/javascript; charset=utf-8", "createElementNS"},
		{"/console/console.css", "text/css; charset=utf-8", "@media print"},
	} {
		resp, err := http.Get(b.url + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.contentType || !strings.Contains(string(body), c.body) {
			t.Errorf("%s: %d %s, body without %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.body)
		}
		if csp != console.ContentSecurityPolicy || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", c.path, csp)
		}
	}
	for path, want := range map[string]int{"/console/nothing.js": 404, "/console/": 404, "/docs": 200, "/openapi.json": 200, "/v1/whoami": 401} {
		resp, err := http.Get(b.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	// No inline script or style anywhere: the policy would block it.
	for _, f := range []string{"static/index.html", "static/app.js", "static/charts.js"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"innerHTML", "eval(", "new Function", "style=", "<script>", "setAttribute(\"style\"", "http://", "https://"} {
			if strings.Contains(string(src), bad) && !(bad == "http://" && strings.Contains(string(src), `"http://www.w3.org/2000/svg"`)) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
}

// dealFixture scripts a deal with two certified periods.
func (b *bankUnderTest) dealFixture() {
	l := b.ledger
	l.answer("Deal:Get", map[string]any{"id": "DEAL-1", "name": "Auto Loans 2026-1", "pool": "POOL-1", "arranger": "Org1MSP",
		"requiredCollateralization": "0.92", "tranches": []string{"DEAL-1-A", "DEAL-1-R"}, "documents": []any{}, "createdTx": "aa"})
	l.answer("Servicing:GetStatus", map[string]any{"deal": "DEAL-1", "pool": "POOL-1", "waterfallVersion": 1, "period": 2,
		"state": map[string]any{"period": 2, "accruedThrough": "2026-03-20", "poolBalance": "800000.00", "cumulativeNetLoss": "1000.00",
			"classes": []any{}, "fees": []any{}, "reserves": []any{}, "triggers": []any{map[string]any{"trigger": "cnl", "breached": false}}}})
	l.mu.Lock()
	l.answers["Deal:GetTranche"] = func(tx ledger.Tx) (ledger.Result, error) {
		class := strings.TrimPrefix(tx.Args[0], "DEAL-1-")
		tr := map[string]any{"id": tx.Args[0], "deal": "DEAL-1", "class": class, "seniority": 1, "kind": "note", "originalFace": "900000.00", "unitFace": "1000.00",
			"coupon": map[string]any{"fixed": "0.05", "dayCount": "30/360"}, "legalFinalDate": "2030-01-20", "rules": map[string]any{}, "issued": 900, "createdTx": "bb"}
		if class == "R" {
			tr["kind"], tr["originalFace"], tr["coupon"] = "certificate", "100000.00", nil
			delete(tr, "coupon")
		}
		p, _ := json.Marshal(tr)
		return ledger.Result{Payload: p}, nil
	}
	l.answers["Servicing:GetCertification"] = func(tx ledger.Tx) (ledger.Result, error) {
		var period int
		fmt.Sscan(tx.Args[1], &period)
		p, _ := json.Marshal(certification(period))
		return ledger.Result{Payload: p}, nil
	}
	l.mu.Unlock()
	l.answer("Servicing:ProofOfReserve", map[string]any{"deal": "DEAL-1", "period": 2, "poolBalance": "800000.00", "notesOutstanding": "700000.00",
		"requiredCollateralization": "0.92", "capacity": "736000.00", "headroom": "36000.00", "coverage": "1.0514", "covered": true, "merkleRoot": "abcd", "certifiedTx": "cc"})
}

func certification(period int) map[string]any {
	pool := []string{"900000.00", "800000.00"}[period-1]
	cnl := []string{"0.0005", "0.0011"}[period-1]
	return map[string]any{"deal": "DEAL-1", "period": period, "reportAttempt": 1, "waterfallVersion": 1, "inputsHash": "11", "resultHash": "22",
		"certifiedBy": "Org1MSP/trustee", "certifiedTx": fmt.Sprintf("%064x", period), "certifiedAt": "2026-02-20T00:00:00Z",
		"inputs": map[string]any{"paymentDate": fmt.Sprintf("2026-0%d-20", period+1), "servicerAdvances": "0.00", "cleanUpProceeds": "0.00",
			"aggregates": map[string]any{"endingBalance": pool, "delinquency": map[string]any{
				"days31To60": map[string]any{"count": 3, "balance": "9000.00"}, "days61To90": map[string]any{"count": 2, "balance": "4000.00"},
				"days91To120": map[string]any{"count": 1, "balance": "1000.00"}, "over120": map[string]any{"count": 0, "balance": "0.00"}}}},
		"result": map[string]any{"period": period, "availableFunds": map[string]any{"total": "104000.00"},
			"payments": []any{
				map[string]any{"step": 1, "kind": "fee", "fee": "servicing", "due": "1000.00", "paid": "1000.00", "shortfall": "0.00"},
				map[string]any{"step": 2, "kind": "interest", "class": "A", "due": "3000.00", "paid": "3000.00", "shortfall": "0.00"},
				map[string]any{"step": 3, "kind": "principal", "class": "A", "due": "100000.00", "paid": "99000.00", "shortfall": "1000.00"},
				map[string]any{"step": 4, "kind": "residual", "class": "R", "due": "0.00", "paid": "1000.00", "shortfall": "0.00"}},
			"classes": []any{
				map[string]any{"class": "A", "beginningBalance": "900000.00", "interestPaid": "3000.00", "principalPaid": "99000.00", "endingBalance": "801000.00", "factor": "0.89"},
				map[string]any{"class": "R", "beginningBalance": "100000.00", "interestPaid": "0.00", "principalPaid": "0.00", "endingBalance": "100000.00", "factor": "1"}},
			"reserves": []any{map[string]any{"account": "reserve", "endingBalance": "9000.00", "target": "10000.00"}},
			"triggers": []any{map[string]any{"trigger": "cnl", "test": "cumulativeNetLoss", "value": cnl, "threshold": "0.015", "breached": false}},
			"pool": map[string]any{"beginningBalance": "1000000.00", "endingBalance": pool, "factor": []string{"0.9", "0.8"}[period-1],
				"ocTarget": "50000.00", "overcollateralization": "45000.00", "cumulativeNetLoss": "1000.00", "cumulativeNetLossRatio": cnl}},
		"distributions": []any{map[string]any{"class": "A", "tranche": "DEAL-1-A"}, map[string]any{"class": "R", "tranche": "DEAL-1-R"}},
	}
}

func TestConsoleInABrowser(t *testing.T) {
	b := newBank(t)
	browser := consoletest.NewBrowser(t)
	shots := consoletest.ArtifactsDir(t, "console-unit")
	noProblems := func(t *testing.T) {
		t.Helper()
		if p := browser.Problems(); len(p) > 0 {
			t.Errorf("the page raised:\n%s", strings.Join(p, "\n"))
		}
	}

	t.Run("a bad token is refused and nothing else is shown", func(t *testing.T) {
		ctx := browser.Tab(t)
		var text string
		consoletest.Run(t, ctx, "sign in with a bad token",
			chromedp.Navigate(b.url+"/"),
			chromedp.WaitVisible("#token", chromedp.ByID),
			chromedp.SendKeys("#token", "not-a-token", chromedp.ByID),
			chromedp.Click("#signin", chromedp.ByID),
			chromedp.WaitVisible(".problem", chromedp.ByQuery),
			chromedp.Text(".problem", &text, chromedp.ByQuery))
		if !strings.Contains(text, "UNAUTHENTICATED") {
			t.Errorf("problem %q", text)
		}
		if nav := consoletest.Texts(t, ctx, "#nav:not([hidden]) a"); len(nav) != 0 {
			t.Errorf("navigation shown before sign-in: %v", nav)
		}
	})

	t.Run("deals and a deal's periods", func(t *testing.T) {
		b.dealFixture()
		b.event(t, 3, "DealCreated", `{"deal":"DEAL-1","pool":"POOL-1"}`)
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Auditor))
		consoletest.Open(t, ctx, b.url, "#/deals", "deals")
		cells := consoletest.Texts(t, ctx, "#deals-table tbody td")
		if want := []string{"DEAL-1", "Auto Loans 2026-1", "A · R", "0.8000", "2", "2026-04-20", "ok"}; !slices.Equal(cells, want) {
			t.Errorf("deals row %q, want %q", cells, want)
		}
		consoletest.Open(t, ctx, b.url, "#/deal/DEAL-1", "deal")
		rows := consoletest.Texts(t, ctx, "#tranche-table tbody tr")
		if len(rows) != 2 || !strings.Contains(rows[0], "5.00%") || !strings.Contains(rows[1], "certificate") {
			t.Errorf("tranche rows %q", rows)
		}
		if charts := consoletest.Texts(t, ctx, "#charts svg title"); len(charts) < 6 {
			t.Errorf("%d charts: %q", len(charts), charts)
		}
		lines := consoletest.Texts(t, ctx, "#waterfall-table tbody tr")
		if len(lines) != 4 || !strings.Contains(lines[2], "1,000.00") {
			t.Errorf("waterfall lines %q", lines)
		}
		if bars := consoletest.Texts(t, ctx, "#waterfall svg rect"); len(bars) != 5 {
			t.Errorf("waterfall bars: %d, want available funds and 4 lines", len(bars))
		}
		if por := consoletest.Texts(t, ctx, "#proof-of-reserve dd"); !slices.Contains(por, "✓ covered") {
			t.Errorf("proof of reserve %q", por)
		}
		if btn := consoletest.Texts(t, ctx, "#statement-csv"); len(btn) != 0 {
			t.Errorf("an auditor sees the clients' statement button")
		}
		consoletest.Screenshot(t, ctx, shots, "deal")
		noProblems(t)
	})

	t.Run("a tape with a bad row shows its errors and submits nothing", func(t *testing.T) {
		b.ledger.answer("Pool:Get", map[string]any{"pool": map[string]any{"id": "POOL-1", "originator": testMSP, "servicer": testMSP,
			"cutoffDate": "2025-12-31", "status": "open"}, "nextChunk": 0, "loansAdded": 0, "balanceSoFar": "0.00"})
		p := uploadtest.Simulate(t, 5, 12)
		lines := strings.Split(string(uploadtest.CSV(t, p.Loans)), "\n")
		header := strings.Split(lines[0], ",")
		col := slices.Index(header, "originalLoanAmount")
		cells := strings.Split(lines[4], ",")
		cells[col] = "12x.00"
		lines[4] = strings.Join(cells, ",")
		file := filepath.Join(t.TempDir(), "tape.csv")
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		before := len(b.ledger.submitted())
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Servicer))
		consoletest.Open(t, ctx, b.url, "#/servicer", "servicer")
		consoletest.Run(t, ctx, "upload",
			chromedp.SetValue("#upload-kind", "tape", chromedp.ByID),
			chromedp.SendKeys("#upload-target", "POOL-1", chromedp.ByID),
			chromedp.SetUploadFiles("#upload-file", []string{file}, chromedp.ByID),
			chromedp.Click("#upload-submit", chromedp.ByID),
			chromedp.WaitVisible("#upload-errors", chromedp.ByID))
		row := consoletest.Texts(t, ctx, "#upload-errors tbody tr:first-child td")
		if len(row) != 5 || row[0] != "5" || row[1] != p.Loans[3].AssetNumber || row[2] != "originalLoanAmount" || row[3] != "number" || row[4] == "" {
			t.Errorf("error row %q (want row 5, loan %s, originalLoanAmount, number)", row, p.Loans[3].AssetNumber)
		}
		if after := b.ledger.submitted(); len(after) != before {
			t.Errorf("a refused file submitted %v", after[before:])
		}
		noProblems(t)
	})

	t.Run("a role that may not upload sees no button and is refused if it forces the call", func(t *testing.T) {
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Auditor))
		consoletest.Open(t, ctx, b.url, "#/servicer", "servicer")
		if got := consoletest.Texts(t, ctx, "#upload-submit, #upload-file"); len(got) != 0 {
			t.Errorf("an auditor sees the upload form")
		}
		if s := consoletest.Fetch(t, ctx, "PUT", "/v1/pools/POOL-1/loans", "x"); s != 403 {
			t.Errorf("forced upload: %d, want 403", s)
		}
	})

	settlementRecord := func(ref, status string) map[string]any {
		return map[string]any{"tradeRef": ref, "kind": "trade", "tranche": "DEAL-1-A", "sellerBank": "Org3MSP", "buyerBank": testMSP, "payment": "ledger",
			"expiry": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "status": status, "history": []any{}}
	}
	t.Run("the blotter settles a matched trade for a role that may", func(t *testing.T) {
		l := b.ledger
		l.answer("Settlement:ListByBank", map[string]any{"bank": testMSP, "bookmark": "", "settlements": []any{
			settlementRecord("TRADE-7", "settled"), settlementRecord("TRADE-8", "matched"), settlementRecord("TRADE-9", "pending-receive")}})
		l.answer("Settlement:Get", settlementRecord("TRADE-8", "matched"))
		l.answer("Settlement:Terms", map[string]any{"tradeRef": "TRADE-8"})
		l.answer("Settlement:Settle", map[string]any{"tradeRef": "TRADE-8", "tranche": "DEAL-1-A", "sellerBank": "Org3MSP", "buyerBank": testMSP, "status": "settled"})
		l.answer("Admin:Config", map[string]any{"orgs": []any{
			map[string]any{"msp": "Org1MSP", "roles": []string{"trustee", "arranger", "settlement"}, "custodian": true},
			map[string]any{"msp": testMSP, "roles": []string{"servicer"}, "custodian": true},
			map[string]any{"msp": "Org3MSP", "roles": []string{"investor"}, "custodian": true}}})

		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Auditor))
		consoletest.Open(t, ctx, b.url, "#/blotter", "blotter")
		if n := len(consoletest.Texts(t, ctx, "#blotter tbody tr")); n != 3 {
			t.Errorf("auditor's blotter: %d rows", n)
		}
		if banks := consoletest.Texts(t, ctx, "#filter-bank option"); !slices.Equal(banks, []string{testMSP, "Org1MSP", "Org3MSP"}) {
			t.Errorf("auditor's bank filter %q, want its own bank then the consortium's other custodians", banks)
		}
		if btns := consoletest.Texts(t, ctx, "#blotter button"); len(btns) != 0 {
			t.Errorf("an auditor sees actions %q", btns)
		}
		if s := consoletest.Fetch(t, ctx, "POST", "/v1/settlements/TRADE-8/settle", "{}"); s != 403 {
			t.Errorf("auditor forcing a settle: %d, want 403", s)
		}

		ctx = browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Investor))
		consoletest.Open(t, ctx, b.url, "#/blotter", "blotter")
		consoletest.Run(t, ctx, "filter", chromedp.SetValue("#filter-status", "matched", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById("filter-status").dispatchEvent(new Event("change"))`, nil),
			chromedp.WaitNotPresent(`[data-status="settled"]`, chromedp.ByQuery))
		if rows := consoletest.Texts(t, ctx, "#blotter tbody tr"); len(rows) != 1 || !strings.Contains(rows[0], "TRADE-8") {
			t.Errorf("filtered rows %q", rows)
		}
		consoletest.Screenshot(t, ctx, shots, "blotter")
		var msg string
		consoletest.Run(t, ctx, "settle", chromedp.Click(`button[data-action="settle"][data-ref="TRADE-8"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#blotter-message .success", chromedp.ByQuery), chromedp.Text("#blotter-message", &msg, chromedp.ByQuery))
		if !strings.Contains(msg, "TRADE-8 is settled") {
			t.Errorf("message %q", msg)
		}
		if !slices.Contains(b.ledger.submitted(), "User5 Settlement:Settle") {
			t.Errorf("submitted %v, want the investor's Settlement:Settle", b.ledger.submitted())
		}

		// Instruct the buying side of a new trade, then cancel a pending one.
		l.answer("Settlement:InstructReceive", map[string]any{"tradeRef": "TRADE-10", "tranche": "DEAL-1-A", "sellerBank": "Org3MSP", "buyerBank": testMSP, "status": "pending-deliver", "side": "receive"})
		// The form holds by default: the gateway instructs, then holds.
		l.answer("Settlement:Hold", map[string]any{"tradeRef": "TRADE-10", "tranche": "DEAL-1-A", "sellerBank": "Org3MSP", "buyerBank": testMSP, "status": "pending-deliver", "side": "receive"})
		seller, buyer := "Org3MSP/"+strings.Repeat("e", 64), b.keys[roles.Investor]
		consoletest.Run(t, ctx, "instruct",
			chromedp.SendKeys("#instr-ref", "TRADE-10", chromedp.ByID), chromedp.SetValue("#instr-side", "receive", chromedp.ByID),
			chromedp.SendKeys("#instr-tranche", "DEAL-1-A", chromedp.ByID), chromedp.SendKeys("#instr-seller", seller, chromedp.ByID),
			chromedp.SendKeys("#instr-buyer", buyer, chromedp.ByID), chromedp.SendKeys("#instr-units", "5", chromedp.ByID),
			chromedp.SendKeys("#instr-cash", "5.00", chromedp.ByID), chromedp.Click("#instr-submit", chromedp.ByID),
			chromedp.WaitVisible("#blotter-message .success", chromedp.ByQuery), chromedp.Text("#blotter-message", &msg, chromedp.ByQuery))
		if !strings.Contains(msg, "TRADE-10 is pending-deliver") || !slices.Contains(b.ledger.submitted(), "User5 Settlement:InstructReceive") || !slices.Contains(b.ledger.submitted(), "User5 Settlement:Hold") {
			t.Errorf("instruct: message %q, submitted %v", msg, b.ledger.submitted())
		}
		l.answer("Settlement:Get", settlementRecord("TRADE-9", "pending-receive"))
		l.answer("Settlement:Cancel", map[string]any{"tradeRef": "TRADE-9", "tranche": "DEAL-1-A", "sellerBank": "Org3MSP", "buyerBank": testMSP, "status": "cancelled"})
		consoletest.Run(t, ctx, "cancel",
			chromedp.SetValue("#filter-status", "", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById("filter-status").dispatchEvent(new Event("change"))`, nil),
			chromedp.WaitVisible(`button[data-action="cancel"][data-ref="TRADE-9"]`, chromedp.ByQuery),
			chromedp.Click(`button[data-action="cancel"][data-ref="TRADE-9"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#blotter-message .success", chromedp.ByQuery), chromedp.Text("#blotter-message", &msg, chromedp.ByQuery))
		if !strings.Contains(msg, "TRADE-9 is cancelled") || !slices.Contains(b.ledger.submitted(), "User5 Settlement:Cancel") {
			t.Errorf("cancel: message %q, submitted %v", msg, b.ledger.submitted())
		}
		noProblems(t)
	})

	t.Run("an investor claims what has accrued", func(t *testing.T) {
		key := b.keys[roles.Investor]
		at := store.Position{Block: 10}
		if err := b.db.Update(func(w store.Writer) error {
			h := store.Holding{Holder: key, Tranche: "DEAL-1-A", Units: 40, Free: 40}
			return w.PutHolding(h, store.HoldingEntry{Holder: key, Tranche: "DEAL-1-A", Units: 40, Change: 40}, at)
		}); err != nil {
			t.Fatal(err)
		}
		b.ledger.answer("Servicing:Accrued", map[string]any{"tranche": "DEAL-1-A", "holder": key, "units": 40, "index": "0.5", "indexPaid": "0.1",
			"entitlement": "16", "claimable": "16.00"})
		b.ledger.answer("Servicing:Claim", map[string]any{"tranche": "DEAL-1-A", "holder": key, "units": 40, "amount": "16.00", "indexPaid": "0.5"})
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Investor))
		consoletest.Open(t, ctx, b.url, "#/investor", "investor")
		var msg string
		consoletest.Run(t, ctx, "claim", chromedp.Click(`button[data-action="claim"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#claim-message .success", chromedp.ByQuery), chromedp.Text("#claim-message", &msg, chromedp.ByQuery))
		if !strings.Contains(msg, "Claimed 16.00 on DEAL-1-A") {
			t.Errorf("claim message %q", msg)
		}
		if !slices.Contains(b.ledger.submitted(), "User5 Servicing:Claim") {
			t.Errorf("submitted %v", b.ledger.submitted())
		}
		// The pre-trade check shows the refusing rule and code.
		b.ledger.answer("Token:CanTransfer", map[string]any{"allowed": false, "code": "RULE_JURISDICTION_BLOCKED", "rule": 4, "message": "receiver jurisdiction US-TX not allowed"})
		var verdict string
		consoletest.Run(t, ctx, "dry run", chromedp.SendKeys("#dry-tranche", "DEAL-1-A", chromedp.ByID),
			chromedp.SendKeys("#dry-to", "Org3MSP/"+strings.Repeat("c", 64), chromedp.ByID),
			chromedp.Click("#dry-submit", chromedp.ByID), chromedp.WaitVisible("#dry-verdict", chromedp.ByID), chromedp.Text("#dry-verdict", &verdict, chromedp.ByID))
		if !strings.Contains(verdict, "rule 4") || !strings.Contains(verdict, "RULE_JURISDICTION_BLOCKED") {
			t.Errorf("dry run verdict %q", verdict)
		}
		noProblems(t)
	})

	t.Run("compliance sees the expiry calendar; others see no freeze button", func(t *testing.T) {
		inv := "Org2MSP/" + strings.Repeat("d", 64)
		b.event(t, 11, "ClaimsAttested", `{"investor":"`+inv+`"}`)
		b.ledger.answer("Identity:GetClaims", map[string]any{"investor": inv, "claims": map[string]any{"investorType": "qib", "jurisdiction": "US-NY",
			"kycExpiry": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339), "frozen": false, "revoked": false, "attestedBy": testMSP}})
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Compliance))
		consoletest.Open(t, ctx, b.url, "#/compliance", "compliance")
		if cal := consoletest.Texts(t, ctx, "#calendar .card"); len(cal) != 1 || !strings.Contains(cal[0], "KYC expires in 29 days") {
			t.Errorf("calendar %q", cal)
		}
		consoletest.Run(t, ctx, "show claims", chromedp.SendKeys("#compliance-key", inv, chromedp.ByID), chromedp.Click("#compliance-show", chromedp.ByID),
			chromedp.WaitVisible("#freeze", chromedp.ByID), chromedp.WaitVisible("#attest", chromedp.ByID))
		b.ledger.answer("Identity:Freeze", map[string]any{})
		var msg string
		consoletest.Run(t, ctx, "freeze", chromedp.Click("#freeze", chromedp.ByID),
			chromedp.WaitVisible("#compliance-message .success", chromedp.ByQuery), chromedp.Text("#compliance-message", &msg, chromedp.ByQuery))
		if msg != "Frozen." || !slices.Contains(b.ledger.submitted(), "User4 Identity:Freeze") {
			t.Errorf("freeze: %q, submitted %v", msg, b.ledger.submitted())
		}
		ctx = browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Investor))
		consoletest.Open(t, ctx, b.url, "#/compliance", "compliance")
		consoletest.Run(t, ctx, "show claims", chromedp.SendKeys("#compliance-key", inv, chromedp.ByID), chromedp.Click("#compliance-show", chromedp.ByID),
			chromedp.WaitVisible("#claims dl", chromedp.ByQuery))
		if got := consoletest.Texts(t, ctx, "#freeze, #attest"); len(got) != 0 {
			t.Errorf("an investor sees %q", got)
		}
		if s := consoletest.Fetch(t, ctx, "PUT", "/v1/investors/"+inv+"/freeze", `{"reason":"x"}`); s != 403 {
			t.Errorf("investor forcing a freeze: %d", s)
		}
		noProblems(t)
	})

	t.Run("events arrive live", func(t *testing.T) {
		ctx := browser.Tab(t)
		consoletest.SignIn(t, ctx, b.url, token(roles.Auditor))
		consoletest.Open(t, ctx, b.url, "#/events", "events")
		consoletest.Run(t, ctx, "backlog", chromedp.WaitVisible(`#events-table tr[data-event="ClaimsAttested"]`, chromedp.ByQuery))
		b.event(t, 12, "TokenTransferred", `{"tranche":"DEAL-1-A"}`)
		consoletest.Run(t, ctx, "live event", chromedp.WaitVisible(`#events-table tbody tr:first-child[data-event="TokenTransferred"]`, chromedp.ByQuery))
		noProblems(t)
	})
}
