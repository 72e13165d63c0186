"""Pelican's Writer, writing only the pages whose inputs changed.

A page's fingerprint is the digest of: the page's path and template; every template
file of the theme and the plugins (a change to any of them renders every page again);
the values of the names the templates use (found by Jinja's own parser: the union
over all templates) in the page's context, with the posts among them counted by
identity; and the values of what the page read of those posts when it was last
rendered (build_cache.reads), or, for a page that could not say, the posts digested
deeply (build_cache.digest). The code and the settings are in every fingerprint
(OutputTree.base). A page with the previous build's fingerprint is kept or linked
from the previous output (OutputTree.reuse); any other is rendered and written as a
new file.

Pelican's rules on writing one path twice are kept (`override_output`); paginated
writes (a feature of Pelican's own listings, which this site turns off) are passed
to Pelican's writer unchanged. Every write, Pelican's too, opens a new file: never
one linked from the previous output.
"""
from __future__ import annotations

import collections
import logging
import os

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from cnnotes import build_cache

log = logging.getLogger(__name__)


class IncrementalWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        build = build_cache.active()
        if build is None or not name or _paginates(self.settings, paginated, template_name, kwargs):
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        # the local context as Writer.write_file makes it: context, then these, then kwargs
        local = {"localsiteurl": context.get("localsiteurl", None)}
        if relative_urls:
            relative_url = path_to_url(get_relative_path(name))
            local["SITEURL"] = local["localsiteurl"] = relative_url
        local["output_file"] = name
        localcontext = collections.ChainMap(kwargs, local, context)
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        path = sanitised_join(self.output_path, name)
        if not self._claim(path, override_output):
            return
        rel = os.path.relpath(path, self.output_path)
        if not build.tree.fresh and build.keep_page(template, rel, localcontext):
            signals.content_written.send(path, context=localcontext)
            return
        build.write_page(rel, template, localcontext)
        signals.content_written.send(path, context=localcontext)

    def _claim(self, filename, override) -> bool:
        """Writer._open_w's bookkeeping: False when this write is to be skipped."""
        if filename in self._overridden_files:
            if override:
                from pelican.writers import FileOverwriteFailedError
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            log.info('Skipping "%s", not overwriting', filename)
            return False
        if filename in self._written_files:
            if override:
                log.info('Overwriting "%s"', filename)
            else:
                from pelican.writers import FileOverwriteFailedError
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return True

    def _open_w(self, filename, encoding, override=False):
        """Writer._open_w, opening a new file (never one linked with the output)."""
        if not self._claim(filename, override):
            return open(os.devnull, "w", encoding=encoding)
        build = build_cache.active()
        if build is not None:  # forget() deletes what is there
            rel = os.path.relpath(filename, self.output_path)
            build.cancel(rel)
            build.tree.forget(rel)
        elif os.path.lexists(filename):
            os.unlink(filename)
        return open(filename, "w", encoding=encoding)


def _paginates(settings, paginated, template_name, kwargs) -> bool:
    if paginated is None:
        paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
    return bool(paginated) and template_name in settings["PAGINATED_TEMPLATES"]


def get_writer(pelican):
    return IncrementalWriter
