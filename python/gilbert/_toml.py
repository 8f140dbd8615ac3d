"""A small TOML writer for Gilbert configs given as dicts (tables, arrays of
tables, numbers, strings, booleans and arrays of those)."""

import math


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return _value(v.tolist())
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} ({type(v).__name__}) as a TOML value")


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def dumps(config, prefix=""):
    """The TOML text of a nested dict."""
    lines = []
    tables = []
    for key, v in config.items():
        if isinstance(v, dict) or _is_table_array(v):
            tables.append((key, v))
        else:
            lines.append(f"{key} = {_value(v)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, v in tables:
        name = f"{prefix}{key}"
        if isinstance(v, dict):
            out += f"\n[{name}]\n" + dumps(v, name + ".")
        else:
            for item in v:
                out += f"\n[[{name}]]\n" + dumps(item, name + ".")
    return out
