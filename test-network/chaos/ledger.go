package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/test-network/nodes"
)

// ledgerView is what the campaign reads before and after: the channel's
// height and each bank's view of the cash token's supply.
type ledgerView struct {
	Height uint64
	Supply map[string]cashSupply // by MSP ID
}

// cashSupply is GET /v1/cash/supply (schema.CashSupplyView), amounts as
// the API writes them.
type cashSupply struct {
	Minted      json.Number `json:"minted"`
	Burned      json.Number `json:"burned"`
	Outstanding json.Number `json:"outstanding"`
	Covered     bool        `json:"covered"`
}

func (c *Campaign) ledgerView(ctx context.Context) (ledgerView, error) {
	v := ledgerView{Height: nodes.Top(c.reader.Read(ctx)), Supply: map[string]cashSupply{}}
	for _, org := range c.cfg.Consortium.Orgs {
		var s cashSupply
		if err := c.get(ctx, org.MSPID, "/v1/cash/supply", &s); err != nil {
			return v, err
		}
		v.Supply[org.MSPID] = s
	}
	return v, nil
}

// bankAPI is a gateway's address and one API token (any role reads what
// the campaign reads).
type bankAPI struct {
	Listen string `json:"listen"`
	Tokens []struct {
		Token string   `json:"token"`
		Roles []string `json:"roles"`
	} `json:"tokens"`
}

// admin is the token of the bank's admin user (the first token if none).
func (b bankAPI) admin() string { return b.withRole("admin") }

// withRole is the token of a user with role (the first token if none).
func (b bankAPI) withRole(role string) string {
	for _, t := range b.Tokens {
		if slices.Contains(t.Roles, role) {
			return t.Token
		}
	}
	return b.Tokens[0].Token
}

// get reads path from a bank's gateway into out, retrying for a minute
// (a gateway just restarted takes a moment).
func (c *Campaign) get(ctx context.Context, msp, path string, out any) error {
	return c.getAs(ctx, msp, "", path, out)
}

// getAs is get as a user with role (any user when role is "").
func (c *Campaign) getAs(ctx context.Context, msp, role, path string, out any) error {
	api, err := c.bank(msp)
	if err != nil {
		return err
	}
	token := api.Tokens[0].Token
	if role != "" {
		token = api.withRole(role)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err = c.getOnce(ctx, "http://"+api.Listen+path, token, out)
		if err == nil || time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("GET %s at %s: %w", path, msp, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func (c *Campaign) getOnce(ctx context.Context, url, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(string(body), 300))
	}
	return json.Unmarshal(body, out)
}

// ledgerTx is one transaction of a block.
type ledgerTx struct {
	ID        string
	Block     uint64
	Valid     bool
	Code      peer.TxValidationCode
	Chaincode string
	Fn        string
	// Args are the function's arguments (Pool:AddLoans: the pool and the
	// chunk).
	Args []string
}

// scan reads blocks [from, to) through the trustee bank's admin client and
// returns every endorser transaction.
func (c *Campaign) scan(ctx context.Context, from, to uint64) ([]ledgerTx, error) {
	cl, err := c.net.Client(c.cfg.Consortium.Trustee().MSPID, "Admin")
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out []ledgerTx
	for n := from; n < to; n++ {
		b, err := cl.Block(ctx, n)
		if err != nil {
			return nil, err
		}
		txs, err := blockTxs(b)
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", n, err)
		}
		out = append(out, txs...)
	}
	return out, nil
}

// blockTxs lists a block's endorser transactions with their validation
// codes (the block metadata's transactions filter).
func blockTxs(b *common.Block) ([]ledgerTx, error) {
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	var out []ledgerTx
	for i, raw := range b.GetData().GetData() {
		var env common.Envelope
		var payload common.Payload
		var ch common.ChannelHeader
		if proto.Unmarshal(raw, &env) != nil || proto.Unmarshal(env.GetPayload(), &payload) != nil ||
			proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch) != nil {
			return nil, fmt.Errorf("transaction %d: not an envelope", i)
		}
		if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
			continue
		}
		tx := ledgerTx{ID: ch.GetTxId(), Block: b.GetHeader().GetNumber(), Code: peer.TxValidationCode_NOT_VALIDATED}
		if i < len(filter) {
			tx.Code = peer.TxValidationCode(filter[i])
		}
		tx.Valid = tx.Code == peer.TxValidationCode_VALID
		tx.Chaincode, tx.Fn, tx.Args = invocation(payload.GetData())
		out = append(out, tx)
	}
	return out, nil
}

// invocation digs the chaincode name, function and arguments out of a
// transaction.
func invocation(data []byte) (chaincode, fn string, args []string) {
	var tx peer.Transaction
	if proto.Unmarshal(data, &tx) != nil || len(tx.GetActions()) == 0 {
		return "", "", nil
	}
	var cap peer.ChaincodeActionPayload
	var cpp peer.ChaincodeProposalPayload
	var spec peer.ChaincodeInvocationSpec
	if proto.Unmarshal(tx.GetActions()[0].GetPayload(), &cap) != nil ||
		proto.Unmarshal(cap.GetChaincodeProposalPayload(), &cpp) != nil ||
		proto.Unmarshal(cpp.GetInput(), &spec) != nil {
		return "", "", nil
	}
	cs := spec.GetChaincodeSpec()
	for i, a := range cs.GetInput().GetArgs() {
		if i == 0 {
			fn = string(a)
		} else {
			args = append(args, string(a))
		}
	}
	return cs.GetChaincodeId().GetName(), fn, args
}
