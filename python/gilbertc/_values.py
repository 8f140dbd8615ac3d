"""gilbertc's error and its readers of numbers and vectors."""

import numpy as np


class GilbertcError(ValueError):
    """A System that Gilbert cannot represent."""


def _is_number(v):
    return isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool)


def _scalar(value, name):
    if _is_number(value):
        return float(value)
    raise GilbertcError(f"{name} is {value!r}: gilbertc translates one number here (not a field or a function)")


def _vector(value, name):
    try:
        v = [float(x) for x in value]
    except (TypeError, ValueError):
        v = None
    if v is None or len(v) != 3:
        raise GilbertcError(f"{name} is {value!r}: gilbertc translates a constant 3-vector here")
    return v
