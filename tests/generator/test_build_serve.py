"""The preview server: serves the build, rebuilds on save, shows content errors with file and line."""
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from generator.serve import serve


@pytest.fixture
def preview(sample_site_dir, tmp_path):
    stop = threading.Event()
    ports: list[int] = []
    ready = threading.Event()
    lines: list[str] = []

    def on_ready(port):
        ports.append(port)
        ready.set()

    thread = threading.Thread(
        target=serve, args=(sample_site_dir, tmp_path / "build" / "site", 0),
        kwargs={"stop": stop, "ready": on_ready, "log": lines.append}, daemon=True)
    thread.start()
    assert ready.wait(30), lines
    yield sample_site_dir, f"http://127.0.0.1:{ports[0]}"
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(check, seconds: float = 20) -> bool:
    """Poll check() until it holds (True) or the time is up (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def save_until_rebuilt(path, text: str, base: str, generation: int) -> int:
    """Save, and save again if no rebuild follows within 3 s: the file watcher starts in its own thread
    and may not watch yet right after the server says it is ready (a publisher saves much later)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        path.write_text(text, encoding="utf-8")
        if wait_until(lambda: json.loads(get(base + "/__reload")[1])["generation"] > generation, 3):
            return json.loads(get(base + "/__reload")[1])["generation"]
    raise AssertionError("le site n'a pas été reconstruit après l'enregistrement")


def wait_for_generation(base: str, after: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        generation = json.loads(get(base + "/__reload")[1])["generation"]
        if generation > after:
            return generation
        time.sleep(0.1)
    raise AssertionError("le site n'a pas été reconstruit après l'enregistrement")


def test_preview_rebuilds_on_save_and_shows_errors(preview):
    root, base = preview
    status, home = get(base + "/")
    assert status == 200
    assert '<script src="/__reload.js" defer></script>\n</body>' in home
    assert get(base + "/nulle-part/")[0] == 404
    generation = json.loads(get(base + "/__reload")[1])["generation"]

    guide = root / "content/guides/se-connecter.md"
    edited = guide.read_text(encoding="utf-8").replace("en minuscules.", "en minuscules, sans accent.")
    generation = save_until_rebuilt(guide, edited, base, generation)
    # One save may bring several file events, hence several rebuilds: wait for the page, not a count.
    assert wait_until(lambda: "sans accent" in get(base + "/guides/se-connecter/")[1])

    guide.write_text("---\ntitre: [pas fermé\n---\nTexte\n", encoding="utf-8")
    wait_for_generation(base, generation)
    assert wait_until(lambda: get(base + "/guides/")[0] == 500)
    status, page = get(base + "/guides/")
    assert status == 500
    assert "Le site n'a pas pu être reconstruit" in page
    assert "content/guides/se-connecter.md:" in page
    assert '<script src="/__reload.js" defer></script>' in page


def test_preview_never_serves_outside_the_build(preview):
    _, base = preview
    assert get(base + "/../../content/site.yaml")[0] == 404
    assert get(base + "/%2e%2e/%2e%2e/content/site.yaml")[0] == 404
