"""The founding demo article against its hand-made reference (../shared/corpus)."""

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TEXT = CORPUS / "fr-darmanin-rabat.txt"
GOLD = CORPUS / "fr-darmanin-rabat.gold.json"


def fold(surface: str) -> str:
    return surface.replace("\u2019", "'")


@pytest.fixture(scope="module")
def demo(annotator):
    if not (TEXT.exists() and GOLD.exists()):
        pytest.skip(
            f"the demo article and its reference are not in {CORPUS}: the shared corpus sits beside the repository"
        )
    text = TEXT.read_text(encoding="utf-8")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return text, gold, annotator.annotate(text)


def test_it_is_french_and_supported(demo):
    _, gold, result = demo
    assert (result.language, result.supported) == (gold["language"], True)


def test_every_required_actor_is_found_with_its_kind(demo):
    _, gold, result = demo
    found = {(fold(m.text), m.kind) for m in result.mentions}
    missing = [
        actor["name"]
        for actor in gold["actors"]
        if actor["required"] and not any((fold(s), actor["kind"]) in found for s in actor["surfaces"])
    ]
    assert missing == []


def test_each_same_actor_set_ends_in_one_group(demo):
    _, gold, result = demo
    for surfaces in gold["same_actor_in_this_article"]:
        wanted = {fold(s) for s in surfaces}
        groups = {m.group for m in result.mentions if fold(m.text) in wanted}
        assert len(groups) == 1, (surfaces, [result.groups[g] for g in groups])


def test_nothing_excluded_is_a_mention(demo):
    _, gold, result = demo
    excluded = {fold(s) for s in gold["must_not_be_annotated_as_actors"]}
    assert sorted({fold(m.text) for m in result.mentions} & excluded) == []


def test_no_surface_has_a_forbidden_kind(demo):
    _, gold, result = demo
    forbidden = {(fold(rule["surface"]), rule["kind"]) for rule in gold["must_not_have_kind"]}
    assert sorted({(fold(m.text), m.kind) for m in result.mentions} & forbidden) == []


def test_the_boilerplate_tail_is_detected_and_left_alone(demo):
    text, _, result = demo
    boilerplate_start = text.index("En savoir plus")
    assert result.content_end is not None
    assert text[result.content_end : boilerplate_start].strip() == ""
    assert all(m.end <= result.content_end for m in result.mentions)


def test_offsets_index_the_stored_text(demo):
    text, _, result = demo
    assert all(text[m.start : m.end] == m.text for m in result.mentions)
