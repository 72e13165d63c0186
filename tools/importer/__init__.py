"""`make import FROM=<site> [IMPORT_LANG=zh]`: move a Hexo, Hugo, Jekyll or Pelican blog in
(or a GitBook, MkDocs or Hugo docs book: books.py).

One module per source tool (hexo.py, hugo.py, jekyll.py, pelican.py), each with
`NAME`, `detect(root)` (its config file is there) and `collect(root)` (the files to
copy, as model.SourceFile: where each goes under content/, the post's old URL from
the tool's permalink settings, the language and translation key the tool gives).
A new source tool is one more module listed in TOOLS (detect.py).

run.py does the rest, the same for every tool: reads each post's metadata
(cnnotes.front_matter.formats), decides its language (given, IMPORT_LANG, or the
text), pairs translations (one slug per translation key), records the old URL as an
alias, writes only what is missing under content/ (a second run changes nothing) and
returns the report: posts, translations, assets, aliases and, with `path:line`, what
needs a hand.
"""
