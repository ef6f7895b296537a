"""The pure conversation engine: no I/O, no Textual, no TinyDB.

Given a framework, a review and an answer it returns the new review and the events to show.
"""
