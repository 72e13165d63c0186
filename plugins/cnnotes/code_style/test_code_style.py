"""The generated Pygments stylesheet: both schemes, every colour readable."""
import re

from cnnotes import code_style


def test_stylesheet_has_light_and_dark_and_readable_colours():
    css = code_style.stylesheet()
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    assert "@media not all and (prefers-color-scheme: dark)" in light
    assert ".highlight .k" in light and ".highlight .k" in dark
    for part, bg in ((light, code_style.LIGHT[1]), (dark, code_style.DARK[1])):
        colours = re.findall(r"[^-]color: (#[0-9a-fA-F]{3,6})", part)
        assert colours
        for c in colours:
            assert code_style.contrast(c, bg) >= 4.5, (c, bg)


def test_readable_moves_faint_colours_only():
    assert code_style.readable("#000000", "#ffffff") == "#000000"
    fixed = code_style.readable("#bbbbbb", "#f6f8fa")
    assert code_style.contrast(fixed, "#f6f8fa") >= 4.5
    fixed_dark = code_style.readable("#444444", "#161b22")
    assert code_style.contrast(fixed_dark, "#161b22") >= 4.5
