#!/usr/bin/env bash
# Release notes (make release-notes): turns every fragment of changelogs/fragments/ into the release entry of
# changelogs/changelog.yaml and writes CHANGELOG.rst, for the version in galaxy.yml (antsibull-changelog reads
# it from there; nothing else holds the version). Run once, as the last step of a release, then commit
# changelogs/ and CHANGELOG.rst and tag v<version>.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
version=$(sed -n 's/^version:[[:space:]]*//p' galaxy.yml)

antsibull-changelog lint
antsibull-changelog release
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
echo "release-notes: $version in changelogs/changelog.yaml and CHANGELOG.rst; commit them and tag v$version"
