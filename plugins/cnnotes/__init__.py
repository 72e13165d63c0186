"""The site's Pelican plugins, one subpackage each: `PLUGINS = ["cnnotes.cjk", ...]`.

Each subpackage's register() connects its receivers to Pelican's signals; the tests
sit beside the code they test.
"""
