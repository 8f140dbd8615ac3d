"""gilbertc's version (the adapter_version of its drives)."""

__version__ = "0.2.0"
