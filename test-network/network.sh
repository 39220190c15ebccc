#!/usr/bin/env bash
# tranchenet test network: a real Hyperledger Fabric 2.5 consortium on one
# machine, without Docker. Orderers, peers and the chaincode service run as
# background processes bound to 127.0.0.1; everything they write lives in one
# run folder.
#
#   ./network.sh up        build Fabric (and Fabric CA) once, start each org's CA (which issues its
#                          identities on the first up), generate the channel, start and join every node
#   ./network.sh deploy    build the chaincode, run it as a service, install/approve/commit (upgrades on re-run)
#   ./network.sh gateways  build the gateway app and start one per bank (config and API tokens in the run folder)
#   ./network.sh status    health of every node and the committed chaincode definition
#   ./network.sh logs [N]  list logs, or show the last lines of node N's log (e.g. peer0.org1.example.com)
#   ./network.sh down      stop exactly the processes this script started; keeps the ledgers
#   ./network.sh clean     down, then delete the run folder
#   ./network.sh env ORG   print the environment for the peer CLI as ORG's admin (eval "$(./network.sh env Org2MSP)")
#
# Environment (all optional):
#   TRANCHENET_RUN         run folder (default test-network/.run)
#   TRANCHENET_CACHE       cache for the Fabric binaries (default ~/.cache/tranchenet)
#   TRANCHENET_CONSORTIUM  consortium description (default network/consortium.yaml)
#   TRANCHENET_CC_PPROF    loopback host:port on which the chaincode serves Go profiles (off by default)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

# github.com/hyperledger/fabric at the v2.5.0 release commit, the version the
# Go module proxy serves (DESIGN.md section 6).
FABRIC_MODULE=github.com/hyperledger/fabric
FABRIC_VERSION=v1.4.0-rc1.0.20230401164317-bd8e24856939
FABRIC_TOOLS=(peer orderer configtxgen osnadmin)

CACHE=${TRANCHENET_CACHE:-$HOME/.cache/tranchenet}
FABRIC_BIN=$CACHE/fabric-$FABRIC_VERSION/bin
RUN=${TRANCHENET_RUN:-$HERE/.run}
CONSORTIUM=${TRANCHENET_CONSORTIUM:-$ROOT/network/consortium.yaml}
LOGS=$RUN/logs
PIDS=$RUN/pids
BIN=$RUN/bin

# shellcheck source=ca.sh
source "$HERE/ca.sh"

# ---------------------------------------------------------------- output

say() { printf '%s\n' "$*"; }
fail() {
  printf 'network.sh: %s\n' "$*" >&2
  exit 1
}

