"""qc: translation-quality checks and near-duplicate detection for news articles."""

__version__ = "0.1.0"
