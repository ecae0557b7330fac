"""The lint engine: rule model, pack loading and validation, rule kinds, the one-pass matcher."""
