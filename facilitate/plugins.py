"""The plugin manager: loads every plugin from the ``facilitate`` entry-point group.

Built-in activity types are registered through that group too, exactly as a third
party's would be. A plugin that fails to import, or raises while registering, is
recorded with its error and the others still load; ``facilitate plugins`` shows it.

Set ``FACILITATE_PLUGINS`` to a comma-separated list of entry-point names to load only
those (handy when a broken plugin is in the way).

A plugin may also list the activity types it provides in the ``facilitate.types`` group
(:data:`TYPES_GROUP`); such a plugin is imported only when something asks for one of
its types (an agenda that uses it, ``facilitate types``, ``facilitate plugins``), so a
workshop starts without importing the plugins its agenda does not use.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterable
from typing import Any

import pluggy
from attrs import define, field

from facilitate import hookspecs
from facilitate.activity import (
    CONTEXT_SIGNATURES,
    ActivityType,
    FacilitateDeprecationWarning,
    old_style_methods,
)
from facilitate.entry_points import entry_points_of
from facilitate.reprs import attrs_repr


def _log() -> Any:
    """This module's logger (``logging`` is imported when there is something to say)."""
    import logging

    return logging.getLogger(__name__)


ENTRY_POINT_GROUP = "facilitate"
TYPES_GROUP = "facilitate.types"
"""Entry points that declare a plugin's activity types before it is imported: each
entry's name is a type, its value the same object reference as the plugin's own entry in
:data:`ENTRY_POINT_GROUP`. A plugin that declares its types is imported only when one of
them is needed (its observer hooks run from then on); one that declares none is imported
when facilitate starts, as before."""


class UnknownActivityType(LookupError):
    def __init__(self, kind: str, installed: Iterable[str]) -> None:
        self.kind = kind
        self.installed = sorted(installed)
        super().__init__(
            f"unknown activity type {kind!r}; installed types: {', '.join(self.installed)}"
        )


class PluginRefused(ValueError):
    """A plugin implements a hook that does not exist (a misspelled name, usually)."""

    def __init__(self, plugin: str, unknown: list[str], known: list[str]) -> None:
        self.plugin = plugin
        self.unknown = unknown
        hints = []
        for hook in unknown:
            import difflib

            near = difflib.get_close_matches(hook, known, n=1)
            hints.append(f"{hook!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        super().__init__(
            f"plugin {plugin!r} refused: unknown hook {', '.join(hints)}; "
            f"known hooks: {', '.join(known)}"
        )


@define
class PluginInfo:
    """One loaded (or failed) plugin, as ``facilitate plugins`` lists it."""

    __repr__ = attrs_repr

    name: str
    version: str = ""
    module: str = ""
    activity_types: list[str] = field(factory=list)
    templates: list[str] = field(factory=list)
    error: str | None = None


