"""Announcements: notices staff pin to the top of the home, ask and thread pages (site-wide) or
of a board and its threads.

An outage notice needs a home: it is written in Markdown (rendered by the same pipeline as
questions and answers), shown until its `pinned_until` passes (or until staff unpin it),
has its own page, and a member may dismiss it for themselves. Open home, board and thread
pages hear of new or changed announcements over /ws/announcements/ and fetch their banner again.
"""
