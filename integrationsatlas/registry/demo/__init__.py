"""The demo registry for every Kreis of the Land: realistic in scale, invented in every detail.

Every row it writes carries `is_demo=True` (demo indicator values a source starting "Demo:"),
so pages, API responses and exports can label it. The same seed always yields the same rows;
loading again replaces the demo rows and leaves real data alone. Modules: `scale` (published
figures the supply is scaled to), `plan` (supply per Kreis following demand plus noise),
`rows` (writing), `names` (names with "Demo", fictional phone numbers), `users`.
"""

from .build import DEFAULT_SEED, DemoSummary, demo_exists, load_demo
from .users import COORDINATOR_KREIS, create_demo_users

__all__ = [
    "COORDINATOR_KREIS",
    "DEFAULT_SEED",
    "DemoSummary",
    "create_demo_users",
    "demo_exists",
    "load_demo",
]