class Plugins:
    """The loaded plugins and what they registered."""

    def __init__(self, *, entry_points: bool = True, extra: Iterable[Any] = ()) -> None:
        self.manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.manager.add_hookspecs(hookspecs)
        self._info: dict[str, PluginInfo] = {}
        self._types: dict[str, ActivityType[Any, Any]] = {}
        self._templates: dict[str, Any] = {}
        self._type_owner: dict[str, str] = {}
        self._waiting: dict[str, Any] = {}
        """Plugins that declared their types and are not imported yet, by name."""
        self._declared: dict[str, str] = {}
        """Each type a waiting plugin declared -> that plugin's name."""
        self._by_reference: dict[str, str] = {}
        """Each type a plugin registered by reference and nothing has asked for yet ->
        its reference (``"module:Class"``); imported when first asked for."""
        if entry_points:
            self._load_entry_points()
        for plugin in extra:
            self.register(plugin)
        self.manager.check_pending()
        self._collect()

    @property
    def activity_types(self) -> dict[str, ActivityType[Any, Any]]:
        """Every installed activity type by kind (importing the plugins not loaded yet)."""
        self.load_all()
        return self._types

    @property
    def templates(self) -> dict[str, Any]:
        """Every agenda template by name (importing the plugins not loaded yet)."""
        self.load_all()
        return self._templates

    @property
    def info(self) -> dict[str, PluginInfo]:
        """Every plugin by name, loaded or failed (importing the ones not loaded yet)."""
        self.load_all()
        return self._info

    def _load_entry_points(self) -> None:
        wanted = os.environ.get("FACILITATE_PLUGINS")
        only = {n.strip() for n in wanted.split(",") if n.strip()} if wanted else None
        found = entry_points_of(ENTRY_POINT_GROUP, TYPES_GROUP)
        declared: dict[str, list[str]] = {}
        for entry_point in found[TYPES_GROUP]:
            declared.setdefault(entry_point.value.strip(), []).append(entry_point.name)
        for entry_point in found[ENTRY_POINT_GROUP]:
            if only is not None and entry_point.name not in only:
                continue
            if entry_point.name in self._info:
                continue
            version = entry_point.dist.version if entry_point.dist else ""
            self._info[entry_point.name] = PluginInfo(entry_point.name, version, entry_point.value)
            kinds = declared.get(entry_point.value.strip())
            if kinds:
                self._waiting[entry_point.name] = entry_point
                for kind in kinds:
                    self._declared.setdefault(kind, entry_point.name)
                continue
            self._import(entry_point)

    def _import(self, entry_point: Any) -> bool:
        """Import and register one plugin; whether it loaded (a failure is recorded)."""
        try:
            plugin = entry_point.load()
            self._register_checked(plugin, entry_point.name)
        except Exception as error:  # a broken plugin must not stop the workshop
            self._info[entry_point.name].error = _describe(error)
            _log().warning(
                "plugin %s failed to load: %s", entry_point.name, self._info[entry_point.name].error
            )
            return False
        return True

    def load_all(self) -> None:
        """Import every plugin, and every type registered by reference, still waiting
        to be needed."""
        if self._waiting:
            self._load_waiting(list(self._waiting))
        for kind in list(self._by_reference):
            self._import_type(kind)

    def _load_waiting(self, names: list[str]) -> None:
        loaded = [name for name in names if self._import(self._waiting.pop(name))]
        for kind, name in list(self._declared.items()):
            if name in names:
                del self._declared[kind]
        if loaded:
            self.manager.check_pending()
            for name in loaded:
                self._collect(only=name)

    def register(self, plugin: Any, name: str | None = None) -> str:
        """Register a plugin object (a module or an instance with hookimpls) by hand.

        Raises :class:`PluginRefused` if it implements a hook that does not exist.
        """
        registered = self._register_checked(plugin, name)
        self._info.setdefault(
            registered, PluginInfo(registered, module=getattr(plugin, "__name__", ""))
        )
        return registered

    def _register_checked(self, plugin: Any, name: str | None) -> str:
        """Register a plugin, or refuse it (registering nothing) if a hook name is wrong."""
        registered = self.manager.register(plugin, name=name)
        assert registered is not None
        unknown = sorted(
            caller.name
            for caller in self.manager.get_hookcallers(plugin) or ()
            if not caller.has_spec()
        )
        if unknown:
            self.manager.unregister(plugin)
            raise PluginRefused(registered, unknown, self.hook_names())
        return registered

    def hook_names(self) -> list[str]:
        """Every hook a plugin may implement (those declared in ``facilitate.hookspecs``)."""
        return sorted(
            name
            for name, caller in vars(self.manager.hook).items()
            if not name.startswith("_") and caller.has_spec()
        )

    def remove(self, name: str) -> None:
        """Unregister a plugin by name and forget what it provided (for tests)."""
        plugin = self.manager.get_plugin(name)
        if plugin is not None:
            self.manager.unregister(plugin)
        self._info.pop(name, None)
        self._waiting.pop(name, None)
        self._declared = {k: n for k, n in self._declared.items() if n != name}
        self._collect()

    def add(self, plugin: Any, name: str | None = None) -> str:
        """Register a plugin after start-up and collect what it provides (for tests)."""
        registered = self.register(plugin, name)
        self.manager.check_pending()
        self._collect()
        return registered

    def _collect(self, only: str | None = None) -> None:
        """Collect the types and templates the plugins register: all of them again, or
        those of the plugin ``only`` (just imported) added to the rest."""
        if only is None:
            self._types.clear()
            self._by_reference.clear()
            self._templates.clear()
            self._type_owner.clear()
            for info in self._info.values():
                info.activity_types.clear()
                info.templates.clear()
        hook = self.manager.hook
        for impl in hook.facilitate_activity_types.get_hookimpls():
            if only is None or impl.plugin_name == only:
                self._call_registration(impl, self._register_type)
        for impl in hook.facilitate_agenda_templates.get_hookimpls():
            if only is None or impl.plugin_name == only:
                self._call_registration(impl, self._register_template)

    def _call_registration(self, impl: Any, register: Any) -> None:
        name = impl.plugin_name
        info = self._info.setdefault(name, PluginInfo(name))
        try:
            _call(impl, register=lambda *args, **kwargs: register(name, *args, **kwargs))
        except Exception as error:
            info.error = _describe(error)
            _log().warning("plugin %s failed while registering: %s", name, info.error)

    def _register_type(self, plugin_name: str, activity_type: Any, kind: str = "") -> None:
        if isinstance(activity_type, str):
            self._register_reference(plugin_name, activity_type, kind)
            return
        instance = activity_type() if isinstance(activity_type, type) else activity_type
        kind = getattr(instance, "kind", "")
        if not isinstance(instance, ActivityType) or not kind:
            raise TypeError(
                f"registered {activity_type!r}, which is not an ActivityType with a kind"
            )
        self._claim(plugin_name, kind)
        self._types[kind] = instance
        _warn_if_old_style(plugin_name, type(instance))

    def _claim(self, plugin_name: str, kind: str) -> None:
        """Make ``kind`` the plugin's, or refuse it if another plugin has it."""
        if kind in self._types or kind in self._by_reference:
            raise ValueError(
                f"activity type {kind!r} is already provided by {self._type_owner[kind]!r}"
            )
        self._type_owner[kind] = plugin_name
        self._info[plugin_name].activity_types.append(kind)

    def _register_reference(self, plugin_name: str, reference: str, kind: str) -> None:
        """``register("module:Class", kind="...")``: the type is imported when first needed."""
        module, _, name = reference.partition(":")
        if not kind or not module or not name:
            raise TypeError(
                f"registered {reference!r}: a type registered by reference is"
                f" register('module:Class', kind='its kind')"
            )
        self._claim(plugin_name, kind)
        self._by_reference[kind] = reference

    def _import_type(self, kind: str) -> None:
        """Import a type registered by reference; a failure is recorded on its plugin
        (which then no longer provides it), as a plugin that fails to import is."""
        reference = self._by_reference.pop(kind)
        plugin_name = self._type_owner[kind]
        info = self._info[plugin_name]
        module, _, name = reference.partition(":")
        try:
            activity_type = getattr(importlib.import_module(module), name)
            instance = activity_type() if isinstance(activity_type, type) else activity_type
            if not isinstance(instance, ActivityType) or instance.kind != kind:
                raise TypeError(
                    f"{reference} is not an ActivityType of kind {kind!r}"
                    f" (its kind: {getattr(instance, 'kind', None)!r})"
                )
        except Exception as error:  # a broken type must not stop the workshop
            said = f"type {kind!r}: {_describe(error)}"
            info.error = f"{info.error}; {said}" if info.error else said
            info.activity_types.remove(kind)
            del self._type_owner[kind]
            _log().warning("plugin %s failed to load type %s: %s", plugin_name, kind, info.error)
            return
        self._types[kind] = instance
        _warn_if_old_style(plugin_name, type(instance))

    def _register_template(self, plugin_name: str, name: str, path: Any) -> None:
        self._templates[name] = path
        self._info[plugin_name].templates.append(name)

    def activity_type(self, kind: str) -> ActivityType[Any, Any]:
        """The type of this kind, importing the plugin that declared it if need be; if
        no plugin declared it, every plugin is imported before it is called unknown."""
        found = self._types.get(kind)
        if found is not None:
            return found
        if kind in self._by_reference:
            self._import_type(kind)
            if kind in self._types:
                return self._types[kind]
        declared_by = self._declared.get(kind)
        if declared_by is not None:
            self._load_waiting([declared_by])
        if kind not in self._types:
            self.load_all()
        try:
            return self._types[kind]
        except KeyError:
            raise UnknownActivityType(kind, self._types) from None

    def find(self, kind: str) -> ActivityType[Any, Any] | None:
        """The type of this kind, or ``None`` if none is installed."""
        try:
            return self.activity_type(kind)
        except UnknownActivityType:
            return None

    def owner(self, kind: str) -> str:
        """The name of the plugin that provides an activity type (``"?"`` if none does)."""
        if kind not in self._type_owner:
            self.find(kind)
        return self._type_owner.get(kind, "?")

    def notify(self, event: Any) -> None:
        """Tell observers about an event; one that raises is logged and skipped."""
        for impl in self.manager.hook.facilitate_event.get_hookimpls():
            try:
                _call(impl, event=event)
            except Exception as error:
                _log().warning("plugin %s failed observing %s: %s", impl.plugin_name, event, error)

    def describe(self) -> list[PluginInfo]:
        return sorted(self.info.values(), key=lambda info: info.name)

    def waiting(self) -> list[str]:
        """The plugins not imported yet (they declared types nothing has asked for)."""
        return sorted(self._waiting)


