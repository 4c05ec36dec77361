"""sitegen: publish LLM inference benchmark results as a static site."""

__version__ = "0.1.0"
