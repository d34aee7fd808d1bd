"""List the documented options that no test, role or playbook mentions.

    python3 scripts/option_coverage.py [--junit REPORT.xml]

What is listed, one subject at a time:

* every module (plugins/modules/*.py): the options (and suboptions, as ``parent.sub``) of its DOCUMENTATION;
* every doc fragment with options (plugins/doc_fragments/*.py): its shared options, once for all the modules
  that extend it;
* every role entry point (roles/*/meta/argument_specs.yml): its options (role variables).

Where a mention counts (the "corpus"): tests/integration/**, tests/unit/**, extensions/molecule/**, roles/**,
playbooks/**, examples/inventory/** and examples/resource_directory/** (the integration tests run the playbooks
on those inventories).

What a mention is: the option's name or one of its aliases written as a key (YAML ``name:`` or ``name=``,
Python and JSON ``"name":``), in a file that also names the subject: the module (``ram_user``, not
``ram_user_info``), for a fragment any module that extends it, for a role entry point anywhere outside the
role's own directory (its variables are unique, and its own tasks and defaults prove nothing). A file-level
check: it finds options nobody ever sets, not whether the test that sets one asserts its effect.

Prints ``<kind> <subject>: <option>, ...`` for each subject with unmentioned options, and exits 1 when there
is any; with ``--junit``, writes one JUnit test case per subject as well.
"""

import argparse
import ast
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE_PREFIX = "cloudbroker.alibaba."
CORPUS_GLOBS = ("tests/integration/**/*", "tests/unit/**/*", "extensions/molecule/**/*", "roles/**/*",
                "playbooks/**/*", "examples/inventory/**/*",
                "examples/resource_directory/**/*")
CORPUS_SUFFIXES = (".py", ".yml", ".yaml", ".json", ".j2")


# -- what is documented ------------------------------------------------------------------------------------------

def python_string_constants(path):
    """``{name: text}`` of the module-level and class-level string assignments of a Python file (no import)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def option_names(options, parent=""):
    """``{"opt": [aliases], "opt.sub": [aliases], ...}`` from a DOCUMENTATION or argument_specs options mapping."""
    names = {}
    for name, spec in (options or {}).items():
        spec = spec or {}
        full = parent + name
        names[full] = list(spec.get("aliases") or [])
        names.update(option_names(spec.get("suboptions") or spec.get("options"), full + "."))
    return names


def fragment_options():
    """``{"cloudbroker.alibaba.<fragment>[.<var>]": {option: aliases}}`` for the fragments that have options."""
    fragments = {}
    for path in sorted(glob.glob(os.path.join(REPO, "plugins", "doc_fragments", "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        for var, text in python_string_constants(path).items():
            doc = yaml.safe_load(text) or {}
            options = option_names(doc.get("options"))
            if options:
                key = NAMESPACE_PREFIX + name + ("" if var == "DOCUMENTATION" else "." + var.lower())
                fragments[key] = options
    return fragments


def module_docs():
    """``{module: (own options, [fragments])}`` from plugins/modules/*.py."""
    modules = {}
    for path in sorted(glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name == "__init__":
            continue
        doc = yaml.safe_load(python_string_constants(path).get("DOCUMENTATION") or "") or {}
        modules[name] = (option_names(doc.get("options")), list(doc.get("extends_documentation_fragment") or []))
    return modules


def role_entry_points():
    """``{(role, entry point): options}`` from roles/*/meta/argument_specs.yml."""
    entries = {}
    for path in sorted(glob.glob(os.path.join(REPO, "roles", "*", "meta", "argument_specs.y*ml"))):
        role = path.split(os.sep)[-3]
        with open(path, encoding="utf-8") as handle:
            specs = (yaml.safe_load(handle) or {}).get("argument_specs") or {}
        for entry, spec in specs.items():
            entries[(role, entry)] = option_names((spec or {}).get("options"))
    return entries


# -- where it is mentioned ---------------------------------------------------------------------------------------

def corpus():
    """``{relative path: text}`` of the files where a mention counts."""
    files = {}
    for pattern in CORPUS_GLOBS:
        for path in glob.glob(os.path.join(REPO, pattern), recursive=True):
            if os.path.isfile(path) and path.endswith(CORPUS_SUFFIXES):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    files[os.path.relpath(path, REPO)] = handle.read()
    return files


def names_word(name):
    return re.compile(r"(?<![\w.])(?:%s)?%s(?![\w])" % (re.escape(NAMESPACE_PREFIX), re.escape(name)))


def set_as_key(name, path):
    """In YAML: ``name:`` or ``name=`` (k=v arguments). In Python and JSON: a quoted key, ``"name":`` (a keyword
    argument ``name=`` is far more often an SDK or ``requests`` argument than a module option)."""
    if path.endswith((".py", ".json")):
        return re.compile(r"""["']%s["']\s*:""" % re.escape(name))
    return re.compile(r"""(?<![\w.])["']?%s["']?\s*(?::|=(?!=))""" % re.escape(name))


def unmentioned(options, files):
    """The options of ``options`` that none of ``files`` (``{path: text}``) sets."""
    missing = []
    for option, aliases in options.items():
        leaf_names = [option.rsplit(".", 1)[-1]] + list(aliases)
        if not any(set_as_key(name, path).search(text) for name in leaf_names for path, text in files.items()):
            missing.append(option)
    return missing


def coverage():
    """``[(kind, subject, [unmentioned options], number of options)]``."""
    files = corpus()
    modules = module_docs()
    fragments = fragment_options()

    def files_naming(*subjects):
        patterns = [names_word(subject) for subject in subjects]
        return {path: text for path, text in files.items() if any(p.search(text) for p in patterns)}

    results = []
    for module, (options, _fragments) in sorted(modules.items()):
        results.append(("module", module, unmentioned(options, files_naming(module)), len(options)))
    for fragment, options in sorted(fragments.items()):
        users = [module for module, (_options, extends) in modules.items() if fragment in extends]
        results.append(("fragment", fragment, unmentioned(options, files_naming(*users)) if users else [],
                        len(options)))
    for (role, entry), options in sorted(role_entry_points().items()):
        own = os.path.join("roles", role) + os.sep
        elsewhere = {path: text for path, text in files.items() if not path.startswith(own)}
        results.append(("role", "%s (%s)" % (role, entry), unmentioned(options, elsewhere), len(options)))
    return results


def write_junit(path, results):
    suite = ET.Element("testsuite", name="options", tests=str(len(results)),
                       failures=str(sum(1 for r in results if r[2])), errors="0", skipped="0")
    for kind, subject, missing, count in results:
        case = ET.SubElement(suite, "testcase", classname="options.%s" % kind, name=subject)
        if missing:
            ET.SubElement(case, "failure", message="%d of %d documented options never mentioned: %s"
                          % (len(missing), count, ", ".join(missing)))
    root = ET.Element("testsuites")
    root.append(suite)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--junit", help="also write one JUnit test case per module, fragment and role entry point")
    args = parser.parse_args(argv)
    results = coverage()
    if args.junit:
        write_junit(args.junit, results)
    missing = [(kind, subject, options) for kind, subject, options, _count in results if options]
    for kind, subject, options in missing:
        print("%s %s: %s" % (kind, subject, ", ".join(options)))
    total = sum(count for _kind, _subject, _options, count in results)
    unmentioned_count = sum(len(options) for _kind, _subject, options in missing)
    print("option coverage: %d subjects, %d documented options, %d never mentioned by a test, role or playbook"
          % (len(results), total, unmentioned_count), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
