"""The home page is assembled from panels that the apps register (award cannot import
the apps above it, so they plug in here from their AppConfig.ready)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


PanelProvider = Callable[[HttpRequest], Panel | None]
_providers: list[tuple[int, PanelProvider]] = []


def panel_register(order: int, provider: PanelProvider) -> None:
    if all(existing is not provider for _, existing in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])


def panels_for(request: HttpRequest) -> list[Panel]:
    return [panel for _, provider in _providers if (panel := provider(request)) is not None]
