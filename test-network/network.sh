#!/usr/bin/env bash
# tranchenet test network: a real Hyperledger Fabric 2.5 consortium on one
# machine, without Docker. Orderers, peers and each bank's own chaincode
# service run as background processes bound to 127.0.0.1. Each org's
# processes live in its own folder of the run folder (org_dir), with only
# what that org would have: its CA and keys, its nodes, chaincode service and
# gateway app, and the others' public MSPs and the channel block copied in.
#
#   ./network.sh up        build Fabric (and Fabric CA) once, start each org's CA (which issues its
#                          identities on the first up), generate the channel, start and join every node
#   ./network.sh deploy    build the chaincode, run each bank's own service of it, each bank installs and
#                          approves its own package, commit (upgrades on re-run)
#   ./network.sh gateways  build the gateway app and start one per bank (config and API tokens in orgs/<MSP>/gateway)
#   ./network.sh status    health, height and Raft role of every node (a laggard flagged), the committed chaincode definition
#   ./network.sh logs [N]  list logs, or show the last lines of node N's log (e.g. peer0.org1.example.com)
#   ./network.sh down      stop exactly the processes this script started; keeps the ledgers
#   ./network.sh clean     down, then delete the run folder
#   ./network.sh env ORG   print the environment for the peer CLI as ORG's admin (eval "$(./network.sh env Org2MSP)")
#   ./network.sh add-org NAME  a candidate bank of the consortium file joins the running channel (addorg.sh)
#
# Environment (all optional):
#   TRANCHENET_RUN         run folder (default test-network/.run)
#   TRANCHENET_CACHE       cache for the Fabric binaries (default ~/.cache/tranchenet)
#   TRANCHENET_CONSORTIUM  consortium description (default network/consortium.yaml; after add-org
#                          the run folder's consortium.yaml, which lists the banks that joined)
#   TRANCHENET_CC_PPROF    loopback host:port on which the trustee bank's chaincode service serves Go profiles (off by default)
#   TRANCHENET_PEER_PPROF  first of the loopback ports on which the peers serve Go profiles, one port a peer in
#                          the consortium's order (off by default); run/pprof/<peer> names each one's address
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
# After add-org the run folder keeps the consortium the network runs (the
# file's members and the candidates that joined): it wins (addorg.sh).
[[ -f $RUN/consortium.yaml ]] && CONSORTIUM=$RUN/consortium.yaml
LOGS=$RUN/logs
PIDS=$RUN/pids
BIN=$RUN/bin

# org_dir MSPID is the folder of one org's process set; every other path of
# an org is computed from it (layout: network/consortium/runfolder.go, which
# is the Go side's one place for it). logs/, pids/ and bin/ above are the
# script's own, not any org's.
org_dir() { echo "$RUN/orgs/$1"; }

# tls_root VIEWER OWNER is OWNER's TLS root as VIEWER's folder holds it (its
# own, or the copy of OWNER's public MSP it was given).
tls_root() {
  if [[ $1 == "$2" ]]; then
    echo "$(org_dir "$1")/msp/tlscacerts/ca.pem"
  else
    echo "$(org_dir "$1")/public/$2/msp/tlscacerts/ca.pem"
  fi
}

# shellcheck source=ca.sh
source "$HERE/ca.sh"
# shellcheck source=addorg.sh
source "$HERE/addorg.sh"

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
  say "• starting the orgs' certificate authorities"
  start_cas
  issue_identities
  publish_public_msps
  # The orderer org makes the channel's genesis block from its own MSP and
  # the public MSPs the banks handed it, and gives every bank a copy.
  local orderer_msp orderer_dir msp
  orderer_msp=$(tnctl get orderer-msp)
  orderer_dir=$(org_dir "$orderer_msp")
  if [[ ! -f $orderer_dir/channel/$CHANNEL.block ]]; then
    say "• generating the genesis block of channel $CHANNEL (configtxgen)"
    tnctl render "$orderer_dir/config"
    mkdir -p "$orderer_dir/channel"
    step "configtxgen" "$LOGS/setup.log" "$FABRIC_BIN/configtxgen" -configPath "$orderer_dir/config" \
      -profile "$(tnctl get profile)" -channelID "$CHANNEL" -outputBlock "$orderer_dir/channel/$CHANNEL.block"
  fi
  for msp in $(tnctl get orgs); do
    mkdir -p "$(org_dir "$msp")/channel"
    cp -n "$orderer_dir/channel/$CHANNEL.block" "$(org_dir "$msp")/channel/" 2>/dev/null || true
  done
  tnctl profiles "$RUN"
}

