"""Review rules, in one place for every front-end (the CLI and the web desk call these).

`state`: pure rules: the version a reader sees, when reviewed text has gone stale, what a new
revision carries over. `language`: an article's language versions and their review states.
`actions`: approve, take approval back, edit with optimistic concurrency, history. `queue`: the
articles that need a person, worst first. `view`: one article as the desk shows it. `risk`: how
likely a machine version is wrong.
"""
