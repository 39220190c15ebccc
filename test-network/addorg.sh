# shellcheck shell=bash
# Sourced by network.sh: `network.sh add-org NAME [--sign-as "MSP..."]` lets
# a candidate bank of the consortium file (consortium.yaml `candidates:`)
# join the running consortium, the way a Fabric consortium admits a member:
#
#   1. its Fabric CA starts and issues its peers', admin's and users'
#      identities (ca.sh, as at up);
#   2. the channel config update: the current config is fetched from the
#      orderer (peer channel fetch config), the bank's application group
#      (MSP, policies, anchor peers) is added and the governance policies
#      (Admins, LifecycleEndorsement, Endorsement: the trustee AND a
#      majority) are rewritten for the larger consortium, configtxlator
#      computes the update, and exactly the admins the channel's Admins
#      policy needs sign it (the trustee and enough banks for a majority;
#      the last of them submits);
#   3. its peers start and join the channel;
#   4. the collection config is generated again (a registry<MSP> for the
#      bank) and the chaincode definition moves to the next sequence: the
#      bank packages the code the others run with its own chaincode
#      service's address, installs it on its own peers and starts that
#      service; the banks the lifecycle policy needs approve (the new bank
#      among them), each with its own package, and commit, then the other
#      banks approve the committed definition so their peers keep
#      endorsing;
#   5. the chaincode's consortium config learns the bank through
#      Admin:ProposeConfig (the trustee's admin) and Admin:ApproveConfig
#      (enough other admins for a majority);
#   6. if the banks' gateway apps run, the new bank's starts too.
#
# The consortium the network runs from then on is written to
# $RUN/consortium.yaml (network.sh prefers it to the consortium file), so
# down/up, status, env and deploy know the bank. Each step checks whether it
# is already done, so a failed add-org can be run again.
#
# Paths: each org acts in its own folder (org_dir): the orderer org renders
# the channel as it will be from the public MSPs it was handed, the trustee's
# admin builds the update in its folder, each signer signs its own copy. The
# script's own bookkeeping (the consortium before and after) is in
# addorg_dir.

# The configtxlator of the same Fabric commit, in a folder of its own in
# the cache: adding it to FABRIC_TOOLS would rebuild every binary for every
# network already cached.
FABRIC_TXLATOR_BIN=$CACHE/fabric-$FABRIC_VERSION/configtxlator-bin

configtxlator_binary() {
  build_module_binaries "$FABRIC_MODULE" "$FABRIC_VERSION" "$FABRIC_TXLATOR_BIN" configtxlator
}

txlator() { "$FABRIC_TXLATOR_BIN/configtxlator" "$@"; }

addorg_dir() { echo "$RUN/addorg/$1"; }               # NAME: the script's bookkeeping
org_addorg_dir() { echo "$(org_dir "$1")/addorg/$2"; } # MSPID NAME: that org's part of the work

# run_as_admin MSP LOG STEPNAME CMD... runs a peer CLI command as MSP's admin
# against its first peer, logged as a named step.
run_as_admin() {
  local msp=$1 log=$2 name=$3
  shift 3
  step "$name" "$log" bash -c "$(peer_env "$msp"); exec $(printf '%q ' "$@")"
}

# fetch_channel_config OUTJSON decodes the channel's current config block.
fetch_channel_config() {
  local out=$1 log=$2 tmp
  tmp=$(mktemp -d)
  local trustee
  trustee=$(tnctl get trustee)
  # shellcheck disable=SC2207
  local orderer=($(first_orderer "$trustee"))
  run_as_admin "$trustee" "$log" "peer channel fetch config" \
    "$FABRIC_BIN/peer" channel fetch config "$tmp/config.block" -c "$CHANNEL" "${orderer[@]}"
  step "decode the config block" "$log" txlator proto_decode --input "$tmp/config.block" --type common.Block --output "$tmp/block.json"
  jq '.data.data[0].payload.data.config' "$tmp/block.json" >"$out"
  rm -rf "$tmp"
}