# step NAME LOGFILE CMD... runs CMD with its output in LOGFILE; on failure it
# names the step, shows the end of the log and where to read the rest.
step() {
  local name=$1 log=$2
  shift 2
  mkdir -p "$(dirname "$log")"
  if ! "$@" >>"$log" 2>&1; then
    printf 'network.sh: step failed: %s\n--- last lines of %s ---\n' "$name" "$log" >&2
    tail -n 15 "$log" >&2 || true
    printf -- '--- full log: %s\n' "$log" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- binaries

# build_module_binaries MODULE VERSION BINDIR TOOL... builds cmd/TOOL of a
# pinned Go module from its source into BINDIR, once. `go install
# module@version` cannot be used: it asks the proxy for the module's version
# list, which the proxy refuses.
build_module_binaries() {
  local module=$1 version=$2 bindir=$3
  shift 3
  local missing=0 t
  for t in "$@"; do [[ -x $bindir/$t ]] || missing=1; done
  ((missing)) || return 0
  command -v go >/dev/null || fail "go is not on PATH: install Go 1.24+ to build $module"
  say "• building $module $version into $bindir (once; a few minutes)"
  local work log=$CACHE/build-$(basename "$module").log
  mkdir -p "$CACHE"
  : >"$log"
  work=$(mktemp -d "$CACHE/$(basename "$module")-src.XXXXXX")
  local dir
  dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module@$version" 2>>"$log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
  [[ -n $dir && -d $dir ]] || { rm -rf "$work"; fail "could not download $module@$version from the Go module proxy (log: $log)"; }
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  mkdir -p "$bindir.tmp"
  local pkgs=()
  for t in "$@"; do pkgs+=("./cmd/$t"); done
  if ! (cd "$work/src" && GOFLAGS=-mod=mod go build -o "$bindir.tmp/" "${pkgs[@]}") >>"$log" 2>&1; then
    rm -rf "$work" "$bindir.tmp"
    fail "building $module failed (log: $log)"
  fi
  rm -rf "$work" "$bindir"
  mv "$bindir.tmp" "$bindir"
}

# fabric_binaries builds peer, orderer and the tools (v2.5.0), and the Fabric
# CA server and client (ca.sh), into the cache, once.
fabric_binaries() {
  build_module_binaries "$FABRIC_MODULE" "$FABRIC_VERSION" "$FABRIC_BIN" "${FABRIC_TOOLS[@]}"
  fabric_ca_binaries
}

# project_tools builds this repository's helpers for the network.
project_tools() {
  mkdir -p "$BIN"
  step "build tnctl" "$LOGS/build.log" go build -C "$ROOT" -o "$BIN/tnctl" ./test-network/cmd/tnctl
}

tnctl() { "$BIN/tnctl" -consortium "$CONSORTIUM" "$@"; }

# ---------------------------------------------------------------- processes

pidfile() { echo "$PIDS/$1.pid"; }

# running NAME succeeds when NAME's recorded process is alive and is the
# program we started (guards against a recycled PID).
running() {
  local f pid
  f=$(pidfile "$1")
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  local want=${2:-}
  [[ -z $want ]] || grep -qa -- "$want" "/proc/$pid/cmdline" 2>/dev/null
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  local port=$1 who=$2
  if port_busy "$port"; then
    local owner
    owner=$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\1 pid \2/p' | head -1)
    fail "port 127.0.0.1:$port needed by $who is already in use${owner:+ by $owner}; stop it or change the port in $CONSORTIUM"
  fi
}

# start NAME DIR PORTS... CMD... starts CMD in the background with a clean
# environment (a stray CORE_PEER_* from an admin shell must not leak in).
start_node() {
  local name=$1 dir=$2 ports=$3
  shift 3
  if running "$name" "$1"; then return 0; fi
  local p
  for p in $ports; do require_free_port "$p" "$name"; done
  mkdir -p "$LOGS" "$PIDS"
  (cd "$dir" && exec env -i PATH="$PATH" HOME="$HOME" FABRIC_CFG_PATH="$dir" "$@" >>"$LOGS/$name.log" 2>&1) &
  echo $! >"$(pidfile "$name")"
}

stop_node() {
  local name=$1 f pid i
  f=$(pidfile "$name")
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# wait_healthy NAME OPSPORT waits for the operations endpoint's /healthz.
wait_healthy() {
  local name=$1 port=$2 i code=
  for ((i = 0; i < 120; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
    [[ $code == 200 ]] && return 0
    running "$name" || fail "$name exited during start-up (log: $LOGS/$name.log)"
    sleep 0.25
  done
  fail "$name is not healthy after 30 s (/healthz said ${code:-nothing}; log: $LOGS/$name.log)"
}

# ---------------------------------------------------------------- rendering

# render TEMPLATE OUT VAR=VALUE... substitutes ${VAR} placeholders.
render() {
  local tmpl=$1 out=$2
  shift 2
  env -i "$@" envsubst "$(printf '${%s} ' "${@%%=*}")" <"$tmpl" >"$out"
}

node_dir_link_crypto() {
  local dir=$1 crypto=$2
  mkdir -p "$dir"
  ln -sfn "$crypto/msp" "$dir/msp"
  ln -sfn "$crypto/tls" "$dir/tls"
}

# ---------------------------------------------------------------- up

CHANNEL=
CHAINCODE=

load_names() {
  CHANNEL=$(tnctl get channel)
  CHAINCODE=$(tnctl get chaincode)
}

generate_artifacts() {
  mkdir -p "$RUN/config"
  tnctl render "$RUN/config"
  say "• starting the orgs' certificate authorities"
  start_cas
  issue_identities
  if [[ ! -f $RUN/channel/$CHANNEL.block ]]; then
    say "• generating the genesis block of channel $CHANNEL (configtxgen)"
    mkdir -p "$RUN/channel"
    ln -sfn "$RUN/crypto" "$RUN/config/crypto"
    step "configtxgen" "$LOGS/setup.log" "$FABRIC_BIN/configtxgen" -configPath "$RUN/config" \
      -profile "$(tnctl get profile)" -channelID "$CHANNEL" -outputBlock "$RUN/channel/$CHANNEL.block"
  fi
  tnctl profiles "$RUN"
}

start_orderers() {
  local kind name msp domain port admin ops
  while read -r kind name msp domain port admin ops; do
    [[ $kind == orderer ]] || continue
    local host=$name.$domain dir=$RUN/nodes/$name.$domain
    node_dir_link_crypto "$dir" "$RUN/crypto/ordererOrganizations/$domain/orderers/$host"
    render "$ROOT/network/orderer.yaml" "$dir/orderer.yaml" ORDERER_PORT="$port" MSP_ID="$msp" \
      NODE_DIR="$dir" OPERATIONS_ADDRESS="127.0.0.1:$ops" ADMIN_ADDRESS="127.0.0.1:$admin"
    start_node "$host" "$dir" "$port $admin $ops" "$FABRIC_BIN/orderer"
  done < <(tnctl nodes)
}

# gossip_bootstrap MSPID NAME PORT prints the address a peer bootstraps
# gossip from: the next peer of its org (the first after the last), or itself
# when the org has one peer. Gossip then finds the other orgs' peers through
# the anchor peers in the channel config.
gossip_bootstrap() {
  local want=$1 self=$2 selfport=$3
  tnctl nodes | awk -v m="$want" -v s="$self" -v sp="$selfport" '
    $1=="peer" && $3==m { ports[n++]=$5; if ($2==s) me=n-1 }
    END { if (n<2) print "127.0.0.1:" sp; else print "127.0.0.1:" ports[(me+1)%n] }'
}

start_peers() {
  local kind name msp domain port ccport ops org
  while read -r kind name msp domain port ccport ops org; do
    [[ $kind == peer ]] || continue
    local host=$name.$domain dir=$RUN/nodes/$name.$domain
    node_dir_link_crypto "$dir" "$RUN/crypto/peerOrganizations/$domain/peers/$host"
    render "$ROOT/network/core.yaml" "$dir/core.yaml" NODE_NAME="$host" MSP_ID="$msp" NODE_DIR="$dir" \
      PEER_ADDRESS="127.0.0.1:$port" PEER_CHAINCODE_ADDRESS="127.0.0.1:$ccport" \
      OPERATIONS_ADDRESS="127.0.0.1:$ops" BUILDER_DIR="$HERE/builders/ccaas" \
      GOSSIP_BOOTSTRAP="$(gossip_bootstrap "$msp" "$name" "$port")" \
      GOSSIP_RECONNECT_INTERVAL=2s PVTDATA_PULL_RETRY_THRESHOLD=5s
    start_node "$host" "$dir" "$port $ccport $ops" "$FABRIC_BIN/peer" node start
  done < <(tnctl nodes)
}

wait_all_healthy() {
  local kind name msp domain a b ops rest
  while read -r kind name msp domain a b ops rest; do
    wait_healthy "$name.$domain" "$ops"
  done < <(tnctl nodes)
}

orderer_admin_tls() {
  local domain=$1
  local admin=$RUN/crypto/ordererOrganizations/$domain/users/Admin@$domain/tls
  echo "--ca-file $admin/ca.crt --client-cert $admin/client.crt --client-key $admin/client.key"
}

join_orderers() {
  local kind name msp domain port admin ops
  while read -r kind name msp domain port admin ops; do
    [[ $kind == orderer ]] || continue
    # shellcheck disable=SC2046
    if "$FABRIC_BIN/osnadmin" channel list -o "127.0.0.1:$admin" $(orderer_admin_tls "$domain") 2>/dev/null | grep -q "\"name\": \"$CHANNEL\""; then
      continue
    fi
    say "• orderer $name.$domain joins $CHANNEL (osnadmin)"
    # shellcheck disable=SC2046
    step "osnadmin channel join ($name.$domain)" "$LOGS/setup.log" "$FABRIC_BIN/osnadmin" channel join \
      --channelID "$CHANNEL" --config-block "$RUN/channel/$CHANNEL.block" -o "127.0.0.1:$admin" $(orderer_admin_tls "$domain")
  done < <(tnctl nodes)
}

# peer_env MSPID [PEERNAME] prints exports that make the peer CLI act as the
# org's admin against one of its peers.
peer_env() {
  local want=$1 want_peer=${2:-} kind name msp domain port rest
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && $msp == "$want" ]] || continue
    [[ -z $want_peer || $want_peer == "$name" ]] || continue
    local host=$name.$domain
    cat <<EOF
export FABRIC_CFG_PATH=$RUN/nodes/$host
export CORE_PEER_LOCALMSPID=$msp
export CORE_PEER_MSPCONFIGPATH=$RUN/crypto/peerOrganizations/$domain/users/Admin@$domain/msp
export CORE_PEER_ADDRESS=127.0.0.1:$port
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_ROOTCERT_FILE=$RUN/crypto/peerOrganizations/$domain/peers/$host/tls/ca.crt
EOF
    return 0
  done < <(tnctl nodes)
  fail "no peer of org $want in $CONSORTIUM"
}

# as_admin MSPID CMD... runs a peer CLI command as the org's admin.
as_admin() {
  local msp=$1
  shift
  (eval "$(peer_env "$msp")" && "$@")
}

first_orderer() {
  local kind name msp domain port rest
  while read -r kind name msp domain port rest; do
    if [[ $kind == orderer ]]; then
      echo "-o 127.0.0.1:$port --ordererTLSHostnameOverride $name.$domain --tls --cafile $RUN/crypto/ordererOrganizations/$domain/orderers/$name.$domain/tls/ca.crt"
      return
    fi
  done < <(tnctl nodes)
}

join_peers() {
  local kind name msp domain rest
  while read -r kind name msp domain rest; do
    [[ $kind == peer ]] || continue
    if (eval "$(peer_env "$msp" "$name")" && "$FABRIC_BIN/peer" channel list 2>/dev/null | grep -qx "$CHANNEL"); then
      continue
    fi
    say "• $name.$domain joins $CHANNEL"
    step "peer channel join ($name.$domain)" "$LOGS/setup.log" \
      bash -c "$(peer_env "$msp" "$name"); exec '$FABRIC_BIN/peer' channel join -b '$RUN/channel/$CHANNEL.block'"
  done < <(tnctl nodes)
}

# wait_raft_leader waits until one orderer reports itself Raft leader of the
# channel (after a restart the first transactions fail until then).
wait_raft_leader() {
  local i kind name msp domain port admin ops leaders
  for ((i = 0; i < 120; i++)); do
    leaders=0
    while read -r kind name msp domain port admin ops; do
      [[ $kind == orderer ]] || continue
      if curl -s "http://127.0.0.1:$ops/metrics" | grep -q "^consensus_etcdraft_is_leader{channel=\"$CHANNEL\"} 1"; then
        leaders=$((leaders + 1))
      fi
    done < <(tnctl nodes)
    ((leaders == 1)) && return 0
    sleep 0.25
  done
  fail "no Raft leader for channel $CHANNEL after 30 s (logs: $LOGS/orderer*.log)"
}

# resume_chaincode restarts the chaincode service of the last deploy after a
# down/up, so a restarted network serves the chaincode it had.
resume_chaincode() {
  local id_file=$RUN/chaincode/package-id
  [[ -f $id_file && -x $BIN/tranchenet-cc ]] || return 0
  running chaincode "tranchenet-cc" && return 0
  say "• restarting the chaincode service"
  start_chaincode_service "$(<"$id_file")"
}

# wait_gossip waits until every peer knows every other peer of the channel:
# until then the gateway cannot find other orgs' endorsers ("failed to find
# any endorsing peers") and private data cannot be disseminated.
wait_gossip() {
  local total i kind name msp domain port cc ops rest known ok
  total=$(tnctl nodes | grep -c '^peer ')
  for ((i = 0; i < 240; i++)); do
    ok=1
    while read -r kind name msp domain port cc ops rest; do
      [[ $kind == peer ]] || continue
      known=$(curl -s "http://127.0.0.1:$ops/metrics" | sed -n "s/^gossip_membership_total_peers_known{channel=\"$CHANNEL\"} \([0-9]*\).*/\1/p")
      [[ ${known:-0} -ge $((total - 1)) ]] || ok=0
    done < <(tnctl nodes)
    ((ok)) && return 0
    sleep 0.25
  done
  fail "peers did not discover each other within 60 s (logs: $LOGS/peer*.log)"
}

cmd_up() {
  local t0=$SECONDS
  fabric_binaries
  mkdir -p "$LOGS" "$PIDS"
  project_tools
  load_names
  generate_artifacts
  say "• starting orderers and peers"
  start_orderers
  start_peers
  wait_all_healthy
  join_orderers
  wait_raft_leader
  join_peers
  wait_gossip
  resume_chaincode
  say "✓ network up in $((SECONDS - t0)) s: channel $CHANNEL, run folder $RUN"
}

# ---------------------------------------------------------------- deploy

cc_address() { echo "127.0.0.1:$(tnctl get ccport)"; }

# committed_sequence prints the committed sequence of the chaincode (0 if none).
committed_sequence() {
  local msp
  msp=$(tnctl get trustee)
  as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" -O json 2>/dev/null |
    sed -n 's/.*"sequence": *\([0-9]*\).*/\1/p' | head -1 | grep . || echo 0
}

committed_package_id() {
  local msp
  msp=$(tnctl get trustee)
  as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode queryapproved -C "$CHANNEL" -n "$CHAINCODE" -O json 2>/dev/null |
    sed -n 's/.*"package_id": *"\([^"]*\)".*/\1/p' | head -1
}

package_chaincode() {
  local label=$1 out=$2 work
  work=$(mktemp -d)
  cat >"$work/connection.json" <<EOF
{"address": "$(cc_address)", "dial_timeout": "10s", "tls_required": false}
EOF
  cat >"$work/metadata.json" <<EOF
{"type": "ccaas", "label": "$label"}
EOF
  # Byte-identical packages for identical inputs (fixed mtimes, owners and no
  # gzip timestamp), so the package ID changes only when the code does.
  local tarflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar -C "$work" "${tarflags[@]}" -cf - connection.json | gzip -n >"$work/code.tar.gz"
  tar -C "$work" "${tarflags[@]}" -cf - metadata.json code.tar.gz | gzip -n >"$out"
  rm -rf "$work"
}

start_chaincode_service() {
  local package_id=$1
  stop_node chaincode
  require_free_port "$(tnctl get ccport)" "chaincode service"
  mkdir -p "$LOGS" "$PIDS"
  # TRANCHENET_CC_PPROF=127.0.0.1:PORT serves the chaincode's Go profiles there (opt-in).
  (exec env -i PATH="$PATH" HOME="$HOME" CHAINCODE_SERVER_ADDRESS="$(cc_address)" \
    ${TRANCHENET_CC_PPROF:+CHAINCODE_PPROF_ADDRESS="$TRANCHENET_CC_PPROF"} \
    CORE_CHAINCODE_ID_NAME="$package_id" "$BIN/tranchenet-cc" >>"$LOGS/chaincode.log" 2>&1) &
  echo $! >"$(pidfile chaincode)"
  echo "$package_id" >"$RUN/chaincode/package-id"
  local i
  for ((i = 0; i < 50; i++)); do
    port_busy "$(tnctl get ccport)" && return 0
    running chaincode || fail "chaincode service exited at start (log: $LOGS/chaincode.log)"
    sleep 0.1
  done
  fail "chaincode service is not listening on $(cc_address) (log: $LOGS/chaincode.log)"
}

cmd_deploy() {
  local t0=$SECONDS
  [[ -x $BIN/tnctl ]] || fail "the network is not up: run ./network.sh up first"
  load_names
  running "$(tnctl nodes | awk '$1=="peer"{print $2"."$4; exit}')" || fail "the network is not up: run ./network.sh up first"
  say "• building chaincode"
  step "build chaincode" "$LOGS/build.log" go build -C "$ROOT" -o "$BIN/tranchenet-cc" ./chaincode/cmd/tranchenet-cc
  local digest label pkg package_id current
  # The label names the exact binary, so re-running deploy after a code change
  # yields a new package and therefore an upgrade.
  digest=$(sha256sum "$BIN/tranchenet-cc" "$ROOT/collections/test-network.json" | sha256sum | cut -c1-12)
  label=${CHAINCODE}_$digest
  pkg=$RUN/chaincode/$label.tar.gz
  mkdir -p "$RUN/chaincode"
  package_chaincode "$label" "$pkg"
  package_id=$(as_admin "$(tnctl get trustee)" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$pkg" 2>>"$LOGS/deploy.log") ||
    fail "peer lifecycle chaincode calculatepackageid failed (log: $LOGS/deploy.log)"
  current=$(committed_package_id || true)
  if [[ $current == "$package_id" ]]; then
    running chaincode "tranchenet-cc" || start_chaincode_service "$package_id"
    init_consortium
    say "✓ chaincode $package_id is already committed and serving; nothing to do"
    return 0
  fi

  local kind name msp domain rest
  while read -r kind name msp domain rest; do
    [[ $kind == peer ]] || continue
    if (eval "$(peer_env "$msp" "$name")" && "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$package_id"); then
      continue
    fi
    say "• installing $label on $name.$domain"
    step "install on $name.$domain" "$LOGS/deploy.log" \
      bash -c "$(peer_env "$msp" "$name"); exec '$FABRIC_BIN/peer' lifecycle chaincode install '$pkg'"
  done < <(tnctl nodes)

  say "• starting the chaincode service on $(cc_address)"
  start_chaincode_service "$package_id"

  local sequence
  sequence=$(($(committed_sequence) + 1))
  # shellcheck disable=SC2207
  local orderer=($(first_orderer))
  local definition=(-C "$CHANNEL" -n "$CHAINCODE" -v "$digest" --sequence "$sequence"
    --collections-config "$ROOT/collections/test-network.json"
    --channel-config-policy /Channel/Application/Endorsement)
  for msp in $(tnctl get orgs); do
    say "• $msp approves $CHAINCODE sequence $sequence"
    step "approve ($msp)" "$LOGS/deploy.log" bash -c "$(peer_env "$msp"); exec '$FABRIC_BIN/peer' lifecycle chaincode approveformyorg ${orderer[*]} ${definition[*]} --package-id '$package_id'"
  done

  # One endorsing peer per org (its first) satisfies the lifecycle policy.
  local peers=() port seen=" "
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && $seen != *" $msp "* ]] || continue
    seen+="$msp "
    peers+=(--peerAddresses "127.0.0.1:$port" --tlsRootCertFiles "$RUN/crypto/peerOrganizations/$domain/peers/$name.$domain/tls/ca.crt")
  done < <(tnctl nodes)
  say "• committing $CHAINCODE sequence $sequence"
  step "commit" "$LOGS/deploy.log" bash -c "$(peer_env "$(tnctl get trustee)"); exec '$FABRIC_BIN/peer' lifecycle chaincode commit ${orderer[*]} ${definition[*]} ${peers[*]}"

  # Wait until every peer has the definition and can run the chaincode.
  local i ok
  for ((i = 0; i < 60; i++)); do
    ok=1
    for msp in $(tnctl get orgs); do
      as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" 2>/dev/null |
        grep -q "Sequence: $sequence," || ok=0
    done
    ((ok)) && break
    sleep 0.5
  done
  ((ok)) || fail "not every peer reports $CHAINCODE sequence $sequence after 30 s (log: $LOGS/deploy.log)"
  init_consortium
  say "✓ $CHAINCODE sequence $sequence ($label) deployed in $((SECONDS - t0)) s"
}

# init_consortium records the consortium configuration in the chaincode
# (Admin:Init, once) as the trustee org's admin, endorsed by a majority.
init_consortium() {
  local trustee
  trustee=$(tnctl get trustee)
  if as_admin "$trustee" "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE" \
    -c '{"Args":["Admin:Config"]}' >/dev/null 2>&1; then
    return 0
  fi
  say "• recording the consortium configuration (Admin:Init)"
  local config peers=() kind name msp domain port rest count=0 needed seen=" "
  config=$(tnctl get chaincode-config)
  needed=$(($(tnctl get orgs | wc -w) / 2 + 1))
  # The trustee's peer first (the chaincode policy is the trustee AND a
  # majority, whatever order consortium.yaml lists the banks in), then a
  # majority of orgs, one peer each (an org's second peer adds nothing).
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && $seen != *" $msp "* ]] || continue
    ((count < needed)) || break
    peers+=(--peerAddresses "127.0.0.1:$port" --tlsRootCertFiles "$RUN/crypto/peerOrganizations/$domain/peers/$name.$domain/tls/ca.crt")
    seen+="$msp "
    count=$((count + 1))
  done < <(tnctl nodes | awk -v t="$trustee" '$1=="peer" && $3==t' && tnctl nodes | awk -v t="$trustee" '$1=="peer" && $3!=t')
  # shellcheck disable=SC2207
  local orderer=($(first_orderer))
  local args
  args=$(jq -cn --arg c "$config" '{Args: ["Admin:Init", $c]}')
  step "Admin:Init" "$LOGS/deploy.log" bash -c "$(peer_env "$trustee"); exec '$FABRIC_BIN/peer' chaincode invoke ${orderer[*]} -C '$CHANNEL' -n '$CHAINCODE' ${peers[*]} --waitForEvent -c '$args'"
}