# publish_public_msps copies every org's public channel MSP (CA and TLS
# roots, NodeOU config: no key) into every other org's public/ folder, as
# banks exchange them when they form a consortium.
publish_public_msps() {
  local all owner viewer
  all="$(tnctl get orderer-msp) $(tnctl get orgs)"
  for viewer in $all; do
    for owner in $all; do
      [[ $viewer != "$owner" ]] || continue
      local to
      to=$(org_dir "$viewer")/public/$owner/msp
      rm -rf "$to"
      mkdir -p "$to"
      cp -r "$(org_dir "$owner")/msp/cacerts" "$(org_dir "$owner")/msp/tlscacerts" "$(org_dir "$owner")/msp/config.yaml" "$to/"
    done
  done
}

start_orderers() {
  local kind name msp domain port admin ops
  while read -r kind name msp domain port admin ops; do
    [[ $kind == orderer ]] || continue
    local host=$name.$domain dir
    dir=$(org_dir "$msp")/nodes/$host
    node_dir_link_crypto "$dir" "$(org_dir "$msp")/orderers/$host"
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
  # Go profiles of the peers, asked for by TRANCHENET_PEER_PPROF=FIRSTPORT
  # (CPU profiles under load: what private data costs a peer).
  local profiled=false pprof_port=${TRANCHENET_PEER_PPROF:-6060}
  if [[ -n ${TRANCHENET_PEER_PPROF:-} ]]; then
    [[ $pprof_port =~ ^[0-9]+$ ]] || fail "TRANCHENET_PEER_PPROF must be a port number, not '$pprof_port'"
    profiled=true
    mkdir -p "$RUN/pprof"
  fi
  while read -r kind name msp domain port ccport ops org; do
    [[ $kind == peer ]] || continue
    local host=$name.$domain dir builders
    if $profiled; then
      require_free_port "$pprof_port" "$host (profiles)"
      echo "127.0.0.1:$pprof_port" >"$RUN/pprof/$host"
    else
      rm -f "$RUN/pprof/$host"
    fi
    dir=$(org_dir "$msp")/nodes/$host
    node_dir_link_crypto "$dir" "$(org_dir "$msp")/peers/$host"
    # The bank's own copy of the external builder its peers run.
    builders=$(org_dir "$msp")/builders
    mkdir -p "$builders"
    rm -rf "$builders/ccaas"
    cp -r "$HERE/builders/ccaas" "$builders/ccaas"
    render "$ROOT/network/core.yaml" "$dir/core.yaml" NODE_NAME="$host" MSP_ID="$msp" NODE_DIR="$dir" \
      PEER_ADDRESS="127.0.0.1:$port" PEER_CHAINCODE_ADDRESS="127.0.0.1:$ccport" \
      OPERATIONS_ADDRESS="127.0.0.1:$ops" BUILDER_DIR="$builders/ccaas" \
      GOSSIP_BOOTSTRAP="$(gossip_bootstrap "$msp" "$name" "$port")" \
      GOSSIP_RECONNECT_INTERVAL=2s PVTDATA_PULL_RETRY_THRESHOLD=5s \
      PEER_PROFILE_ENABLED=$profiled PEER_PROFILE_ADDRESS="127.0.0.1:$pprof_port"
    start_node "$host" "$dir" "$port $ccport $ops" "$FABRIC_BIN/peer" node start
    if $profiled; then pprof_port=$((pprof_port + 1)); fi
  done < <(tnctl nodes)
}

