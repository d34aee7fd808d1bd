#!/usr/bin/env bash
# Build the documentation site of the collection (make docs): antsibull-docs renders every module, plugin and
# role entry point plus the guides of docs/docsite (extra-docs.yml), Sphinx turns them into HTML.
# Offline: Sphinx's intersphinx would fetch the inventories of docs.ansible.com and docs.python.org, so the
# generated conf.py is told not to; references into those sites stay plain text.
#
#   scripts/docs.sh [DEST]       default DEST: .build/docs; the site is DEST/build/html/index.html
#
# Needs antsibull-docs, sphinx and sphinx-ansible-theme (test-requirements.txt) and the collection on
# ANSIBLE_COLLECTIONS_PATH (make collection).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$repo/.build/docs}
namespace=$(sed -n 's/^namespace:[[:space:]]*//p' "$repo/galaxy.yml")
name=$(sed -n 's/^name:[[:space:]]*//p' "$repo/galaxy.yml")
version=$(sed -n 's/^version:[[:space:]]*//p' "$repo/galaxy.yml")

rm -rf "$dest"
mkdir -p -m 700 "$dest"   # antsibull-docs insists on a directory only its owner can write
antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$dest" \
    --project "$namespace.$name" --copyright "$namespace.$name contributors" \
    --title "$namespace.$name $version" --html-short-title "$namespace.$name" \
    "$namespace.$name" >/dev/null
cat >> "$dest/conf.py" <<'CONF'

# Offline build (scripts/docs.sh): no intersphinx inventories are fetched. The labels of the Ansible docs
# that antsibull-docs' pages refer to resolve to their pages on docs.ansible.com; any other unresolved
# reference still fails the build (-W): add its page here.
intersphinx_mapping = {}
ANSIBLE_DOCS_LABELS = {
    'common_return_values': 'reference_appendices/common_return_values.html',
    'ansible_configuration_settings': 'reference_appendices/config.html',
    'action_plugins': 'plugins/action.html',
}


def _ansible_docs_label(app, env, node, contnode):
    from docutils import nodes
    page = ANSIBLE_DOCS_LABELS.get(node.get('reftarget')) if node.get('reftype') == 'ref' else None
    if page:
        reference = nodes.reference('', '', internal=False,
                                    refuri='https://docs.ansible.com/projects/ansible/devel/' + page)
        reference.append(contnode)
        return reference
    return None


def setup(app):
    app.connect('missing-reference', _ansible_docs_label)
CONF
# build.sh is antsibull-docs' own: collection docs into rst/, then sphinx-build -W --keep-going.
(cd "$dest" && ./build.sh) 2>&1 | grep -v -E '^(/[^ ]+ ~?|~)$' || { echo "docs: build failed" >&2; exit 1; }
echo "docs: $dest/build/html/index.html"
