"""The public plugin API: everything a plugin may import from facilitate, in one place.

Plugins (ours in ``plugins/`` included) import from here and nowhere else, so the
internals can change without breaking them.
"""

from facilitate.activity import (
    ActivityType,
    ConfigError,
    CountTally,
    ItemContext,
    Problem,
    Reference,
    StaticContext,
    Tally,
    build_config,
    setting,
)
from facilitate.forms import (
    AnswerError,
    ChoiceField,
    Field,
    Form,
    GridField,
    MultiField,
    PointsField,
    RankField,
    RawForm,
    ScaleField,
    TextField,
)
from facilitate.hookspecs import hookimpl
from facilitate.text import clean_text, one_line, strip_controls
from facilitate.views import (
    Bar,
    Bars,
    Block,
    Heatmap,
    Note,
    Radar,
    Spread,
    SpreadRow,
    Table,
    Texts,
    View,
    Words,
    unordered,
)

__all__ = [
    "ActivityType",
    "AnswerError",
    "Bar",
    "Bars",
    "Block",
    "ChoiceField",
    "ConfigError",
    "CountTally",
    "Field",
    "Form",
    "GridField",
    "Heatmap",
    "ItemContext",
    "MultiField",
    "Note",
    "PointsField",
    "Problem",
    "Radar",
    "RankField",
    "RawForm",
    "Reference",
    "ScaleField",
    "Spread",
    "SpreadRow",
    "StaticContext",
    "Table",
    "Tally",
    "TextField",
    "Texts",
    "View",
    "Words",
    "build_config",
    "clean_text",
    "hookimpl",
    "one_line",
    "setting",
    "strip_controls",
    "unordered",
]
