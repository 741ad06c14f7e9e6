"""Review rules, in one place for every front-end: pure functions over versions.

`state`: the version a reader sees, when a segment's reviewed text has gone stale, and what a
new revision carries over from the old one.
"""
