#!/usr/bin/env bash
# The onboarding demo on a fresh local sandbox (`make demo`): a whole Resource Directory, many accounts.
#
#  1. starts tests/sandbox/run.py --seed --tls in the background with state in .sandbox/demo (removed
#     first): a management account, member accounts in folders, one member that joined by invitation;
#  2. waits for endpoints.json, sources sandbox.env (credentials of the LOCAL services only), then
#     replaces the root key by the key of the management account's RAM user cloudbroker-automation:
#     the ONE central identity (root cannot AssumeRole);
#  3. lists the accounts with the cloudbroker.alibaba.resource_directory inventory plugin;
#  4. runs playbooks/onboard_directory.yml twice with examples/resource_directory: the invited member
#     gets its access role with its own key first, then every account is onboarded through AssumeRole
#     (one asset account per account, its own UID as account number); the second run must report
#     changed=0 (and failed=0) for every host in the recap;
#  5. runs playbooks/summary.yml;
#  6. stops the sandbox on exit, whatever happened.
#
# Environment: DEMO_STATE_DIR (default .sandbox/demo), DEMO_TIMEOUT seconds to wait for the
# sandbox (default 60), PYTHON (default .venv/bin/python).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

python="${PYTHON:-$repo/.venv/bin/python}"
bin_dir="$(dirname "$python")"
state_dir="${DEMO_STATE_DIR:-$repo/.sandbox/demo}"
timeout="${DEMO_TIMEOUT:-60}"
inventory="examples/resource_directory"
log_dir="$repo/.build/demo"

# Loopback only: the SDK honours HTTP(S)_PROXY and ignores NO_PROXY.
unset HTTP_PROXY http_proxy HTTPS_PROXY https_proxy ALL_PROXY all_proxy
# The collection through the repo link, modules on the venv's Python (see the Makefile).
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$repo/.build/collections}"
export ANSIBLE_PYTHON_INTERPRETER="${ANSIBLE_PYTHON_INTERPRETER:-$python}"
export ANSIBLE_RETRY_FILES_ENABLED=0
link="$ANSIBLE_COLLECTIONS_PATH/ansible_collections/cloudbroker/alibaba"
if [ ! -e "$link" ]; then
    mkdir -p "$(dirname "$link")"
    ln -s "$repo" "$link"
fi

say() { printf '\n=== demo: %s\n' "$*"; }

for required in playbooks/onboard_directory.yml "$inventory"; do
    if [ ! -e "$required" ]; then
        echo "demo: $required is missing" >&2
        exit 1
    fi
done

# --- sandbox ---------------------------------------------------------------------------------
rm -rf "$state_dir"
mkdir -p "$state_dir" "$log_dir"
sandbox_pid=""
stop_sandbox() {
    if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
        kill -TERM "$sandbox_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$sandbox_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
        echo "demo: sandbox (pid $sandbox_pid) stopped"
    fi
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting the sandbox (state in ${state_dir#"$repo"/})"
"$python" tests/sandbox/run.py --state-dir "$state_dir" --seed --tls --quiet >"$state_dir/sandbox.log" 2>&1 &
sandbox_pid=$!

deadline=$((SECONDS + timeout))
until [ -s "$state_dir/endpoints.json" ]; do
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
        echo "demo: the sandbox exited before it was ready:" >&2
        tail -n 40 "$state_dir/sandbox.log" >&2 || true
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "demo: the sandbox was not ready after ${timeout}s:" >&2
        tail -n 40 "$state_dir/sandbox.log" >&2 || true
        exit 1
    fi
    sleep 0.1
done
cat "$state_dir/endpoints.json"; echo
# shellcheck source=/dev/null
source "$state_dir/sandbox.env"
echo "demo: environment from $state_dir/sandbox.env (every account's root key: $state_dir/credentials/)"

# The central identity: the management account's automation user, not the root key of sandbox.env.
central="$("$python" -c 'import json, sys
accounts = json.load(open(sys.argv[1]))
user = next(a for a in accounts if a.get("user_name") == "cloudbroker-automation")
invited = [a for a in accounts if a.get("join_method") == "invited" and not a.get("management")]
print(user["credentials_file"])
print(json.dumps({"rd_member_credentials_files": {a["account_id"]: a["credentials_file"] for a in invited}}))' \
    "$state_dir/accounts.json")"
central_file="$(sed -n 1p <<<"$central")"
member_keys="$(sed -n 2p <<<"$central")"
ALIBABA_CLOUD_ACCESS_KEY_ID="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["access_key_id"])' "$central_file")"
ALIBABA_CLOUD_ACCESS_KEY_SECRET="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["access_key_secret"])' "$central_file")"
export ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
echo "demo: central identity: RAM user cloudbroker-automation of the management account ($central_file)"
echo "demo: the invited member's own key, for its access role only: $member_keys"

say "the Resource Directory, as the inventory plugin sees it"
"$bin_dir/ansible-inventory" -i "$inventory" --graph

# --- playbooks -------------------------------------------------------------------------------
# run_playbook NAME LOG [ansible-playbook args...]: runs, shows and keeps the output.
run_playbook() {
    local name="$1" log="$2"
    shift 2
    say "$name"
    local rc=0
    "$bin_dir/ansible-playbook" -i "$inventory" "$@" 2>&1 | tee "$log" || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "demo: $name failed (rc=$rc); output in $log" >&2
        exit "$rc"
    fi
}

# recap_check LOG: every host in the PLAY RECAP of LOG has changed=0 and failed=0.
recap_check() {
    sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '
        /^PLAY RECAP/ { recap = 1; next }
        recap && /:/ && /changed=/ {
            hosts++
            for (i = 1; i <= NF; i++) {
                split($i, kv, "=")
                if ((kv[1] == "changed" || kv[1] == "failed" || kv[1] == "unreachable") && kv[2] != 0) {
                    print "demo: not idempotent: " $0 > "/dev/stderr"; bad = 1
                }
            }
        }
        END {
            if (!hosts) { print "demo: no PLAY RECAP found" > "/dev/stderr"; exit 1 }
            exit bad
        }'
}

run_playbook "onboard_directory.yml, first run" "$log_dir/onboard-1.log" playbooks/onboard_directory.yml \
    -e "$member_keys"
run_playbook "onboard_directory.yml, second run (must change nothing)" "$log_dir/onboard-2.log" \
    playbooks/onboard_directory.yml -e "$member_keys"
if ! recap_check "$log_dir/onboard-2.log"; then
    echo "demo: the second run of onboard_directory.yml changed something; output in $log_dir/onboard-2.log" >&2
    exit 1
fi
echo "demo: second run changed nothing"

if [ -e playbooks/summary.yml ]; then
    run_playbook "summary.yml" "$log_dir/summary.log" playbooks/summary.yml
fi

say "done: every account of the directory onboarded through AssumeRole from one central identity; the second run reported changed=0"
