"""Pressroom: structured Markdown in, a PDF brochure and a Word report out."""

__version__ = "0.1.0"
