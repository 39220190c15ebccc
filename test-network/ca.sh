# shellcheck shell=bash
# Sourced by network.sh: every org's Fabric CA (hyperledger/fabric-ca
# v1.5.15, built from the module source like Fabric) and the identities it
# issues at the first `up`, into the org's own folder (org_dir; the whole
# layout is in network/consortium/runfolder.go):
#
#   orgs/<MSPID>/
#     ca-server/             the CA's home: its key, certificate and database (kept across down/up)
#     ca-client/             the CA's bootstrap admin's enrollment (signs registrations)
#     msp/                   the org's channel MSP: cacerts/ca.pem, tlscacerts/ca.pem, config.yaml (NodeOUs)
#     peers|orderers/<host>/ msp/ (enrollment) and tls/{ca.crt,server.crt,server.key}
#     users/<Name>@<domain>/ msp/ and, for Admin, tls/{ca.crt,client.crt,client.key}
#
# One CA per org with a "tls" signing profile, not a separate TLS CA: the
# profile gives TLS certificates the server/client-auth key usages, a second
# server per org would add a process and a port to every bank for no gain on
# one machine, and a bank that wants a separate TLS root points its
# tlscacerts at it (the Helm values of issue 12 part 5 can).
#
# Identities: the org's peers or orderers (type peer/orderer), Admin (type
# admin, the NodeOU the channel's admin policies read), Registrar (type
# client, hf.Registrar.Roles=client, hf.Registrar.Attributes=tranchenet.role,
# hf.Revoker: what the gateway's onboarding uses, never the CA's bootstrap
# admin) and User1..UserN (type client, each with its fixed roles as the
# tranchenet.role attribute: see issue_org_identities).
# Issued once: a marker file records it, and `up` after `down` restarts the
# CAs on the same keys and database without enrolling anything again.

FABRIC_CA_MODULE=github.com/hyperledger/fabric-ca
FABRIC_CA_VERSION=v1.5.15
FABRIC_CA_TOOLS=(fabric-ca-server fabric-ca-client)
FABRIC_CA_BIN=$CACHE/fabric-ca-$FABRIC_CA_VERSION/bin

# fabric_ca_binaries builds the CA server and client into the cache, once.
fabric_ca_binaries() {
  build_module_binaries "$FABRIC_CA_MODULE" "$FABRIC_CA_VERSION" "$FABRIC_CA_BIN" "${FABRIC_CA_TOOLS[@]}"
}


# start_cas starts every org's CA server (initialising it on first start)
# and waits until each answers its health check.
start_cas() {
  local kind name msp domain port _ ops org orgkind users
  while read -r kind name msp domain port _ ops org orgkind users; do
    [[ $kind == ca ]] || continue
    local home host=ca.$domain
    home=$(org_dir "$msp")/ca-server
    mkdir -p "$home"
    if [[ ! -f $home/bootstrap-admin ]]; then
      (umask 077 && printf 'admin:%s\n' "$(openssl rand -hex 16)" >"$home/bootstrap-admin")
    fi
    # The server reads its settings from flags only (no config file edits):
    # TLS with a certificate the CA issues itself for 127.0.0.1/localhost,
    # and its own operations port (the default 9443 would collide).
    start_node "$host" "$home" "$port $ops" "$FABRIC_CA_BIN/fabric-ca-server" start \
      -b "$(<"$home/bootstrap-admin")" --home "$home" --port "$port" --address 127.0.0.1 \
      --ca.name "ca-$org" --csr.cn "$host" --csr.hosts "$host,localhost,127.0.0.1" \
      --tls.enabled --operations.listenaddress "127.0.0.1:$ops" --metrics.provider disabled
  done < <(tnctl nodes)
  while read -r kind name msp domain port _ ops rest; do
    [[ $kind == ca ]] || continue
    wait_healthy "ca.$domain" "$ops"
  done < <(tnctl nodes)
}

# ca_client ORGDIR ARGS... runs fabric-ca-client against the org's CA over
# TLS; register runs as the bootstrap admin enrolled in ORGDIR/ca-client.
ca_client() {
  local orgdir=$1
  shift
  env -i PATH="$PATH" HOME="$HOME" FABRIC_CA_CLIENT_HOME="$orgdir/ca-client" \
    "$FABRIC_CA_BIN/fabric-ca-client" "$@" --tls.certfiles "$orgdir/ca-server/ca-cert.pem"
}

# normalize_msp MSPDIR CACERT rewrites an enrolled MSP folder into the
# cryptogen layout: the CA certificate as cacerts/ca.pem and tlscacerts/ca.pem
# and a NodeOUs config.yaml pointing at it.
normalize_msp() {
  local msp=$1 cacert=$2
  rm -rf "$msp/cacerts" "$msp/tlscacerts" "$msp/intermediatecerts"
  mkdir -p "$msp/cacerts" "$msp/tlscacerts"
  cp "$cacert" "$msp/cacerts/ca.pem"
  cp "$cacert" "$msp/tlscacerts/ca.pem"
  local ou
  {
    echo "NodeOUs:"
    echo "  Enable: true"
    for ou in Client Peer Admin Orderer; do
      echo "  ${ou}OUIdentifier:"
      echo "    Certificate: cacerts/ca.pem"
      echo "    OrganizationalUnitIdentifier: ${ou,,}"
    done
  } >"$msp/config.yaml"
}

