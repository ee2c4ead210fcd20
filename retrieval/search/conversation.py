"""Follow-up questions: search a short or referring question together with the conversation's topic.

"En hoeveel geld is daarvoor beschikbaar?" loses its subject when searched on its own words. A
question is a follow-up when it refers back (a pronominal adverb such as "daarvoor", an opening
"En …" / "And …", or a pronoun in a question too short to hold what it points at) or has too few
content words to stand alone. It is then searched as itself followed by the topic: the content
words of the earlier questions from the last self-contained one on. (Question first, topic as bare
words: on the calibration dialogues this found as much as the whole earlier questions in front, and
unlike them it cost a self-contained question taken for a follow-up nothing; bench/followups.py.)
Only the user's earlier *questions* are used, never the answers shown, so the
app, the CLI and the evaluation search the same text for the same conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.text.tokens import FUNCTION_WORDS, content_words, words

# Words that point back to something said earlier. Dutch pronominal adverbs are unambiguous; the
# pronouns count only where nothing in the question itself could be what they point at (see below).
_ADVERB = re.compile(r"\b(?:daar|hier)(?:aan|bij|door|in|mee|na|naar|onder|op|over|tegen|toe|uit|van|"
                     r"voor)\b", re.IGNORECASE)
_OPENING = re.compile(r"^\s*(?:en|maar|ook|en\s+wat|and|but|also|what\s+about|how\s+about|and\s+what)\b",
                      re.IGNORECASE)
_POINTER = re.compile(
    r"\b(?:daar|hier|zij|ze|hij|hem|hen|hun|die|dat|deze|dit|it|its|they|them|their|there|that|this|those|"
    r"these|he|she|him|his|her)\b", re.IGNORECASE)
MIN_CONTENT_WORDS = 3  # a question with fewer content words cannot carry its own topic
# A question with more content words names its own subject: a pronoun then points inside it. Chosen on
# the calibration halves (bench/followups.py): 18 of 20 follow-ups caught, 3 of 116 dev questions taken.
MAX_POINTING_WORDS = 5
MAX_TOPIC_TURNS = 3  # earlier questions searched along: the self-contained one and its last follow-ups
MAX_HISTORY = 5  # earlier questions looked at (the app, share links, the CLI and eval alike)


def is_follow_up(question: str) -> bool:
    """True when the question needs the conversation to be understood (see the module's docstring)."""
    if _ADVERB.search(question) or _OPENING.search(question):
        return True
    n = len(content_words(question))
    if n <= MAX_POINTING_WORDS and _POINTER.search(question):
        return True
    return n < MIN_CONTENT_WORDS


def searched_as(question: str, history: Sequence[str] = ()) -> str:
    """The text actually searched for `question` after the earlier questions `history` (oldest
    first): the question itself when it stands alone or nothing came before it; otherwise the
    question followed by the content words of the last self-contained earlier question and the
    follow-ups after it (the last MAX_TOPIC_TURNS - 1 of them). Only the last MAX_HISTORY earlier
    questions are looked at."""
    question = question.strip()
    earlier = [h.strip() for h in history if isinstance(h, str) and h.strip()][-MAX_HISTORY:]
    if not earlier or not is_follow_up(question):
        return question
    start = len(earlier) - 1
    while start > 0 and is_follow_up(earlier[start]):
        start -= 1
    turns = [earlier[start], *earlier[start + 1:][-(MAX_TOPIC_TURNS - 1):]]  # the subject always stays
    topic = topic_words(" ".join(turns), question)
    return f"{question} {topic}" if topic else question


def topic_words(text: str, question: str = "") -> str:
    """The words of `text` that carry its topic, in order, once each, leaving out function words,
    words of two letters or fewer and words the question already has."""
    seen = {w.lower() for w in words(question)}
    out = []
    for word in words(text):
        key = word.lower()
        if key not in seen and key not in FUNCTION_WORDS and len(word) > 2:
            seen.add(key)
            out.append(word)
    return " ".join(out)


def check_history(history: object) -> list[str]:
    """History as the library accepts it: a list of strings (empty ones dropped); ValueError else."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise ValueError("history must be a list of earlier questions, oldest first")
    if not all(isinstance(h, str) for h in history):
        raise ValueError("history must hold only questions (strings)")
    return [h for h in history if h.strip()]
