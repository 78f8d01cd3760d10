"""The web edition: one accessible, responsive HTML page of the same content, with its assets beside it."""

from __future__ import annotations

from ..outputs import BaseOutput


class WebOutput(BaseOutput):
    name = "web"
    help = "the web edition: one accessible HTML page with its assets (web/index.html)"
    template_folder = "web"
    make_target = "web/index.html"

    def render(self, document, job) -> list[tuple[str, bytes]]:
        from .page import write_web_edition

        return write_web_edition(document, job)

    def finish(self, out, written, job) -> None:
        """Images are copied under their content hash: delete the copies no page names any more."""
        from .page import remove_stale_assets

        remove_stale_assets(out, written)


OUTPUT = WebOutput()
