#!/usr/bin/env bash
# ansible-test sanity, offline, on a copy of the collection (called by `make sanity`).
#
#   scripts/sanity.sh [ansible-test sanity options...]      e.g. scripts/sanity.sh --test pep8
#
# Environment:
#   ANSIBLE_TEST   the ansible-test to run            (default: .venv/bin/ansible-test)
#   SANITY_SRC     the collection to test             (default: this repository)
#   SANITY_ROOT    where the copy goes                (default: .build/sanity)
#   SANITY_PYTHON  Python version to test with        (default: 3.11)
#   SANITY_JUNIT_DIR  when set: run with --junit and copy the JUnit reports (one per sanity test) there
#
# Why a copy: ansible-test must run from a directory whose real path ends in
# ansible_collections/<namespace>/<name>; a symlink to the repository is resolved and rejected.
# Why the stand-in: ansible-test bootstraps pip into each sanity venv with a script it downloads
# from ci-files.testing.ansible.com (unreachable); it uses a cached copy when there is one.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$(cd "${SANITY_SRC:-$repo}" && pwd)"
root="${SANITY_ROOT:-$repo/.build/sanity}"
python_version="${SANITY_PYTHON:-3.11}"
ansible_test="${ANSIBLE_TEST:-$repo/.venv/bin/ansible-test}"

read -r namespace name < <(python3 - "$src/galaxy.yml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
field = lambda key: re.search(r"^%s:\s*['\"]?([\w]+)" % key, text, re.M).group(1)
print(field("namespace"), field("name"))
PY
)
dest="$root/ansible_collections/$namespace/$name"

# This collection ignores no sanity finding: tests/sanity/ignore-*.txt may hold comments only.
entries="$(cat "$src"/tests/sanity/ignore-*.txt 2>/dev/null | grep -vE '^[[:space:]]*(#|$)' || true)"
if [ -n "$entries" ]; then
    echo "sanity: tests/sanity/ignore-*.txt must stay empty; fix the finding instead of ignoring it:" >&2
    echo "$entries" >&2
    exit 1
fi

# The pip version ansible-test bootstraps is in its own code: ask it, so an ansible-core update
# cannot silently make it look for a different cache file (and download again).
ansible_test_python="$(dirname "$ansible_test")/python"
pip_version="$("$ansible_test_python" - "$python_version" <<'PY'
import sys
from ansible_test._internal.python_requirements import get_venv_packages
class _Python:
    version = sys.argv[1]
print(get_venv_packages(_Python())["pip"])
PY
)"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
if ! cmp -s "$repo/scripts/get_pip_standin.py" "$cache"; then
    cp "$repo/scripts/get_pip_standin.py" "$cache"
    echo "sanity: installed the offline pip bootstrap stand-in at $cache"
fi

python3 "$repo/scripts/sync_collection.py" "$src" "$dest"
# ansible-test lists the files to test through the nearest enclosing git repository. Under .build
# that would be this repository, which ignores .build ("All targets skipped"): the copy must be a
# repository of its own (re-made when its .git is missing or broken). Its files stay untracked,
# which ansible-test lists too (git ls-files --others --exclude-standard).
if [ "$(git -C "$dest" rev-parse --show-toplevel 2>/dev/null)" != "$(cd "$dest" && pwd -P)" ]; then
    rm -rf "$dest/.git"
    git -C "$dest" init -q
fi

# PIP_CONFIG_FILE=/dev/null (left behind by ensurepip, or set by a caller) would hide the
# machine's pip configuration, which carries the package-index settings.
unset PIP_CONFIG_FILE
# ansible-test points Ansible at the copy itself and picks its own interpreters.
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_PYTHON_INTERPRETER

cd "$dest"
PATH="$(dirname "$ansible_test"):$PATH"
export PATH
junit=()
if [ -n "${SANITY_JUNIT_DIR:-}" ]; then
    junit=(--junit)
    rm -rf "$dest/tests/output/junit"
fi
echo "sanity: $ansible_test sanity --venv --python $python_version ${junit[*]} $* (in $dest)"
rc=0
"$ansible_test" sanity --venv --python "$python_version" --color no "${junit[@]}" "$@" || rc=$?
if [ -n "${SANITY_JUNIT_DIR:-}" ]; then
    mkdir -p "$SANITY_JUNIT_DIR"
    find "$dest/tests/output/junit" -name '*.xml' -exec cp {} "$SANITY_JUNIT_DIR"/ \; 2>/dev/null || true
fi
exit "$rc"
