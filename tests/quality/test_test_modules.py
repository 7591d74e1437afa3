"""The whole suite collects in one run: pytest imports test modules by their file name (rootdir-relative
« prepend » mode), so two test files of one name in different folders stop the run before any test."""
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_no_two_test_modules_share_a_file_name():
    names: dict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("*.py"):
        if path.name.startswith("test_") and "fixtures" not in path.parts:
            names[path.name].append(str(path.relative_to(TESTS)))
    twins = {name: paths for name, paths in names.items() if len(paths) > 1}
    assert not twins, f"renommez l'un des fichiers de même nom : {twins}"
