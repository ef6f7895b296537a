"""The Textual app: home screen, chat-style review, summary, help and dashboard."""