# ---------------------------------------------------------------- gateway apps

# gateway_ports prints "MSPID PORT ORGNAME" for every org with a gateway app.
gateway_ports() {
  local msp
  for msp in $(tnctl get orgs); do
    echo "$msp $(tnctl get "gateway-port:$msp")"
  done
}

cmd_gateways() {
  [[ -x $BIN/tnctl ]] || fail "the network is not up: run ./network.sh up first"
  load_names
  # tnctl is built again with the app: it writes the apps' configurations
  # (gateway-config), and the run folder may predate that command.
  step "build gateway-app" "$LOGS/build.log" go build -C "$ROOT" -o "$BIN/" ./gateway-app/cmd/gateway-app ./test-network/cmd/tnctl
  local msp port dir
  while read -r msp port; do
    local name=gateway-$msp
    dir=$RUN/gateways/$msp
    mkdir -p "$dir"
    if [[ ! -f $dir/config.yaml ]]; then
      # Tokens are generated once and printed once; only their hashes are in the config.
      step "gateway config ($msp)" "$LOGS/setup.log" bash -c "'$BIN/tnctl' -consortium '$CONSORTIUM' gateway-config '$RUN' '$msp' '$dir/config.yaml' >'$dir/tokens.json'"
      chmod 600 "$dir/tokens.json"
    fi
    if running "$name" "gateway-app"; then continue; fi
    require_free_port "$port" "$name"
    (exec env -i PATH="$PATH" HOME="$HOME" "$BIN/gateway-app" serve -config "$dir/config.yaml" >>"$LOGS/$name.log" 2>&1) &
    echo $! >"$(pidfile "$name")"
  done < <(gateway_ports)
  local i code
  while read -r msp port; do
    for ((i = 0; i < 120; i++)); do
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
      [[ $code == 200 ]] && break
      running "gateway-$msp" || fail "gateway app of $msp exited at start (log: $LOGS/gateway-$msp.log)"
      sleep 0.25
    done
    [[ $code == 200 ]] || fail "gateway app of $msp not ready after 30 s (log: $LOGS/gateway-$msp.log)"
    say "✓ gateway app of $msp on http://127.0.0.1:$port (tokens: $RUN/gateways/$msp/tokens.json)"
  done < <(gateway_ports)
}