# enroll_identity ORGDIR PORT CANAME NAME SECRET DIR TLSNAME
# enrolls NAME's MSP into DIR/msp and, when TLSNAME is server or client,
# a TLS certificate from the tls profile into DIR/tls/TLSNAME.{crt,key}.
enroll_identity() {
  local orgdir=$1 port=$2 caname=$3 name=$4 secret=$5 dir=$6 tls=$7 host=${8:-}
  local cacert=$orgdir/ca-server/ca-cert.pem
  ca_client "$orgdir" enroll --caname "$caname" -u "https://$name:$secret@127.0.0.1:$port" \
    -M "$dir/msp" ${host:+--csr.hosts "$host,localhost,127.0.0.1"} || return 1
  normalize_msp "$dir/msp" "$cacert"
  rm -rf "$dir/msp/user" "$dir/msp/IssuerPublicKey" "$dir/msp/IssuerRevocationPublicKey"
  [[ $tls == none ]] && return 0
  local tmp=$dir/tls.enroll
  ca_client "$orgdir" enroll --caname "$caname" -u "https://$name:$secret@127.0.0.1:$port" \
    -M "$tmp" --enrollment.profile tls --csr.hosts "${host:-$name},localhost,127.0.0.1" || return 1
  mkdir -p "$dir/tls"
  cp "$cacert" "$dir/tls/ca.crt"
  cp "$tmp/signcerts/cert.pem" "$dir/tls/$tls.crt"
  cp "$tmp"/keystore/*_sk "$dir/tls/$tls.key"
  chmod 600 "$dir/tls/$tls.key"
  rm -rf "$tmp"
}

# issue_org_identities MSPID KIND DOMAIN ORG PORT USERS NODES...: registers
# and enrolls every identity of one org (see the header), once.
issue_org_identities() {
  local msp=$1 orgkind=$2 domain=$3 org=$4 port=$5 users=$6
  shift 6
  local orgdir caname=ca-$org
  orgdir=$(org_dir "$msp")
  [[ -f $orgdir/.issued ]] && return 0
  say "• $caname issues the identities of $org (Fabric CA)"
  local log=$LOGS/ca-issue-$org.log
  local bootstrap
  bootstrap=$(<"$orgdir/ca-server/bootstrap-admin")
  # The CA's bootstrap admin signs the registrations; its MSP stays in
  # ca-client/ beside the server, never in a node's or the gateway's folder.
  step "enroll bootstrap admin of $caname" "$log" ca_client "$orgdir" enroll --caname "$caname" \
    -u "https://$bootstrap@127.0.0.1:$port"
  normalize_msp "$orgdir/msp" "$orgdir/ca-server/ca-cert.pem"

  # register NAME TYPE [ATTRS]: a fresh random secret per identity, used
  # once for enrollment and kept nowhere else.
  local secret
  register() {
    secret=$(openssl rand -hex 12)
    step "register $1 at $caname" "$log" ca_client "$orgdir" register --caname "$caname" -u "https://127.0.0.1:$port" \
      --id.name "$1" --id.secret "$secret" --id.type "$2" ${3:+--id.attrs "$3"}
  }
  local node kindfolder=peers
  [[ $orgkind == orderer ]] && kindfolder=orderers
  for node in "$@"; do
    local host=$node.$domain
    register "$host" "$orgkind"
    step "enroll $host" "$log" enroll_identity "$orgdir" "$port" "$caname" "$host" "$secret" \
      "$orgdir/$kindfolder/$host" server "$host"
  done
  register "Admin@$domain" admin
  step "enroll Admin@$domain" "$log" enroll_identity "$orgdir" "$port" "$caname" "Admin@$domain" "$secret" \
    "$orgdir/users/Admin@$domain" client
  if [[ $orgkind == peer ]]; then
    register "Registrar@$domain" client \
      'hf.Registrar.Roles=client,hf.Registrar.Attributes=tranchenet.role,hf.Revoker=true,hf.GenCRL=true'
    step "enroll Registrar@$domain" "$log" enroll_identity "$orgdir" "$port" "$caname" "Registrar@$domain" "$secret" \
      "$orgdir/users/Registrar@$domain" none
    # Each User identity carries its fixed roles (the API users its gateway
    # config maps to it: trustee, servicer, compliance officer, ...) as the
    # tranchenet.role attribute in its enrollment certificate (:ecert); the
    # chaincode counts it as held, within what the org may hold. Quoted, as
    # a value may list several roles with commas.
    local -A role_of=()
    local id value i
    while read -r id value; do role_of[$id]=$value; done < <(tnctl identity-roles "$msp")
    for ((i = 1; i <= users; i++)); do
      register "User$i@$domain" client ${role_of[User$i]:+"\"tranchenet.role=${role_of[User$i]}:ecert\""}
      step "enroll User$i@$domain" "$log" enroll_identity "$orgdir" "$port" "$caname" "User$i@$domain" "$secret" \
        "$orgdir/users/User$i@$domain" none
    done
  fi
  touch "$orgdir/.issued"
}

# issue_identities has every CA issue its org's identities (first up only),
# the orgs in parallel: each enrollment is a round trip to a CA and a key
# generation, and the CAs are independent.
issue_identities() {
  local kind name msp domain port _ ops org orgkind users nodes pids=() orgs=()
  while read -r kind name msp domain port _ ops org orgkind users; do
    [[ $kind == ca ]] || continue
    # shellcheck disable=SC2207
    nodes=($(tnctl nodes | awk -v d="$domain" -v k="$orgkind" '$1==k && $4==d {print $2}'))
    issue_org_identities "$msp" "$orgkind" "$domain" "$org" "$port" "$users" "${nodes[@]}" &
    pids+=($!)
    orgs+=("$org")
  done < <(tnctl nodes)
  local i failed=()
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${orgs[$i]}")
  done
  ((${#failed[@]} == 0)) || fail "the CA of ${failed[*]} could not issue its identities (logs: $LOGS/ca-issue-*.log)"
}
