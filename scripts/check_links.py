"""Check the internal links of a built HTML site (make docs): every relative href/src must name a file of the
site and, with a #fragment, an element id (or a named anchor) in that file. Site-absolute paths (/...) are
taken relative to the site root, where the site is served. External links are not fetched.

    python3 scripts/check_links.py .build/docs/build/html
"""

import argparse
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.anchors = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.anchors.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img", "iframe"):
                self.links.append((self.getpos()[0], attrs[name]))


def parse(path, cache):
    if path not in cache:
        page = Page()
        with open(path, encoding="utf-8", errors="replace") as handle:
            page.feed(handle.read())
        cache[path] = page
    return cache[path]


def broken_links(root):
    cache, broken, checked = {}, [], 0
    for directory, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            source = os.path.join(directory, name)
            for line, link in parse(source, cache).links:
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                    continue
                checked += 1
                if not parts.path:
                    target = source
                elif parts.path.startswith("/"):  # site-absolute (the theme's logo link): the site is served at /
                    target = os.path.normpath(os.path.join(root, unquote(parts.path).lstrip("/")))
                else:
                    target = os.path.normpath(os.path.join(directory, unquote(parts.path)))
                if os.path.isdir(target):
                    target = os.path.join(target, "index.html")
                where = "%s:%d: %s" % (os.path.relpath(source, root), line, link)
                if not os.path.realpath(target).startswith(os.path.realpath(root)) or not os.path.isfile(target):
                    broken.append(where + " (no such file)")
                elif parts.fragment and target.endswith(".html") and \
                        unquote(parts.fragment) not in parse(target, cache).anchors:
                    broken.append(where + " (no such anchor)")
    return checked, broken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="directory of the built site (holds index.html)")
    args = parser.parse_args()
    checked, broken = broken_links(args.root)
    for line in broken:
        print(line)
    print("links: %d internal links checked, %d broken" % (checked, len(broken)))
    return 1 if broken or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