wait_all_healthy() {
  local kind name msp domain a b ops rest
  while read -r kind name msp domain a b ops rest; do
    wait_healthy "$name.$domain" "$ops"
  done < <(tnctl nodes)
}

orderer_admin_tls() {
  local msp=$1 domain=$2
  local admin
  admin=$(org_dir "$msp")/users/Admin@$domain/tls
  echo "--ca-file $admin/ca.crt --client-cert $admin/client.crt --client-key $admin/client.key"
}

join_orderers() {
  local kind name msp domain port admin ops
  while read -r kind name msp domain port admin ops; do
    [[ $kind == orderer ]] || continue
    # shellcheck disable=SC2046
    if "$FABRIC_BIN/osnadmin" channel list -o "127.0.0.1:$admin" $(orderer_admin_tls "$msp" "$domain") 2>/dev/null | grep -q "\"name\": \"$CHANNEL\""; then
      continue
    fi
    say "• orderer $name.$domain joins $CHANNEL (osnadmin)"
    # shellcheck disable=SC2046
    step "osnadmin channel join ($name.$domain)" "$LOGS/setup.log" "$FABRIC_BIN/osnadmin" channel join \
      --channelID "$CHANNEL" --config-block "$(org_dir "$msp")/channel/$CHANNEL.block" -o "127.0.0.1:$admin" $(orderer_admin_tls "$msp" "$domain")
  done < <(tnctl nodes)
}

# peer_env MSPID [PEERNAME] prints exports that make the peer CLI act as the
# org's admin against one of its peers.
peer_env() {
  local want=$1 want_peer=${2:-} kind name msp domain port rest
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && $msp == "$want" ]] || continue
    [[ -z $want_peer || $want_peer == "$name" ]] || continue
    local host=$name.$domain dir
    dir=$(org_dir "$msp")
    cat <<EOF
export FABRIC_CFG_PATH=$dir/nodes/$host
export CORE_PEER_LOCALMSPID=$msp
export CORE_PEER_MSPCONFIGPATH=$dir/users/Admin@$domain/msp
export CORE_PEER_ADDRESS=127.0.0.1:$port
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_ROOTCERT_FILE=$dir/peers/$host/tls/ca.crt
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