# ---------------------------------------------------------------- status, logs, down

cmd_status() {
  [[ -x $BIN/tnctl ]] || { say "network: not up (no run folder at $RUN)"; return 0; }
  load_names
  local kind name msp domain a b ops rest code state
  printf '%-28s %-8s %-10s %s\n' NODE PID HEALTH OPERATIONS
  while read -r kind name msp domain a b ops rest; do
    local host=$name.$domain pid=-
    [[ -f $(pidfile "$host") ]] && pid=$(<"$(pidfile "$host")")
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ops/healthz" 2>/dev/null || true)
    if running "$host"; then state=$([[ $code == 200 ]] && echo OK || echo "HTTP ${code:-none}"); else state=stopped; fi
    printf '%-28s %-8s %-10s http://127.0.0.1:%s/healthz\n' "$host" "$pid" "$state" "$ops"
  done < <(tnctl nodes)
  local msp port
  while read -r msp port; do
    local name=gateway-$msp pid=-
    [[ -f $(pidfile "$name") ]] && pid=$(<"$(pidfile "$name")")
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null || true)
    if running "$name"; then state=$([[ $code == 200 ]] && echo OK || echo "HTTP ${code:-none}"); else state=stopped; fi
    printf '%-28s %-8s %-10s http://127.0.0.1:%s/readyz\n' "$name" "$pid" "$state" "$port"
  done < <(gateway_ports)
  if running chaincode; then
    printf '%-28s %-8s %-10s %s\n' chaincode-service "$(<"$(pidfile chaincode)")" running "$(cc_address)"
  else
    printf '%-28s %-8s %-10s %s\n' chaincode-service - stopped "$(cc_address)"
  fi
  say ""
  if running "$(tnctl nodes | awk '$1=="peer"{print $2"."$4; exit}')"; then
    as_admin "$(tnctl get trustee)" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" 2>&1 ||
      true
  fi
}

