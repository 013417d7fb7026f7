"""facilitate: timed, anonymous workshops run from a terminal, answered from phones."""

__version__ = "0.2.0"
"""The one place the version is written: the package metadata reads it from here
(``[tool.hatch.version]`` in pyproject.toml), and ``facilitate --version`` prints it."""
