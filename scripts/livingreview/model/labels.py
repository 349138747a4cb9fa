"""How a study is named where room is short: the row labels of forest plots.

A label is never cut: a row that said "Pan CD22 CAR T (ChiCTR-OIC-…" could not be told
from its neighbours. The label is the record's ``short_name`` (whole words an editor chose)
or else its whole name, followed by the subgroup when the row is one; a label that would
not fit the plot's label column is a warning for the record (LR903), mended by giving it a
``short_name``.
"""

from __future__ import annotations

from .records import Trial

#: Longest ``short_name`` (LR902).
SHORT_NAME_MAX = 24
#: Longest label that fits the forest plots' label column at their font size (LR903).
PLOT_LABEL_MAX = 48


def plot_label(trial: Trial, subgroup: str | None = None) -> str:
    """The label of ``trial``'s row in a forest plot, with ``subgroup`` where the row is one."""
    name = trial.short_name or trial.name
    return f"{name}: {subgroup}" if subgroup else name
