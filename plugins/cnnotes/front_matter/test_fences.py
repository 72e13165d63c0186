from cnnotes.front_matter.fences import outside_code


def kept(text):
    return [line for _, line in outside_code(text.split("\n"))]


def test_lines_in_fenced_code_are_left_out_fences_included():
    assert kept("a\n```sh\n{% pdf x.pdf %}\n```\nb") == ["a", "b"]


def test_a_fence_closes_only_with_its_own_character_at_least_as_long_and_bare():
    text = "~~~~\n```\n~~~\n~~~~ sh\nstill code\n~~~~~\nafter"
    assert kept(text) == ["after"]


def test_an_unclosed_fence_runs_to_the_end():
    assert kept("before\n```\n{% lab flannel x %}") == ["before"]


def test_four_spaces_in_is_not_a_fence():
    assert kept("    ```\ntext") == ["    ```", "text"]