# channel_has_org NAME LOG succeeds when the channel's application has the group.
channel_has_org() {
  local name=$1 log=$2 tmp rc=0
  tmp=$(mktemp)
  fetch_channel_config "$tmp" "$log"
  jq -e --arg org "$name" '.channel_group.groups.Application.groups | has($org)' "$tmp" >/dev/null || rc=1
  rm -f "$tmp"
  return $rc
}

# render_target_config NAME ADMITTED LOG has the orderer org render the
# channel as it will be with bank NAME (configtxgen, from its own MSP and
# orderers and the public MSPs the banks handed it, Org4's included, in
# the layout of its config/ folder) and prints the decoded config's path.
render_target_config() {
  local name=$1 admitted=$2 log=$3 odir work
  odir=$(org_dir "$(tnctl get orderer-msp)")
  work=$(org_addorg_dir "$(tnctl get orderer-msp)" "$name")
  mkdir -p "$work/config"
  local d
  for d in msp orderers public; do ln -sfn "$odir/$d" "$work/$d"; done
  "$BIN/tnctl" -consortium "$admitted" render "$work/config"
  step "configtxgen (the channel as it will be)" "$log" "$FABRIC_BIN/configtxgen" -configPath "$work/config" \
    -profile "$(tnctl get profile)" -channelID "$CHANNEL" -outputBlock "$work/target.block"
  step "decode the target config" "$log" txlator proto_decode --input "$work/target.block" --type common.Block --output "$work/target-block.json"
  jq '.data.data[0].payload.data.config' "$work/target-block.json" >"$work/target.json"
  echo "$work/target.json"
}

# build_channel_update NAME ADMITTED WORK LOG writes WORK/update-envelope.pb
# (WORK: the trustee's folder): the config update that adds bank NAME's
# group and rewrites the governance policies for the consortium in
# ADMITTED. The new group and policies are taken from the config the
# orderer org renders for ADMITTED, so they are exactly what `up` would
# have made with the bank in the channel from the start.
build_channel_update() {
  local name=$1 admitted=$2 work=$3 log=$4 target
  mkdir -p "$work"
  target=$(render_target_config "$name" "$admitted" "$log")
  cp "$target" "$work/target.json"
  fetch_channel_config "$work/current.json" "$log"
  jq --slurpfile t "$work/target.json" --arg org "$name" '
    .channel_group.groups.Application.groups[$org] = $t[0].channel_group.groups.Application.groups[$org]
    | reduce ("Admins", "LifecycleEndorsement", "Endorsement") as $p (.;
        .channel_group.groups.Application.policies[$p].policy = $t[0].channel_group.groups.Application.policies[$p].policy)
  ' "$work/current.json" >"$work/modified.json"
  step "encode the current config" "$log" txlator proto_encode --input "$work/current.json" --type common.Config --output "$work/current.pb"
  step "encode the modified config" "$log" txlator proto_encode --input "$work/modified.json" --type common.Config --output "$work/modified.pb"
  step "configtxlator compute_update" "$log" txlator compute_update --channel_id "$CHANNEL" \
    --original "$work/current.pb" --updated "$work/modified.pb" --output "$work/update.pb"
  step "decode the update" "$log" txlator proto_decode --input "$work/update.pb" --type common.ConfigUpdate --output "$work/update.json"
  jq -n --arg ch "$CHANNEL" --slurpfile u "$work/update.json" \
    '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: $u[0]}}}' >"$work/update-envelope.json"
  step "encode the update envelope" "$log" txlator proto_encode --input "$work/update-envelope.json" --type common.Envelope --output "$work/update-envelope.pb"
}

