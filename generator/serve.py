"""Preview server: build, serve on 127.0.0.1, rebuild on save and reload the browser."""
from __future__ import annotations

import html
import json
import mimetypes
import sys
import threading
import traceback
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .build import BuildError, build_site
from .cache import cache_dir_for
from .load import load_site
from .model import PARIS
from .render import PROJECT_TEMPLATES
from .write import OutsideOutputError, safe_target

RELOAD_JS = b"""/* Preview only: reload the page when the site has been rebuilt. */
(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("/__reload", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seen !== null && data.generation !== seen) { window.location.reload(); return; }
        seen = data.generation;
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
"""
RELOAD_TAG = b'<script src="/__reload.js" defer></script>'


class Preview:
    """The latest build of the preview: its generation number, base path and problems if any."""

    def __init__(self, root: Path, out_dir: Path, log: Callable[[str], None] = print) -> None:
        self.root, self.out_dir, self.log = root, out_dir, log
        self.generation = 0
        self.base_path = "/"
        self.problems: list[str] = []
        self.templates_dir: str | None = None
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        """Load and build; on content errors keep the last good pages and show the errors instead."""
        with self.lock:
            try:
                site, report = load_site(self.root, cache_dir_for(self.out_dir))
                if site is None:
                    problems = report.lines()
                else:
                    self.base_path = site.config.base_path
                    self.templates_dir = site.config.templates_dir
                    result = build_site(site, self.out_dir, progress=None)
                    problems = []
                    self.log(f"{datetime.now(PARIS):%H:%M:%S} site reconstruit : {len(result.rendered)} rendu(s), "
                             f"{result.written} écrit(s) en {result.seconds:.2f} s")
            except (BuildError, OutsideOutputError) as exc:
                problems = [str(exc)]
            except Exception as exc:  # the preview must survive anything a save can produce
                traceback.print_exc()
                problems = [f"erreur inattendue pendant la construction : {exc} (détail dans le terminal)"]
            if problems:
                self.log("le contenu a des erreurs, elles s'affichent dans le navigateur :")
                for line in problems:
                    self.log(f"  {line}")
            self.problems = problems
            self.generation += 1

    def watched(self) -> list[Path]:
        paths = [self.root / "content", self.root / "data", PROJECT_TEMPLATES]
        if self.templates_dir:
            paths.append(self.root / self.templates_dir)
        return [p for p in paths if p.is_dir()]

    def watch(self, stop: threading.Event) -> None:
        """Rebuild on every batch of saved files until `stop` is set."""
        from watchfiles import watch

        out = self.out_dir.resolve()
        for changes in watch(*self.watched(), stop_event=stop, debounce=150, step=50,
                             raise_interrupt=False):
            if all(Path(path).resolve().is_relative_to(out) for _, path in changes):
                continue
            self.rebuild()


def error_page(problems: list[str]) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Erreurs dans le contenu — aperçu</title>
<link rel="stylesheet" href="/__theme.css"></head>
<body><main class="container">
<h1>Le site n'a pas pu être reconstruit</h1>
<p>Corrigez les problèmes suivants (fichier:ligne : message) puis enregistrez : la page se recharge toute seule.</p>
<ol class="build-errors">
{items}
</ol>
</main>
{RELOAD_TAG.decode()}
</body>
</html>
""".encode()


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "carriere-apercu"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
            pass  # one line per request would drown the rebuild messages

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _html(self, status: int, body: bytes) -> None:
            if RELOAD_TAG not in body:
                body = body.replace(b"</body>", RELOAD_TAG + b"\n</body>", 1)
            self._send(status, body, "text/html; charset=utf-8")

        def do_HEAD(self) -> None:  # noqa: N802 (stdlib name)
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802 (stdlib name)
            path = unquote(urlsplit(self.path).path)
            if path == "/__reload":
                body = json.dumps({"generation": preview.generation}).encode()
                return self._send(200, body, "application/json")
            if path == "/__reload.js":
                return self._send(200, RELOAD_JS, "text/javascript; charset=utf-8")
            if path == "/__theme.css":
                return self._send(200, (PROJECT_TEMPLATES / "assets" / "theme.css").read_bytes(), "text/css")
            base = preview.base_path
            if not path.startswith(base):
                if path in ("/", ""):
                    self.send_response(302)
                    self.send_header("Location", base)
                    self.end_headers()
                    return None
                return self._not_found()
            rel = path[len(base):]
            if preview.problems and (rel == "" or rel.endswith(("/", ".html"))):
                return self._html(500, error_page(preview.problems))
            try:
                target = safe_target(preview.out_dir, rel) if rel else preview.out_dir.resolve()
            except OutsideOutputError:
                return self._not_found()
            if target.is_dir():
                if rel and not rel.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return None
                target = target / "index.html"
            if not target.is_file():
                return self._not_found()
            data = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype == "text/html":
                return self._html(200, data)
            if ctype.startswith("text/") or ctype in ("application/json", "text/javascript"):
                ctype += "; charset=utf-8"
            return self._send(200, data, ctype)

        def _not_found(self) -> None:
            page = preview.out_dir / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!doctype html><title>Introuvable</title></body>"
            self._html(404, body)

    return Handler


def serve(root: Path, out_dir: Path, port: int, *, stop: threading.Event | None = None,
          ready: Callable[[int], None] | None = None, log: Callable[[str], None] = print) -> int:
    """Build `root` into `out_dir`, serve it on 127.0.0.1:`port` (0: any free port) until interrupted."""
    mimetypes.add_type("text/calendar", ".ics")
    mimetypes.add_type("text/javascript", ".js")
    preview = Preview(Path(root).resolve(), Path(out_dir), log)
    preview.rebuild()
    stop = stop or threading.Event()
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(preview))
    except OSError as exc:
        print(f"impossible d'écouter sur 127.0.0.1:{port} ({exc.strerror}) : choisissez un autre port "
              "avec --port.", file=sys.stderr)
        return 1
    server.daemon_threads = True
    actual = server.server_address[1]
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    log(f"aperçu sur http://127.0.0.1:{actual}{preview.base_path} (Ctrl+C pour arrêter)")
    if ready is not None:
        ready(actual)
    try:
        stop.wait()
    except KeyboardInterrupt:
        log("arrêt de l'aperçu")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=5)
    return 0
