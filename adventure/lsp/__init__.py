"""``hengyang lsp``: a Language Server Protocol server for writers (run by an editor over stdio).

It serves a story folder and its locale folders with the same loader and diagnostics as
``check`` (:mod:`.project`), an index of every id and where it is defined and used
(:mod:`.index`), the editor features built on them (:mod:`.features`) and the pygls wiring
(:mod:`.server`). Nothing here is imported on the way to the first scene of a game; pygls is
imported only when the server starts.
"""
