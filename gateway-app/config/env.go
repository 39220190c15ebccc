package config

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// EnvPrefix starts every environment variable the app reads.
const EnvPrefix = "TRANCHENET_GATEWAY_"

// envVar is one environment override: the variable (after EnvPrefix), the
// field it sets, and whether its value is a path (made absolute against the
// working directory, where the operator typed it).
type envVar struct {
	name  string
	field string
	path  bool
	set   func(c *Config, v string) error
}

var envVars = []envVar{
	{"LISTEN", "listen", false, func(c *Config, v string) error { c.Listen = v; return nil }},
	{"DATA_DIR", "dataDir", true, func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"MSP_ID", "mspID", false, func(c *Config, v string) error { c.MSPID = v; return nil }},
	{"CHANNEL", "channel", false, func(c *Config, v string) error { c.Channel = v; return nil }},
	{"CHAINCODE", "chaincode", false, func(c *Config, v string) error { c.Chaincode = v; return nil }},
	{"PEER_ENDPOINT", "peer.endpoint", false, func(c *Config, v string) error { c.Peer.Endpoint = v; return nil }},
	{"PEER_TLS_CA_CERT", "peer.tlsCACert", true, func(c *Config, v string) error { c.Peer.TLSCACert = v; return nil }},
	{"PEER_HOST_OVERRIDE", "peer.hostOverride", false, func(c *Config, v string) error { c.Peer.HostOverride = v; return nil }},
	{"LOG_LEVEL", "logLevel", false, func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"EVENTS_STREAM", "events.stream", false, func(c *Config, v string) error { c.Events.Stream = v; return nil }},
	{"EVENTS_DISABLED", "events.disabled", false, func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		c.Events.Disabled = b
		return nil
	}},
}

// EnvNames lists the environment variables ApplyEnv reads, with the field
// each overrides, for help texts.
func EnvNames() [][2]string {
	out := make([][2]string, len(envVars))
	for i, e := range envVars {
		out[i] = [2]string{EnvPrefix + e.name, e.field}
	}
	return out
}

// ApplyEnv overrides fields from environment variables (TRANCHENET_GATEWAY_LISTEN,
// ..._PEER_ENDPOINT, see EnvNames). lookup is os.LookupEnv in production.
// A variable set to the empty string is ignored.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	for _, e := range envVars {
		v, ok := lookup(EnvPrefix + e.name)
		if !ok || v == "" {
			continue
		}
		if e.path {
			abs, err := filepath.Abs(v)
			if err != nil {
				return fmt.Errorf("%s%s: %w", EnvPrefix, e.name, err)
			}
			v = abs
		}
		if err := e.set(c, v); err != nil {
			return fmt.Errorf("%s%s (%s): %w", EnvPrefix, e.name, e.field, err)
		}
	}
	return nil
}
