"""Statistics shared by the domains: reliability coefficients and their readings.

The domain modules (assessment agreement, evaluation coder agreement) compute their tables
from the public functions here, so each coefficient has one implementation.
"""

__all__: list[str] = []
