"""How alike two facilitator scripts are once each module's topic words are taken out.

A script copied from another module with the topic's nouns swapped reads as new to a
quick eye; its *skeleton* (the script without the words that name its topic) gives it
away. Skeletons are compared as sets of word triples (Jaccard similarity): two scripts
written separately share almost none (below 0.15); a template with the nouns swapped
shares most (above 0.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from plg_tui.core.module_model import Module

SKELETON_LIMIT = 0.5
_WORD = re.compile(r"[a-z']+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def topic_words(module: Module) -> frozenset[str]:
    """Words that name this module's topic: its title, tagline, challenge and techniques."""
    texts = [module.title, module.tagline, module.challenge_prompt]
    texts.extend(technique.name for technique in module.techniques)
    # Short function words ("the", "your") carry no topic; keeping them keeps the skeleton.
    return frozenset(word for text in texts for word in _tokens(text) if len(word) > 3)


def skeleton(script: str, topic: frozenset[str]) -> frozenset[tuple[str, str, str]]:
    """The script's word triples, each topic word replaced by one placeholder."""
    words = ["_" if word in topic else word for word in _tokens(script)]
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def similarity(
    left: frozenset[tuple[str, str, str]], right: frozenset[tuple[str, str, str]]
) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class ScriptMatch:
    """Two scripts of different modules and how alike their skeletons are."""

    score: float
    first: str  # "module-id session1.phases[2]"
    second: str


def _scripts(module: Module) -> Iterable[tuple[str, str]]:
    for session, phases in (("session1", module.session1), ("session2", module.session2)):
        for index, phase in enumerate(phases, 1):
            yield f"{module.id} {session}.phases[{index}] ({phase.name})", phase.script


def closest_scripts(modules: Iterable[Module]) -> list[ScriptMatch]:
    """For every pair of modules, their most alike pair of scripts, most alike first."""
    shaped = []
    for module in modules:
        topic = topic_words(module)
        shaped.append(
            (module.id, [(where, skeleton(text, topic)) for where, text in _scripts(module)])
        )
    matches: list[ScriptMatch] = []
    for index, (left_id, left_scripts) in enumerate(shaped):
        for right_id, right_scripts in shaped[index + 1 :]:
            if left_id == right_id:
                continue
            best = ScriptMatch(0.0, "", "")
            for left_where, left_shape in left_scripts:
                for right_where, right_shape in right_scripts:
                    score = similarity(left_shape, right_shape)
                    if score > best.score:
                        best = ScriptMatch(score, left_where, right_where)
            if best.first:
                matches.append(best)
    matches.sort(key=lambda match: -match.score)
    return matches
