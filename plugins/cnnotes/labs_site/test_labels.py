"""Measurement keys shown as words, in English and Chinese; transcript headings listed."""
from cnnotes.labs_site.labels import measurement_label
from cnnotes.labs_site.page_toc import headings


def test_unit_measured_thing_and_where_in_english_and_chinese():
    assert measurement_label("rtt_ms_underlay") == "RTT, underlay (ms)"
    assert measurement_label("throughput_mbit_vxlan", "zh") == "吞吐量，VXLAN（Mbit/s）"
    assert measurement_label("small_struct_heap_allocs_per_op") == "Small struct heap (allocs/op)"
    assert measurement_label("update_seconds") == "Update (s)"


def test_a_key_without_a_unit_or_known_words_still_reads_as_words():
    assert measurement_label("agent_v2") == "Agent v2"
    assert measurement_label("s") == "S"          # a unit never starts a key
    assert "_" not in measurement_label("some_new_key", "zh")


def test_transcript_headings_in_order_with_their_ids():
    html = '<h2 id="a-b">A &amp; <code>b</code></h2><p>x</p><h3 id="no">no</h3><h2 id="c">C</h2>'
    assert headings(html) == [("a-b", "A & b"), ("c", "C")]
