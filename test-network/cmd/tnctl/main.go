// Command tnctl turns network/consortium.yaml into what test-network/network.sh
// needs: rendered cryptogen/configtxgen inputs, a plain-text list of nodes the
// script can loop over, and connection profiles for clients.
//
//	tnctl [-consortium FILE] render DIR     write configtx.yaml into DIR (the orderer org's config folder)
//	tnctl [-consortium FILE] nodes          one line per node (see nodesCmd)
//	tnctl [-consortium FILE] get KEY        channel | chaincode | profile | orgs | trustee | orderer-msp | chaincode-config
//	                                        | gateway-port:MSPID | ccport:MSPID | candidates | quorum[:MSP,...] | msp:NAME | collections
//	tnctl [-consortium FILE] admit NAME OUT write the consortium with candidate bank NAME in the channel
//	tnctl [-consortium FILE] profiles RUN   write each bank's RUN/orgs/<MSPID>/profile.json
//	tnctl [-consortium FILE] identity-roles MSPID
//	                                        one line "UserN ROLE[,ROLE]" per User identity: the
//	                                        tranchenet.role attribute its CA gives it (ca.sh)
//	tnctl [-consortium FILE] gateway-config RUN MSPID OUT
//	                                        write the gateway-app configuration of org MSPID to OUT
//	                                        and print its API users' tokens as JSON
//	tnctl [-consortium FILE] heights [-wait D] [-q] RUN
//	                                        every node's block height and Raft role; fails on a laggard
//
// It is a test-network tool and may import the consortium description, the
// collections generator, the gateway's configuration format and the pure
// core; the product binaries do not contain it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tranchenet/tranchenet/network/consortium"
)

func main() {
	file := flag.String("consortium", "network/consortium.yaml", "consortium description")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tnctl [-consortium FILE] render DIR | nodes | get KEY | admit NAME OUT | profiles RUNDIR | identity-roles MSPID | gateway-config RUNDIR MSPID OUT | heights [-wait D] [-q] RUNDIR")
	}
	flag.Parse()
	if err := run(*file, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "tnctl:", err)
		os.Exit(1)
	}
}

func run(file string, args []string) error {
	if len(args) == 0 {
		flag.Usage()
		return fmt.Errorf("missing command")
	}
	c, err := consortium.Load(file)
	if err != nil {
		return err
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "render" && len(rest) == 1:
		return renderCmd(c, rest[0])
	case cmd == "nodes" && len(rest) == 0:
		return nodesCmd(c, os.Stdout)
	case cmd == "get" && len(rest) == 1:
		return getCmd(c, rest[0], os.Stdout)
	case cmd == "admit" && len(rest) == 2:
		return admitCmd(c, rest[0], rest[1])
	case cmd == "profiles" && len(rest) == 1:
		return profilesCmd(c, rest[0])
	case cmd == "identity-roles" && len(rest) == 1:
		return identityRolesCmd(c, rest[0], os.Stdout)
	case cmd == "heights":
		return heightsCmd(c, rest, os.Stdout)
	case cmd == "gateway-config" && len(rest) == 3:
		return gatewayConfigCmd(c, rest[0], rest[1], rest[2], os.Stdout)
	default:
		flag.Usage()
		return fmt.Errorf("unknown command or wrong arguments: %v", args)
	}
}
