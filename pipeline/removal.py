"""Removing articles from the store, and saying first what goes with them.

An article's human editions (the same story as the newsroom published it in another language,
linked by ``translation_of``) are people's work: removing the original keeps them as articles
of their own (the link is cleared; the human versions they gave the original's sentences go
with the original), unless the caller asks to remove them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.store import Store


@dataclass(frozen=True, kw_only=True)
class Removal:
    """One article to remove and what goes with it."""

    article_id: str
    title: str
    revisions: int
    versions: int  # every version of its current revision, source text included
    human: int  # human (edited or edition) versions among them
    editions: tuple[tuple[str, str], ...]  # (id, title) of its human editions
    with_editions: bool

    def describe(self) -> str:
        """One line: what removing this article does."""
        line = (
            f"{self.article_id}  {self.title[:50]!r}: {self.revisions} revision(s),"
            f" {self.versions} versions ({self.human} by people)"
        )
        if not self.editions:
            return line
        names = ", ".join(edition_id for edition_id, _ in self.editions)
        if self.with_editions:
            return f"{line}; its human editions {names} are removed too"
        return f"{line}; its human editions {names} are kept as articles of their own"


def plan_removal(store: Store, refs: Sequence[str], *, with_editions: bool) -> list[Removal]:
    """What removing refs would do; raises ArticleNotFound for a ref that names nothing."""
    plans: list[Removal] = []
    seen: set[str] = set()
    for ref in refs:
        article_id = store.resolve(ref)
        if article_id in seen:
            continue
        seen.add(article_id)
        stored = store.article(article_id)
        versions = store.article_versions(stored)
        editions = tuple((e, store.article(e).title) for e in store.editions_of(article_id))
        plans.append(
            Removal(
                article_id=article_id,
                title=stored.title,
                revisions=stored.revision,
                versions=len(versions),
                human=sum(1 for v in versions if v.origin == "human"),
                editions=editions,
                with_editions=with_editions,
            )
        )
    return plans


def remove(store: Store, plans: Sequence[Removal]) -> list[str]:
    """Remove what plan_removal described; returns the ids removed, editions included."""
    removed: list[str] = []
    for plan in plans:
        if plan.with_editions:
            for edition_id, _ in plan.editions:
                if edition_id not in removed:
                    removed.append(store.delete_article(edition_id))
        removed.append(store.delete_article(plan.article_id))
    return removed
