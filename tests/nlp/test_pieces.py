"""Cutting a long text into pieces for the models: where the cuts fall, and batches of bounded size."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.nlp.pieces import batches, split_pieces

PARAGRAPH = "Les élus de la commune ont voté le budget mardi soir après un long débat sur les écoles."


def texts_of(pieces, text):
    return [text[start:end] for start, end in pieces]


def test_a_text_within_the_limit_is_one_piece():
    assert split_pieces(PARAGRAPH, len(PARAGRAPH)) == [(0, len(PARAGRAPH))]
    assert split_pieces("", 10) == [(0, 0)]


def test_it_cuts_after_a_paragraph_break_rather_than_inside_a_paragraph():
    text = "\n\n".join([PARAGRAPH] * 6)
    # Three paragraphs and their breaks (270 characters) fit in 300, never three and a half.
    assert texts_of(split_pieces(text, 300), text) == [(PARAGRAPH + "\n\n") * 3, "\n\n".join([PARAGRAPH] * 3)]


def test_a_paragraph_break_anywhere_in_the_window_beats_a_sentence_end():
    sentences = "Le maire a répondu aux questions. " * 8
    text = PARAGRAPH + "\n\n" + sentences
    # The break is in the first half of the window, sentence ends are in the second.
    first = texts_of(split_pieces(text, len(PARAGRAPH) * 3), text)[0]
    assert first == PARAGRAPH + "\n\n"


def test_a_giant_paragraph_is_cut_after_a_sentence_and_never_after_an_abbreviation():
    text = "La séance est ouverte. M. Dupont prend la parole devant le conseil municipal. Il répond."
    end = text.index("Il répond")
    assert split_pieces(text, end + 3) == [(0, end), (end, len(text))]
    # The only sentence end in this window is the one before "M."
    assert split_pieces(text, 40)[0] == (0, text.index("M. Dupont"))


def test_a_paragraph_without_sentence_ends_is_cut_between_words():
    words = ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"]
    text = " ".join(words)
    pieces = texts_of(split_pieces(text, 12), text)
    assert [w for piece in pieces for w in piece.split()] == words
    assert all(piece.endswith(" ") for piece in pieces[:-1])


def test_a_text_without_spaces_is_cut_at_the_limit():
    assert split_pieces("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_a_limit_below_two_characters_is_refused():
    with pytest.raises(ValueError):
        split_pieces("abc", 1)


@given(
    st.text(alphabet=st.sampled_from("ab .\n«»M"), max_size=400),
    st.integers(min_value=2, max_value=60),
)
def test_pieces_cover_the_text_in_order_within_the_limit(text, limit):
    pieces = split_pieces(text, limit)
    assert "".join(texts_of(pieces, text)) == text
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a_end == b_start for (_, a_end), (b_start, _) in itertools.pairwise(pieces))
    assert all(0 < end - start <= limit for start, end in pieces) or text == ""


@given(
    st.lists(st.tuples(st.sampled_from(["Le", "maire", "parle.", "Il", "vote", "M.", "Dupont", "«", "»"]),
                       st.sampled_from([" ", "\n", "\n\n", " \n "])), max_size=120),
    st.integers(min_value=20, max_value=80),
)
def test_a_cut_never_falls_inside_a_word(words, limit):
    text = "".join(word + space for word, space in words)
    for _, end in split_pieces(text, limit)[:-1]:
        # Every window holds a space, so each piece ends on whitespace and the next starts on a word.
        assert text[end - 1].isspace() and not text[end].isspace()


def test_batches_hold_at_most_so_many_items_and_characters():
    sizes = [30, 30, 30, 80, 10, 10, 10, 10, 150, 5]
    runs = list(batches(sizes, max_items=3, max_chars=100))
    assert [list(r) for r in runs] == [[0, 1, 2], [3, 4, 5], [6, 7], [8], [9]]
    assert list(batches([], max_items=3, max_chars=100)) == []
