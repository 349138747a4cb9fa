"""livingreview: load, check and publish a living review of CAR T-cell therapy in B-ALL."""

from __future__ import annotations

__version__ = "0.1.0"
