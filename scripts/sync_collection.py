"""Mirror the collection's files into a tree that ends in ``ansible_collections/<namespace>/<name>``.

``ansible-test`` must run from inside such a path and resolves the real path of its working
directory, so a symlink to the repository does not do. This copies the files git knows about
(tracked, plus untracked ones that ``.gitignore`` does not exclude) from SRC to DEST, copies only
what changed, and removes from DEST what is no longer in SRC (``tests/output`` and ``.git`` are
kept: ansible-test's own output, and the copy's own repository, see scripts/sanity.sh).

Usage: sync_collection.py SRC DEST
"""

import os
import shutil
import subprocess
import sys

KEEP = ("tests/output/", ".git/")


def source_files(src):
    out = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True).stdout
    names = sorted({name for name in out.decode("utf-8", "surrogateescape").split("\0") if name})
    # tracked files deleted in the work tree are still listed by --cached
    return [name for name in names if os.path.isfile(os.path.join(src, name)) or os.path.islink(os.path.join(src, name))]


def same(src_path, dest_path):
    try:
        a, b = os.lstat(src_path), os.lstat(dest_path)
    except FileNotFoundError:
        return False
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime) and a.st_mode == b.st_mode


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    src, dest = (os.path.abspath(path) for path in argv)
    wanted = source_files(src)
    copied = 0
    for name in wanted:
        src_path, dest_path = os.path.join(src, name), os.path.join(dest, name)
        if same(src_path, dest_path):
            continue
        os.makedirs(os.path.dirname(dest_path), exist_ok=True)
        if os.path.lexists(dest_path) or os.path.isdir(dest_path):
            if os.path.isdir(dest_path) and not os.path.islink(dest_path):
                shutil.rmtree(dest_path)
            else:
                os.unlink(dest_path)
        shutil.copy2(src_path, dest_path, follow_symlinks=False)
        copied += 1
    keep = set(wanted)
    removed = 0
    for root, dirs, files in os.walk(dest, topdown=True):
        rel_root = os.path.relpath(root, dest)
        rel_root = "" if rel_root == "." else rel_root + "/"
        dirs[:] = [d for d in dirs if not (rel_root + d + "/").startswith(KEEP)]
        for filename in files:
            if rel_root + filename not in keep:
                os.unlink(os.path.join(root, filename))
                removed += 1
    # drop directories left empty
    for root, dirs, files in os.walk(dest, topdown=False):
        if root != dest and not os.listdir(root) and not os.path.relpath(root, dest).startswith("tests/output"):
            os.rmdir(root)
    print("synced %d files into %s (%d copied, %d removed)" % (len(wanted), dest, copied, removed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