# first_orderer VIEWER prints the peer CLI flags that reach the first orderer
# as org VIEWER's admin (trusting the orderer org's TLS root VIEWER holds).
first_orderer() {
  local viewer=$1 kind name msp domain port rest
  while read -r kind name msp domain port rest; do
    if [[ $kind == orderer ]]; then
      echo "-o 127.0.0.1:$port --ordererTLSHostnameOverride $name.$domain --tls --cafile $(tls_root "$viewer" "$msp")"
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
      bash -c "$(peer_env "$msp" "$name"); exec '$FABRIC_BIN/peer' channel join -b '$(org_dir "$msp")/channel/$CHANNEL.block'"
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

# resume_chaincode restarts every bank's chaincode service of the last
# deploy after a down/up, so a restarted network serves the chaincode it had.
resume_chaincode() {
  local msp id_file
  for msp in $(tnctl get orgs); do
    id_file=$(cc_dir "$msp")/package-id
    [[ -f $id_file && -x $(cc_dir "$msp")/tranchenet-cc ]] || continue
    running "$(cc_service "$msp")" "tranchenet-cc" && continue
    say "• restarting the chaincode service of $msp"
    start_chaincode_service "$msp" "$(<"$id_file")"
  done
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

# wait_in_step waits until every orderer and peer is at the same height
# under one Raft leader (tnctl heights), and fails naming the nodes that lag:
# an orderer can be healthy and still not take part in consensus.
wait_in_step() {
  local out
  if ! out=$(tnctl heights -wait "${TRANCHENET_STEP_TIMEOUT:-120s}" -q "$RUN" 2>&1); then
    printf '%s\n' "$out" >&2
    fail "the nodes did not reach one height under one Raft leader (logs: $LOGS/)"
  fi
}

cmd_up() {
  local t0=$SECONDS
  if [[ -d $RUN/crypto && ! -d $RUN/orgs ]]; then
    fail "$RUN has the old one-folder layout (crypto/, nodes/); ./network.sh clean it first (each org now has its own folder under orgs/)"
  fi
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
  wait_in_step
  say "✓ network up in $((SECONDS - t0)) s: channel $CHANNEL, run folder $RUN"
}

# ---------------------------------------------------------------- deploy

# Each bank runs its own chaincode service (its own process, port, package
# and package ID): its package's connection.json names its own port, so its
# peers reach only its service, and only it installs and approves that
# package. The binary is built once.
cc_address() { echo "127.0.0.1:$(tnctl get "ccport:$1")"; } # MSPID
cc_service() { echo "chaincode-$1"; }                       # MSPID: its PID file's and log's name
cc_dir() { echo "$(org_dir "$1")/chaincode"; }              # MSPID: its package, package-id and binary
collections_file() { echo "$(cc_dir "$1")/collections.json"; } # MSPID: the collection config it approves

# write_collections gives every bank the collection config of the
# consortium in force (after add-org: with the new bank's registry).
write_collections() {
  local msp
  for msp in $(tnctl get orgs); do
    mkdir -p "$(cc_dir "$msp")"
    tnctl get collections >"$(collections_file "$msp")"
  done
}

# committed_sequence prints the committed sequence of the chaincode (0 if none).
committed_sequence() {
  local msp
  msp=$(tnctl get trustee)
  as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" -O json 2>/dev/null |
    sed -n 's/.*"sequence": *\([0-9]*\).*/\1/p' | head -1 | grep . || echo 0
}

# wait_sequence_everywhere SEQ LOG waits until every bank's peer has the
# chaincode definition of sequence SEQ and can run the chaincode.
wait_sequence_everywhere() {
  local sequence=$1 log=$2 i ok msp
  for ((i = 0; i < 120; i++)); do
    ok=1
    for msp in $(tnctl get orgs); do
      as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" 2>/dev/null |
        grep -q "Sequence: $sequence," || ok=0
    done
    ((ok)) && return 0
    sleep 0.5
  done
  fail "not every peer reports $CHAINCODE sequence $sequence after 60 s (log: $log)"
}

# approved_package_id MSPID prints the package ID the org last approved.
approved_package_id() {
  as_admin "$1" "$FABRIC_BIN/peer" lifecycle chaincode queryapproved -C "$CHANNEL" -n "$CHAINCODE" -O json 2>/dev/null |
    sed -n 's/.*"package_id": *"\([^"]*\)".*/\1/p' | head -1
}

# package_chaincode LABEL OUT ADDRESS writes a ccaas package whose
# connection.json points the peers at ADDRESS.
package_chaincode() {
  local label=$1 out=$2 address=$3 work
  work=$(mktemp -d)
  cat >"$work/connection.json" <<EOF
{"address": "$address", "dial_timeout": "10s", "tls_required": false}
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

# start_chaincode_service MSPID PACKAGEID (re)starts the bank's service as
# the package its peers run.
start_chaincode_service() {
  local msp=$1 package_id=$2 name address port
  name=$(cc_service "$msp")
  address=$(cc_address "$msp")
  port=${address##*:}
  stop_node "$name"
  # TRANCHENET_CC_PPROF=127.0.0.1:PORT serves Go profiles of the trustee
  # bank's service (the one every transfer runs on); opt-in, one port.
  local pprof=
  [[ $msp == "$(tnctl get trustee)" ]] && pprof=${TRANCHENET_CC_PPROF:-}
  require_free_port "$port" "chaincode service of $msp"
  mkdir -p "$LOGS" "$PIDS" "$(cc_dir "$msp")"
  (exec env -i PATH="$PATH" HOME="$HOME" CHAINCODE_SERVER_ADDRESS="$address" \
    ${pprof:+CHAINCODE_PPROF_ADDRESS="$pprof"} \
    CORE_CHAINCODE_ID_NAME="$package_id" "$(cc_dir "$msp")/tranchenet-cc" >>"$LOGS/$name.log" 2>&1) &
  echo $! >"$(pidfile "$name")"
  echo "$package_id" >"$(cc_dir "$msp")/package-id"
  local i
  for ((i = 0; i < 50; i++)); do
    port_busy "$port" && return 0
    running "$name" || fail "chaincode service of $msp exited at start (log: $LOGS/$name.log)"
    sleep 0.1
  done
  fail "chaincode service of $msp is not listening on $address (log: $LOGS/$name.log)"
}

cmd_deploy() {
  local t0=$SECONDS
  [[ -x $BIN/tnctl ]] || fail "the network is not up: run ./network.sh up first"
  load_names
  running "$(tnctl nodes | awk '$1=="peer"{print $2"."$4; exit}')" || fail "the network is not up: run ./network.sh up first"
  say "• building chaincode"
  step "build chaincode" "$LOGS/build.log" go build -C "$ROOT" -o "$BIN/tranchenet-cc" ./chaincode/cmd/tranchenet-cc
  local digest label msp
  # The label names the exact binary, so re-running deploy after a code change
  # yields new packages and therefore an upgrade. Every bank's package has
  # the same label and code; only the address in connection.json differs.
  write_collections
  digest=$(sha256sum "$BIN/tranchenet-cc" "$(collections_file "$(tnctl get trustee)")" | sha256sum | cut -c1-12)
  label=${CHAINCODE}_$digest
  local -A pkg package_id
  local current=1
  for msp in $(tnctl get orgs); do
    mkdir -p "$(cc_dir "$msp")"
    # The bank's own copy of the binary (a hard link: one build, each bank's
    # service runs from its own folder).
    ln -f "$BIN/tranchenet-cc" "$(cc_dir "$msp")/tranchenet-cc" 2>/dev/null || cp -f "$BIN/tranchenet-cc" "$(cc_dir "$msp")/tranchenet-cc"
    pkg[$msp]=$(cc_dir "$msp")/$label.tar.gz
    package_chaincode "$label" "${pkg[$msp]}" "$(cc_address "$msp")"
    package_id[$msp]=$(as_admin "$msp" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "${pkg[$msp]}" 2>>"$LOGS/deploy.log") ||
      fail "peer lifecycle chaincode calculatepackageid failed for $msp (log: $LOGS/deploy.log)"
    [[ $(approved_package_id "$msp" || true) == "${package_id[$msp]}" ]] || current=0
  done
  if ((current)); then
    for msp in $(tnctl get orgs); do
      running "$(cc_service "$msp")" "tranchenet-cc" || start_chaincode_service "$msp" "${package_id[$msp]}"
    done
    init_consortium
    say "✓ every bank's package of $label is approved, committed and serving; nothing to do"
    return 0
  fi

  # Each bank installs its own package on its own peers only.
  local kind name domain rest
  while read -r kind name msp domain rest; do
    [[ $kind == peer ]] || continue
    if (eval "$(peer_env "$msp" "$name")" && "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "${package_id[$msp]}"); then
      continue
    fi
    say "• installing $msp's package of $label on $name.$domain"
    step "install on $name.$domain" "$LOGS/deploy.log" \
      bash -c "$(peer_env "$msp" "$name"); exec '$FABRIC_BIN/peer' lifecycle chaincode install '${pkg[$msp]}'"
  done < <(tnctl nodes)

  for msp in $(tnctl get orgs); do
    say "• starting $msp's chaincode service on $(cc_address "$msp")"
    start_chaincode_service "$msp" "${package_id[$msp]}"
  done

  local sequence
  sequence=$(($(committed_sequence) + 1))
  local definition=(-C "$CHANNEL" -n "$CHAINCODE" -v "$digest" --sequence "$sequence"
    --channel-config-policy /Channel/Application/Endorsement)
  # The definition (version, sequence, collections, policy) is the same for
  # every bank; the package ID each approves is its own.
  for msp in $(tnctl get orgs); do
    say "• $msp approves $CHAINCODE sequence $sequence with its own package ${package_id[$msp]}"
    step "approve ($msp)" "$LOGS/deploy.log" bash -c "$(peer_env "$msp"); exec '$FABRIC_BIN/peer' lifecycle chaincode approveformyorg $(first_orderer "$msp") ${definition[*]} --collections-config '$(collections_file "$msp")' --package-id '${package_id[$msp]}'"
  done

  # One endorsing peer per org (its first) satisfies the lifecycle policy;
  # the trustee's admin commits, trusting each org's TLS root it holds.
  local peers=() port seen=" " trustee
  trustee=$(tnctl get trustee)
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && $seen != *" $msp "* ]] || continue
    seen+="$msp "
    peers+=(--peerAddresses "127.0.0.1:$port" --tlsRootCertFiles "$(tls_root "$trustee" "$msp")")
  done < <(tnctl nodes)
  say "• committing $CHAINCODE sequence $sequence"
  step "commit" "$LOGS/deploy.log" bash -c "$(peer_env "$trustee"); exec '$FABRIC_BIN/peer' lifecycle chaincode commit $(first_orderer "$trustee") ${definition[*]} --collections-config '$(collections_file "$trustee")' ${peers[*]}"

  wait_sequence_everywhere "$sequence" "$LOGS/deploy.log"
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
    peers+=(--peerAddresses "127.0.0.1:$port" --tlsRootCertFiles "$(tls_root "$trustee" "$msp")")
    seen+="$msp "
    count=$((count + 1))
  done < <(tnctl nodes | awk -v t="$trustee" '$1=="peer" && $3==t' && tnctl nodes | awk -v t="$trustee" '$1=="peer" && $3!=t')
  local args
  args=$(jq -cn --arg c "$config" '{Args: ["Admin:Init", $c]}')
  step "Admin:Init" "$LOGS/deploy.log" bash -c "$(peer_env "$trustee"); exec '$FABRIC_BIN/peer' chaincode invoke $(first_orderer "$trustee") -C '$CHANNEL' -n '$CHAINCODE' ${peers[*]} --waitForEvent -c '$args'"
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
    dir=$(org_dir "$msp")/gateway
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
    say "✓ gateway app of $msp on http://127.0.0.1:$port (tokens: $(org_dir "$msp")/gateway/tokens.json)"
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
  for msp in $(tnctl get orgs); do
    local name pid=- address
    name=$(cc_service "$msp")
    address=$(cc_address "$msp")
    [[ -f $(pidfile "$name") ]] && pid=$(<"$(pidfile "$name")")
    if running "$name" "tranchenet-cc"; then
      state=$(port_busy "${address##*:}" && echo OK || echo "not listening")
    else
      state=stopped
    fi
    printf '%-28s %-8s %-10s %s\n' "$name" "$pid" "$state" "$address"
  done
  say ""
  # Heights and Raft roles: a node can answer /healthz and still lag.
  tnctl heights "$RUN" || true
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
  add-org) cmd_add_org "$@" ;;
  down) cmd_down ;;
  clean) cmd_clean ;;
  env)
    [[ $# -eq 1 ]] || fail "usage: network.sh env MSPID"
    load_names
    peer_env "$1"
    echo "export PATH=$FABRIC_BIN:\$PATH"
    ;;
  binaries) fabric_binaries && configtxlator_binary && say "✓ Fabric binaries in $FABRIC_BIN (configtxlator: $FABRIC_TXLATOR_BIN)" ;;
  help | -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) fail "unknown command '$cmd' (try ./network.sh help)" ;;
  esac
}

main "$@"