# sign_and_submit_update NAME FILE LOG MSP... passes the update from bank
# to bank: every MSP's admin but the last signs its own copy (peer channel
# signconfigtx) and hands it on, and the last submits it (peer channel
# update adds the submitter's signature).
sign_and_submit_update() {
  local name=$1 file=$2 log=$3
  shift 3
  local signers=("$@") i copy
  for ((i = 0; i < ${#signers[@]}; i++)); do
    copy=$(org_addorg_dir "${signers[$i]}" "$name")/update-signed.pb
    mkdir -p "$(dirname "$copy")"
    [[ $file == "$copy" ]] || cp "$file" "$copy"
    file=$copy
    ((i < ${#signers[@]} - 1)) || break
    say "• the admin of ${signers[$i]} signs the channel update"
    run_as_admin "${signers[$i]}" "$log" "signconfigtx (${signers[$i]})" "$FABRIC_BIN/peer" channel signconfigtx -f "$file"
  done
  local last=${signers[${#signers[@]} - 1]}
  # shellcheck disable=SC2207
  local orderer=($(first_orderer "$last"))
  say "• the admin of $last signs and submits the channel update"
  run_as_admin "$last" "$log" "channel update (signed by ${signers[*]})" \
    "$FABRIC_BIN/peer" channel update -f "$file" -c "$CHANNEL" "${orderer[@]}"
}

# endorser_flags VIEWER "MSP..." prints --peerAddresses/--tlsRootCertFiles
# for the first peer of each MSP, trusted through the TLS roots VIEWER holds.
endorser_flags() {
  local viewer=$1 msps=$2 kind name msp domain port rest seen=" "
  while read -r kind name msp domain port rest; do
    [[ $kind == peer && " $msps " == *" $msp "* && $seen != *" $msp "* ]] || continue
    seen+="$msp "
    printf '%s\n' --peerAddresses "127.0.0.1:$port" --tlsRootCertFiles "$(tls_root "$viewer" "$msp")"
  done < <(tnctl nodes)
}

# wait_channel_has_org NAME waits until the trustee's peer has the config
# block that adds the bank.
wait_channel_has_org() {
  local name=$1 log=$2 i
  for ((i = 0; i < 60; i++)); do
    channel_has_org "$name" "$log" && return 0
    sleep 0.5
  done
  fail "channel $CHANNEL does not list $name 30 s after the update (log: $log)"
}

# upgrade_for_new_org MSP LOG moves the chaincode definition to the next
# sequence with the collection config of the consortium in force (which
# now has a registry for MSP): MSP packages the code the others run (same
# label) with its own service's address, installs it on its peers and
# starts its own chaincode service; the banks of the lifecycle policy's
# quorum approve, each with its own package (MSP among them), the trustee
# commits with their peers, and the other banks approve the committed
# definition afterwards so their peers keep endorsing.
upgrade_for_new_org() {
  local newmsp=$1 log=$2
  local trustee trustee_id label
  trustee=$(tnctl get trustee)
  [[ -f $(cc_dir "$trustee")/package-id ]] || fail "no chaincode deployed: run ./network.sh deploy first"
  trustee_id=$(<"$(cc_dir "$trustee")/package-id")
  label=${trustee_id%%:*}
  local committed version sequence
  committed=$(as_admin "$trustee" "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" -O json 2>>"$log") ||
    fail "no committed definition of $CHAINCODE: run ./network.sh deploy first (log: $log)"
  version=$(jq -r .version <<<"$committed")
  sequence=$(jq -r .sequence <<<"$committed")
  if jq -e --arg c "$(registry_collection "$newmsp")" '[.collections.config[]?.Payload.StaticCollectionConfig.name] | index($c) != null' <<<"$committed" >/dev/null; then
    say "• $CHAINCODE sequence $sequence already has $(registry_collection "$newmsp")"
  else
    local pkg package_id
    write_collections
    mkdir -p "$(cc_dir "$newmsp")"
    ln -f "$BIN/tranchenet-cc" "$(cc_dir "$newmsp")/tranchenet-cc" 2>/dev/null || cp -f "$BIN/tranchenet-cc" "$(cc_dir "$newmsp")/tranchenet-cc"
    pkg=$(cc_dir "$newmsp")/$label.tar.gz
    package_chaincode "$label" "$pkg" "$(cc_address "$newmsp")"
    package_id=$(as_admin "$newmsp" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$pkg" 2>>"$log") ||
      fail "peer lifecycle chaincode calculatepackageid failed for $newmsp (log: $log)"
    local kind name msp domain rest
    while read -r kind name msp domain rest; do
      [[ $kind == peer && $msp == "$newmsp" ]] || continue
      if (eval "$(peer_env "$msp" "$name")" && "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$package_id"); then
        continue
      fi
      say "• installing $newmsp's package of $label on $name.$domain"
      step "install on $name.$domain" "$log" bash -c "$(peer_env "$msp" "$name"); exec '$FABRIC_BIN/peer' lifecycle chaincode install '$pkg'"
    done < <(tnctl nodes)
    say "• starting $newmsp's chaincode service on $(cc_address "$newmsp")"
    running "$(cc_service "$newmsp")" "tranchenet-cc" || start_chaincode_service "$newmsp" "$package_id"
    sequence=$((sequence + 1))
    local definition=(-C "$CHANNEL" -n "$CHAINCODE" -v "$version" --sequence "$sequence"
      --channel-config-policy /Channel/Application/Endorsement)
    local quorum
    read -r -a quorum <<<"$(tnctl get "quorum:$newmsp")"
    approve_definition "$log" "${quorum[*]}" "${definition[@]}"
    wait_commit_ready "$newmsp" "$log" "${quorum[*]}" "${definition[@]}" --collections-config "$(collections_file "$newmsp")"
    local peers orderer
    mapfile -t peers < <(endorser_flags "$trustee" "${quorum[*]}")
    # shellcheck disable=SC2207
    orderer=($(first_orderer "$trustee"))
    say "• committing $CHAINCODE sequence $sequence, endorsed by ${quorum[*]}"
    run_as_admin "$trustee" "$log" "commit sequence $sequence" "$FABRIC_BIN/peer" lifecycle chaincode commit \
      "${orderer[@]}" "${definition[@]}" --collections-config "$(collections_file "$trustee")" "${peers[@]}"
    local others=() m
    for m in $(tnctl get orgs); do
      [[ " ${quorum[*]} " == *" $m "* ]] || others+=("$m")
    done
    ((${#others[@]} == 0)) || approve_definition "$log" "${others[*]}" "${definition[@]}"
  fi
  wait_sequence_everywhere "$sequence" "$log"
}

registry_collection() { echo "registry$1"; }

# approve_definition LOG "MSP..." DEFINITION... approves as each MSP, with
# its own copy of the collection config and the package its own chaincode
# service runs.
approve_definition() {
  local log=$1 msps=$2 msp orderer
  shift 2
  for msp in $msps; do
    say "• $msp approves $CHAINCODE with the new collection config"
    # shellcheck disable=SC2207
    orderer=($(first_orderer "$msp"))
    run_as_admin "$msp" "$log" "approve ($msp)" "$FABRIC_BIN/peer" lifecycle chaincode approveformyorg "${orderer[@]}" "$@" \
      --collections-config "$(collections_file "$msp")" --package-id "$(<"$(cc_dir "$msp")/package-id")"
  done
}

# wait_commit_ready PEERMSP LOG "MSP..." DEFINITION... waits until PEERMSP's
# peer (a new bank's peer may still be catching up) sees every approval.
wait_commit_ready() {
  local at=$1 log=$2 msps=$3
  shift 3
  local i out ok msp
  for ((i = 0; i < 120; i++)); do
    out=$(as_admin "$at" "$FABRIC_BIN/peer" lifecycle chaincode checkcommitreadiness "$@" -O json 2>>"$log" || true)
    ok=1
    for msp in $msps; do
      [[ $(jq -r --arg m "$msp" '.approvals[$m] // false' <<<"${out:-{\}}" 2>/dev/null) == true ]] || ok=0
    done
    ((ok)) && return 0
    sleep 0.5
  done
  fail "the approvals of $msps did not reach $at's peer within 60 s (log: $log)"
}

# chaincode_learns_org MSP LOG records the consortium in force (with MSP) as
# the chaincode's configuration: the trustee's admin proposes it, and
# enough other admins approve for a majority of the banks it had before.
chaincode_learns_org() {
  local newmsp=$1 log=$2 trustee
  trustee=$(tnctl get trustee)
  if as_admin "$trustee" "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE" -c '{"Args":["Admin:Config"]}' 2>>"$log" |
    jq -e --arg m "$newmsp" '.orgs | any(.msp == $m)' >/dev/null; then
    say "• the chaincode's consortium config already has $newmsp"
    return 0
  fi
  # Endorsers: the quorum of the consortium in force, members before the
  # new bank, so both the channel's Endorsement policy (now with the new
  # bank) and the configuration key's policy (the banks before it) are met.
  local quorum
  quorum=$(tnctl get quorum)
  local args out hash
  args=$(jq -cn --arg c "$(tnctl get chaincode-config)" '{Args: ["Admin:ProposeConfig", $c]}')
  say "• $trustee proposes the consortium config with $newmsp (Admin:ProposeConfig)"
  out=$(as_admin "$trustee" "$FABRIC_BIN/peer" $(invoke_flags "$trustee" "$quorum") -c "$args" 2>&1) ||
    { printf '%s\n' "$out" >>"$log"; fail "Admin:ProposeConfig failed (log: $log)"; }
  printf '%s\n' "$out" >>"$log"
  # The CLI prints the answer (schema.ProposalStatus) as an escaped string.
  hash=$(grep -o 'hash[\\"]*:[\\"]*[0-9a-f]\{64\}' <<<"$out" | grep -o '[0-9a-f]\{64\}$' | head -1) ||
    fail "Admin:ProposeConfig printed no proposal hash (log: $log)"
  # The banks before the new one decide; the quorum of the old consortium
  # without the trustee (who proposed) approves.
  local before m
  read -r -a before <<<"$(tnctl_before get quorum)"
  for m in "${before[@]}"; do
    [[ $m == "$trustee" ]] && continue
    say "• $m approves the consortium config (Admin:ApproveConfig)"
    # shellcheck disable=SC2046
    run_as_admin "$m" "$log" "Admin:ApproveConfig ($m)" "$FABRIC_BIN/peer" $(invoke_flags "$m" "$quorum") \
      -c "$(jq -cn --arg h "$hash" '{Args: ["Admin:ApproveConfig", $h]}')"
  done
  as_admin "$trustee" "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE" -c '{"Args":["Admin:Config"]}' 2>>"$log" |
    jq -e --arg m "$newmsp" '.orgs | any(.msp == $m)' >/dev/null ||
    fail "the chaincode's consortium config does not list $newmsp after the approvals (log: $log)"
}

# invoke_flags VIEWER "MSP..." prints the peer CLI's `chaincode invoke`
# arguments as VIEWER's admin, endorsed by the first peer of each MSP.
# (Paths and names have no spaces: the caller splits the output on words.)
invoke_flags() {
  echo chaincode invoke $(first_orderer "$1") -C "$CHANNEL" -n "$CHAINCODE" $(endorser_flags "$1" "$2") --waitForEvent
}

# tnctl_before runs tnctl on the consortium as it was before the bank joined.
tnctl_before() { "$BIN/tnctl" -consortium "$ADDORG_BEFORE" "$@"; }

cmd_add_org() {
  local name= sign_as=
  while (($#)); do
    case $1 in
    --sign-as) sign_as=$2; shift 2 ;;
    -*) fail "add-org: unknown option $1" ;;
    *) [[ -z $name ]] || fail "usage: network.sh add-org NAME [--sign-as 'MSP...']"; name=$1; shift ;;
    esac
  done
  [[ -n $name ]] || fail "usage: network.sh add-org NAME [--sign-as 'MSP...']"
  local t0=$SECONDS
  [[ -x $BIN/tnctl ]] || fail "the network is not up: run ./network.sh up first"
  project_tools
  load_names
  running "$(tnctl nodes | awk '$1=="peer"{print $2"."$4; exit}')" || fail "the network is not up: run ./network.sh up first"
  fabric_binaries
  configtxlator_binary
  local work log=$LOGS/add-org-$name.log newmsp
  work=$(addorg_dir "$name")
  mkdir -p "$work"
  newmsp=$(tnctl get "msp:$name")

  # The consortium before and after: a re-run after the update finds the
  # bank already in the consortium the run folder keeps.
  ADDORG_BEFORE=$work/consortium-before.yaml
  if tnctl get orgs | grep -qw -- "$newmsp"; then
    [[ -f $ADDORG_BEFORE ]] || fail "$name is a member of the consortium already (not added by add-org)"
    cp "$CONSORTIUM" "$work/consortium.yaml"
  else
    "$BIN/tnctl" -consortium "$CONSORTIUM" admit "$name" "$work/consortium.yaml" || fail "add-org: cannot admit $name"
    cp "$CONSORTIUM" "$ADDORG_BEFORE"
  fi

  # 1. Its CA and identities (start_cas and issue_identities skip what runs
  #    or is issued already).
  say "• $name's certificate authority issues its identities"
  CONSORTIUM=$work/consortium.yaml
  start_cas
  issue_identities
  # The banks, the orderer org and the new bank exchange public MSPs; the
  # new bank gets the channel's genesis block its peers join with.
  publish_public_msps
  mkdir -p "$(org_dir "$newmsp")/channel"
  cp -n "$(org_dir "$(tnctl get orderer-msp)")/channel/$CHANNEL.block" "$(org_dir "$newmsp")/channel/" 2>/dev/null || true

  # 2. The channel config update, signed as the Admins policy in force needs.
  CONSORTIUM=$ADDORG_BEFORE
  if channel_has_org "$name" "$log"; then
    say "• channel $CHANNEL already has $name"
  else
    say "• building the channel config update that adds $name (configtxlator)"
    build_channel_update "$name" "$work/consortium.yaml" "$(org_addorg_dir "$(tnctl get trustee)" "$name")" "$log"
    local signers
    if [[ -n $sign_as ]]; then
      read -r -a signers <<<"$sign_as"
    else
      read -r -a signers <<<"$(tnctl get quorum)"
    fi
    sign_and_submit_update "$name" "$(org_addorg_dir "$(tnctl get trustee)" "$name")/update-envelope.pb" "$log" "${signers[@]}"
    wait_channel_has_org "$name" "$log"
  fi
  # From here on the network runs the consortium with the bank.
  cp "$work/consortium.yaml" "$RUN/consortium.yaml"
  CONSORTIUM=$RUN/consortium.yaml
  tnctl profiles "$RUN"

  # 3. Its peers start and join.
  say "• $name's peers start and join $CHANNEL"
  start_peers
  wait_all_healthy
  join_peers
  wait_gossip

  # 4. The next chaincode definition, with a registry for the bank.
  upgrade_for_new_org "$newmsp" "$log"

  # 5. The chaincode's consortium config.
  chaincode_learns_org "$newmsp" "$log"

  # 6. Its gateway app, when the banks' apps run.
  local msp any=0
  for msp in $(tnctl get orgs); do running "gateway-$msp" "gateway-app" && any=1; done
  if ((any)); then
    cmd_gateways
  else
    say "  (the gateway apps are not running: ./network.sh gateways starts every bank's, $name's included)"
  fi
  say "✓ $name ($newmsp) joined channel $CHANNEL in $((SECONDS - t0)) s"
}
