"""Service models from botocore: the canonical operations, shapes and constraints."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel


@cache
def _loader() -> Any:
    return Loader()


@cache
def service_model(service: str) -> ServiceModel:
    """The newest botocore model of `service` (e.g. "secretsmanager")."""
    return ServiceModel(_loader().load_service_model(service, "service-2"), service)


def operation(service: str, name: str) -> OperationModel | None:
    model = service_model(service)
    if name not in model.operation_names:
        return None
    return model.operation_model(name)
