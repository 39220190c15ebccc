package tnet

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// Height is the channel's block height on the client's own peer (qscc
// GetChainInfo).
func (c *Client) Height(ctx context.Context) (uint64, error) {
	raw, err := c.network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(c.network.Name()))
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, fmt.Errorf("GetChainInfo: %w", err)
	}
	return info.GetHeight(), nil
}

// Block reads block number from the client's own peer (qscc GetBlockByNumber).
func (c *Client) Block(ctx context.Context, number uint64) (*common.Block, error) {
	raw, err := c.network.GetContract("qscc").EvaluateWithContext(ctx, "GetBlockByNumber",
		client.WithArguments(c.network.Name(), strconv.FormatUint(number, 10)))
	if err != nil {
		return nil, err
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("GetBlockByNumber %d: %w", number, err)
	}
	return &b, nil
}