def _warn_if_old_style(plugin_name: str, activity_type: type) -> None:
    """Say once, when a plugin loads, which of its methods predate ``context``."""
    old = old_style_methods(activity_type)
    if not old:
        return
    signatures = ", ".join(CONTEXT_SIGNATURES[name] for name in old)
    message = (
        f"plugin {plugin_name!r}: {activity_type.__name__} defines {', '.join(old)} without"
        f" the context argument; it still works, but will stop working in facilitate 0.3."
        f" Add it: {signatures} (docs/plugins.md, 'The context')."
    )
    warnings.warn(FacilitateDeprecationWarning(message), stacklevel=2)
    _log().info("%s", message)


def _call(impl: Any, **kwargs: Any) -> Any:
    """Call one hook implementation with the keyword arguments it declares."""
    return impl.function(**{key: kwargs[key] for key in impl.argnames if key in kwargs})


def _describe(error: BaseException) -> str:
    """The error in one line, with the place in the plugin's own code where it was raised."""
    if isinstance(error, PluginRefused):
        return str(error)
    import importlib.metadata
    import traceback

    from facilitate import entry_points as discovery

    ours = (
        __file__,
        os.path.dirname(pluggy.__file__),
        importlib.metadata.__file__,
        importlib.__file__,
        discovery.__file__,
    )
    where = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(ours) and "<frozen" not in frame.filename
    ]
    place = f" ({where[-1].filename}:{where[-1].lineno})" if where else ""
    return f"{type(error).__name__}: {error}{place}"


_default: Plugins | None = None


def default_plugins() -> Plugins:
    """The plugins installed in this environment, loaded once on first use."""
    global _default
    if _default is None:
        _default = Plugins()
    return _default
