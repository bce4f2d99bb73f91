"""The levels a cost is split into, without NumPy or SciPy.

The assessments' model fields are named after these levels, so Django imports this at
start-up; keeping it apart from analysis.status spares every command (`--help`, `regions`)
loading the engine's SciPy.
"""

#: The levels a cost is split into; financing shares name a subset of them.
COST_LEVELS = ("land", "kreis", "gemeinde", "bund")
