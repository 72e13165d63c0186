"""Fingerprinted asset names: renamed by content, every reference rewritten, nothing else."""
from cnnotes.fingerprint import rename_assets, rewrite_references


def test_assets_renamed_by_content_and_references_rewritten(tmp_path):
    (tmp_path / "theme/css").mkdir(parents=True)
    (tmp_path / "theme/js").mkdir(parents=True)
    (tmp_path / "theme/pdfjs").mkdir(parents=True)
    (tmp_path / "theme/css/site.css").write_text("body{}")
    (tmp_path / "theme/js/site.js").write_text("let a;")
    (tmp_path / "theme/pdfjs/pdf.min.mjs").write_text("x")
    page = tmp_path / "en/post/index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<link href="https://ex.org/blog/theme/css/site.css"><script src="/theme/js/site.js?v=1">'
                    '<p>site.css and theme/css/site.css.bak stay as words</p>')
    renames = rename_assets(str(tmp_path), "theme")
    assert set(renames) == {"theme/css/site.css", "theme/js/site.js"}
    css = renames["theme/css/site.css"]
    assert css.startswith("theme/css/site.") and len(css.split(".")[1]) == 10
    assert (tmp_path / css).read_text() == "body{}" and not (tmp_path / "theme/css/site.css").exists()
    assert (tmp_path / "theme/pdfjs/pdf.min.mjs").exists()
    assert rewrite_references(str(tmp_path), renames) == 1
    assert page.read_text() == (f'<link href="https://ex.org/blog/{css}"><script src="/{renames["theme/js/site.js"]}?v=1">'
                                '<p>site.css and theme/css/site.css.bak stay as words</p>')


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "theme/css").mkdir(parents=True)
    (tmp_path / "theme/css/site.css").write_text("body{}")
    first = rename_assets(str(tmp_path), "theme")["theme/css/site.css"]
    (tmp_path / first).unlink()
    (tmp_path / "theme/css/site.css").write_text("body{color:red}")
    assert rename_assets(str(tmp_path), "theme")["theme/css/site.css"] != first


def test_a_module_imports_its_neighbours_by_their_new_names(tmp_path):
    """site.js imports ./zoom.js: zoom.js is renamed first, the import follows it, and
    site.js's own name is the hash of the rewritten file (it changes when zoom.js does)."""
    import hashlib

    from cnnotes.fingerprint import rename_assets

    js = tmp_path / "theme" / "js"
    js.mkdir(parents=True)
    (js / "zoom.js").write_text("export const z = 1;\n")
    (js / "site.js").write_text('import { z } from "./zoom.js";\nconsole.log(z);\n')
    renames = rename_assets(str(tmp_path), "theme")
    zoom = renames["theme/js/zoom.js"].rsplit("/", 1)[1]
    site = tmp_path / renames["theme/js/site.js"]
    text = site.read_text()
    assert f'from "./{zoom}"' in text and (js / zoom).is_file()
    assert site.name == f"site.{hashlib.sha256(text.encode()).hexdigest()[:10]}.js"
