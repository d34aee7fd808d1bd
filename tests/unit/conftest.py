"""Make ``ansible_collections.cloudbroker.alibaba`` importable for the unit tests.

The collection is exposed as ``.build/collections/ansible_collections/cloudbroker/alibaba`` (a symlink
to the repository, the same one ``make collection`` and the integration tests make), and Ansible's
collection loader is pointed at it, so ``pytest tests/unit`` works with or without the Makefile.
"""

import os

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_ROOT = os.path.join(REPO, ".build", "collections")


def _collection_link():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        fields = dict(line.split(":", 1) for line in handle if line[:1].isalpha() and ":" in line)
    namespace, name = fields["namespace"].strip(), fields["name"].strip()
    link = os.path.join(COLLECTIONS_ROOT, "ansible_collections", namespace, name)
    if os.path.realpath(link) != REPO:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        try:
            os.symlink(REPO, link)
        except FileExistsError:  # another xdist worker made it first
            pass


_collection_link()
os.environ["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS_ROOT
_AnsibleCollectionFinder._remove()  # pylint: disable=protected-access
_AnsibleCollectionFinder(paths=[COLLECTIONS_ROOT])._install()  # pylint: disable=protected-access
