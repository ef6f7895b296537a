"""Persistence of reviews: record models and the durable TinyDB-backed store."""