cmd_logs() {
  if [[ $# -eq 0 ]]; then
    say "logs in $LOGS:"
    ls -1 "$LOGS" 2>/dev/null | sed 's/^/  /'
    return 0
  fi
  [[ -f $LOGS/$1.log ]] || fail "no log $LOGS/$1.log (see ./network.sh logs)"
  tail -n "${LINES_TO_SHOW:-60}" "$LOGS/$1.log"
}

cmd_down() {
  [[ -d $PIDS ]] || { say "✓ nothing running"; return 0; }
  # Every node shuts down gracefully in about 2 s; signal them all at once,
  # then wait, and only kill what is still alive after 10 s.
  local f pid names=() pids=() i
  for f in "$PIDS"/*.pid; do
    [[ -f $f ]] || continue
    pid=$(<"$f")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      names+=("$(basename "$f" .pid)")
      pids+=("$pid")
    fi
  done
  for ((i = 0; i < 100; i++)); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; done
  rm -f "$PIDS"/*.pid
  say "✓ stopped ${#pids[@]} process(es)${names:+: ${names[*]}}; ledgers kept in $RUN (./network.sh clean removes them)"
}

cmd_clean() {
  cmd_down
  rm -rf "$RUN"
  say "✓ removed $RUN"
}

main() {
  local cmd=${1:-help}
  shift || true
  case $cmd in
  up) cmd_up ;;
  deploy) cmd_deploy ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  gateways) cmd_gateways ;;
  down) cmd_down ;;
  clean) cmd_clean ;;
  env)
    [[ $# -eq 1 ]] || fail "usage: network.sh env MSPID"
    load_names
    peer_env "$1"
    echo "export PATH=$FABRIC_BIN:\$PATH"
    ;;
  binaries) fabric_binaries && say "✓ Fabric binaries in $FABRIC_BIN" ;;
  help | -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) fail "unknown command '$cmd' (try ./network.sh help)" ;;
  esac
}

main "$@"
