"""Reads of the good-practice library, each a fixed number of queries whatever the number of
schools or practices (the lists are paged)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString

from districts.practices import search
from districts.practices.models import Practice, PracticeEvent, PracticeFile

Status = Practice.Status
PAGE_SIZE = 20
# The library counts at most this many matches (ten pages): a word found in nearly every
# practice would otherwise read every matching text once more just to count them.
COUNT_CAP = 200
# Letters of context on each side of the first match in a result's excerpt.
EXCERPT_CONTEXT = 90


def library(practices: QuerySet[Practice], *, query: str = "", step: str = "") -> QuerySet:
    """The published ones among ``practices`` (one district's, by the access layer), of
    ``step`` when given, matching ``query`` (the best first; else the newest first)."""
    practices = practices.filter(status=Status.PUBLISHED).select_related("school")
    if step:
        practices = practices.filter(step=step)
    return search.matching(practices, query).defer("search_text")


class CappedPaginator(Paginator):
    """A paginator counting at most COUNT_CAP rows (one query); ``capped``: there are more."""

    @cached_property
    def _found(self) -> int:
        return len(self.object_list.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])

    @cached_property
    def count(self) -> int:
        return min(self._found, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._found > COUNT_CAP


def library_page(
    practices: QuerySet[Practice], *, query: str = "", step: str = "", page=None
) -> Page:
    """One page of ``library`` (at most COUNT_CAP rows in all): a count and the page's rows,
    each with its ``excerpt``."""
    found = CappedPaginator(library(practices, query=query, step=step), PAGE_SIZE).get_page(page)
    words = search.terms(query)
    for practice in found.object_list:
        practice.excerpt = excerpt(practice, words)
    return found


def excerpt(practice: Practice, words: list[str]) -> SafeString:
    """The summary's beginning; with search words, the passage around the first one found in
    the summary, the steps or the results, that word marked."""
    texts = [search.clean(t) for t in (practice.summary, practice.steps_taken, practice.results)]
    for text in texts:
        lower = text.lower()
        if len(lower) != len(text):  # a letter whose lower case is longer: show it so
            text = lower
        found = [(lower.find(word), word) for word in words if word in lower]
        if not found:
            continue
        at, word = min(found)
        start = max(0, at - EXCERPT_CONTEXT)
        end = min(len(text), at + len(word) + EXCERPT_CONTEXT)
        return format_html(
            "{}{}<mark>{}</mark>{}{}",
            "…" if start else "",
            text[start:at],
            text[at : at + len(word)],
            text[at + len(word) : end],
            "…" if end < len(text) else "",
        )
    summary = texts[0]
    cut = 2 * EXCERPT_CONTEXT
    return format_html("{}{}", summary[:cut], "…" if len(summary) > cut else "")


def school_practices(*, school) -> QuerySet[Practice]:
    """Every practice of ``school``, the ones it is working on first, then the newest."""
    return (
        Practice.objects.filter(school=school)
        .select_related("created_by")
        .defer("search_text", "summary", "steps_taken", "results")
        .order_by("-modified", "-pk")
    )


def review_queue(*, district) -> dict[str, list[Practice]]:
    """The district's practices waiting for review (the oldest first) and the latest ones sent
    back to their schools, each with its school (two queries)."""
    rows = (
        Practice.objects.filter(district=district)
        .select_related("school")
        .defer("search_text", "summary", "steps_taken", "results")
    )
    return {
        "waiting": list(rows.filter(status=Status.SUBMITTED).order_by("submitted_at", "pk")[:100]),
        "sent_back": list(rows.filter(status=Status.SENT_BACK).order_by("-modified", "-pk")[:30]),
    }


def waiting_count(*, district) -> int:
    return Practice.objects.filter(district=district, status=Status.SUBMITTED).count()


def practice_detail(practice: Practice) -> dict:
    """A practice's photos, documents and review steps, and the district's last comment when
    it sent the practice back (two queries)."""
    files = list(PracticeFile.objects.filter(practice=practice))
    events = list(PracticeEvent.objects.filter(practice=practice).select_related("by"))
    sent_back = [e for e in events if e.action == PracticeEvent.Action.SENT_BACK]
    return {
        "photos": [f for f in files if f.kind == PracticeFile.Kind.PHOTO],
        "documents": [f for f in files if f.kind == PracticeFile.Kind.DOCUMENT],
        "events": events,
        # What the district asked to change, while the practice is back with its school.
        "sent_back": sent_back[-1] if sent_back and practice.status == Status.SENT_BACK else None,
    }
