"""The source cache of `carriere build`: a warm load gives the same site, and never a stale one."""
import os
import pickle
from pathlib import Path

import pytest

from generator import cache, load
from generator.cli import main
from generator.load import load_site


def loaded(root: Path, cache_dir: Path):
    site, report = load_site(root, cache_dir)
    assert site is not None, report.lines()
    return site


def guide(site, slug: str):
    return next(g for g in site.guides if g.slug == slug)


def rewrite_same_size_and_mtime(path: Path, old: str, new: str) -> None:
    """Change bytes without changing the size nor the modification time (as some tools do)."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.fixture
def no_parse(monkeypatch):
    """Make any guide or table parse fail loudly: what follows must come from the cache."""
    def refuse(*args, **kwargs):
        raise AssertionError("read again although the cache was fresh")

    def arm():
        monkeypatch.setattr(load, "load_guide", refuse)
        monkeypatch.setattr(load, "load_referentiel", refuse)
    return arm


def test_warm_load_equals_cold_load_and_reads_nothing_again(sample_site_dir, tmp_path, no_parse):
    cold = load_site(sample_site_dir)[0]
    first = loaded(sample_site_dir, tmp_path / "cache")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir())  # something was stored
    no_parse()
    warm = loaded(sample_site_dir, tmp_path / "cache")
    assert warm == first == cold


def test_problems_are_replayed_from_the_cache(sample_site_dir, tmp_path, no_parse):
    path = sample_site_dir / "content/guides/se-connecter.md"
    path.write_text(path.read_text(encoding="utf-8").replace("ordre: 1", "ordre: un"), encoding="utf-8")
    with (sample_site_dir / "data/postes.csv").open("a", encoding="utf-8") as handle:
        handle.write("P0099;intra-2027;GEN;0630021F;L9999;;;V;;2027-03-15;\n")
    expected = load_site(sample_site_dir)[1].lines()
    assert any("se-connecter.md" in line for line in expected)
    assert any("postes.csv" in line for line in expected)
    assert load_site(sample_site_dir, tmp_path / "cache")[1].lines() == expected
    no_parse()
    site, report = load_site(sample_site_dir, tmp_path / "cache")
    assert site is None
    assert report.lines() == expected


@pytest.mark.parametrize("racy_seconds", [0.0, cache.RACY_SECONDS])
def test_same_size_same_mtime_edit_is_picked_up(sample_site_dir, tmp_path, monkeypatch, racy_seconds):
    # 0: the stat alone is trusted (the ctime tells the change); default: a recent file is hashed.
    monkeypatch.setattr(cache, "RACY_SECONDS", racy_seconds)
    path = sample_site_dir / "content/guides/se-connecter.md"
    assert guide(loaded(sample_site_dir, tmp_path / "cache"), "se-connecter").title == "Se connecter au portail"
    ctime = path.stat().st_ctime_ns
    rewrite_same_size_and_mtime(path, "Se connecter au portail", "Se brancher au portail!")
    assert path.stat().st_ctime_ns != ctime  # the limit: an unchanged ctime would need a clock set back
    assert guide(loaded(sample_site_dir, tmp_path / "cache"), "se-connecter").title == "Se brancher au portail!"


def test_same_size_same_mtime_table_edit_is_picked_up(sample_site_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)
    loaded(sample_site_dir, tmp_path / "cache")
    rewrite_same_size_and_mtime(sample_site_dir / "data/postes.csv", "P0001;", "P0777;")
    codes = {p.code_poste for p in loaded(sample_site_dir, tmp_path / "cache").postes}
    assert "P0777" in codes and "P0001" not in codes


def test_added_and_removed_files_are_seen(sample_site_dir, tmp_path):
    loaded(sample_site_dir, tmp_path / "cache")
    source = sample_site_dir / "content/guides/se-connecter.md"
    copy = sample_site_dir / "content/guides/se-reconnecter.md"
    copy.write_text(source.read_text(encoding="utf-8").replace("Se connecter au portail", "Se reconnecter"),
                    encoding="utf-8")
    assert guide(loaded(sample_site_dir, tmp_path / "cache"), "se-reconnecter").title == "Se reconnecter"
    copy.unlink()
    postes = sample_site_dir / "data/postes.csv"
    lines = postes.read_text(encoding="utf-8").splitlines(keepends=True)
    postes.write_text("".join(line for line in lines if not line.startswith("P0002;")), encoding="utf-8")
    site = loaded(sample_site_dir, tmp_path / "cache")
    assert [g.slug for g in site.guides if g.slug == "se-reconnecter"] == []
    assert "P0002" not in {p.code_poste for p in site.postes} and "P0001" in {p.code_poste for p in site.postes}


def poison(cache_dir: Path, version: str | None) -> None:
    """Change the stored title of a guide, keeping (or replacing) the version the cache was written by."""
    [path] = [p for p in cache_dir.glob("*-guides-*.pickle") if b"se-connecter.md" in p.read_bytes()]
    stored_version, entries = pickle.loads(path.read_bytes())
    entry = entries["se-connecter.md"]
    (guide_, line), problems, links = entry.value
    entry.value = (type(guide_)(**{**guide_.__dict__, "title": "Titre périmé"}), line), problems, links
    path.write_bytes(pickle.dumps((version or stored_version, entries)))


def test_the_cache_is_what_is_served(sample_site_dir, tmp_path):
    loaded(sample_site_dir, tmp_path / "cache")
    poison(tmp_path / "cache", None)
    assert guide(loaded(sample_site_dir, tmp_path / "cache"), "se-connecter").title == "Titre périmé"


def test_a_cache_from_another_version_is_ignored(sample_site_dir, tmp_path):
    loaded(sample_site_dir, tmp_path / "cache")
    poison(tmp_path / "cache", "une autre version du générateur")
    assert guide(loaded(sample_site_dir, tmp_path / "cache"), "se-connecter").title == "Se connecter au portail"


def test_the_version_follows_the_generator_sources(monkeypatch, tmp_path):
    before = cache.code_version()
    fake = tmp_path / "cache.py"
    fake.write_text("# autre\n", encoding="utf-8")
    monkeypatch.setattr(cache, "__file__", str(fake))
    assert cache.code_version() != before


@pytest.mark.parametrize("garbage", [b"", b"pas un pickle", pickle.dumps(("v", [1, 2]))[:-3]])
def test_a_broken_cache_is_ignored(sample_site_dir, tmp_path, garbage):
    loaded(sample_site_dir, tmp_path / "cache")
    for path in (tmp_path / "cache").glob("*.pickle"):
        path.write_bytes(garbage)
    assert loaded(sample_site_dir, tmp_path / "cache") == load_site(sample_site_dir)[0]


def test_build_keeps_its_cache_beside_the_output(sample_site_dir, capsys):
    out = sample_site_dir / "build" / "site"
    args = ["build", "--root", str(sample_site_dir), "--out", str(out), "--jobs", "1"]
    assert main(args) == 0
    assert list((sample_site_dir / "build" / ".carriere-cache").glob("*.pickle"))
    assert not list(out.rglob("*.pickle"))
    path = sample_site_dir / "content/guides/se-connecter.md"
    path.write_text(path.read_text(encoding="utf-8").replace("en minuscules.", "en minuscules, sans accent."),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 0
    assert ", 1 rendu, 1 écrit," in capsys.readouterr().out
    assert "sans accent" in (out / "guides/se-connecter/index.html").read_text(encoding="utf-8")


def test_background_save_is_whole_once_waited_for(sample_site_dir, tmp_path, no_parse):
    site, _ = load_site(sample_site_dir, tmp_path / "cache", background_save=True)
    assert cache._BACKGROUND  # a child is writing
    cache.wait_saved()
    assert cache._BACKGROUND == []
    assert not list((tmp_path / "cache").glob("*.tmp"))
    no_parse()
    assert loaded(sample_site_dir, tmp_path / "cache") == site


def test_build_command_waits_for_its_cache(sample_site_dir, monkeypatch):
    """`carriere build` writes its cache from a child and returns only once that child is done."""
    waited: list[int] = []
    real_waitpid = os.waitpid

    def waitpid(pid, options):
        waited.append(pid)
        return real_waitpid(pid, options)

    monkeypatch.setattr(cache.os, "waitpid", waitpid)
    out = sample_site_dir / "build" / "site"
    assert main(["build", "--root", str(sample_site_dir), "--out", str(out), "--jobs", "1"]) == 0
    assert len(waited) == 1 and cache._BACKGROUND == []
    with pytest.raises(ChildProcessError):
        real_waitpid(waited[0], os.WNOHANG)  # reaped: nothing left running
    assert list((sample_site_dir / "build" / ".carriere-cache").glob("*.pickle"))


@pytest.mark.parametrize("with_cache", [False, True])
def test_guides_parsed_in_two_processes_load_as_in_one(sample_site_dir, tmp_path, monkeypatch, with_cache):
    """A first load parses half of the guides in a forked child: same site, same problems, same order."""
    broken = sample_site_dir / "content/guides/zz-casse.md"
    broken.write_text("---\ntitre: [pas fermé\n---\nTexte\n", encoding="utf-8")
    forks: list[int] = []
    real_fork = os.fork

    def fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(load.os, "fork", fork)
    monkeypatch.setattr(load, "_threaded", lambda: False)  # other tests' servers may still run threads
    monkeypatch.setattr(load, "PARALLEL_READ", 10**9)
    alone = load_site(sample_site_dir, tmp_path / "one" if with_cache else None)
    assert forks == []
    monkeypatch.setattr(load, "PARALLEL_READ", 2)
    two = load_site(sample_site_dir, tmp_path / "two" if with_cache else None)
    assert forks == [1]
    assert two[1].lines() == alone[1].lines() and any("zz-casse.md" in line for line in two[1].lines())
    broken.unlink()
    assert load_site(sample_site_dir, tmp_path / "two" if with_cache else None)[0] == load_site(sample_site_dir)[0]


def test_guides_are_parsed_in_one_process_when_threads_run(sample_site_dir, monkeypatch):
    """The preview server has threads: no fork there."""
    import threading

    monkeypatch.setattr(load, "PARALLEL_READ", 2)
    monkeypatch.setattr(load.os, "fork", lambda: pytest.fail("fork in a threaded process"))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert load_site(sample_site_dir)[0] is not None
    finally:
        stop.set()
        thread.join()


def test_no_child_is_left_behind_when_the_loader_fails(sample_site_dir, monkeypatch):
    """Notes and tables are read while a child parses guides: a failure there still waits for the child."""
    children: list[int] = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(load.os, "fork", fork)
    monkeypatch.setattr(load, "_threaded", lambda: False)  # other tests' servers may still run threads
    monkeypatch.setattr(load, "PARALLEL_READ", 2)
    monkeypatch.setattr(load, "_load_data", broken)
    with pytest.raises(RuntimeError, match="panne"):
        load_site(sample_site_dir)
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # already reaped
