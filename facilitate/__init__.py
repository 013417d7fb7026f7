"""facilitate: timed, anonymous workshops run from a terminal, answered from phones."""

__version__ = "0.1.0"
