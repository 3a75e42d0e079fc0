# The brine container in both encodings: writer and bounded, checked reader (docs/format.md).
# SPDX-License-Identifier: MIT
"""Encoding and decoding of brine files, generic over the field types of `_kinds`.

The binary writer lays out bytes exactly as docs/format.md sections 1-3 say; the JSON writer
reproduces the C++ writer's layout (objects one member per line indented by two spaces, arrays
of numbers or strings on one line, arrays of objects one element per line, doubles as `_dtoa`
prints them, a final newline), so both writers produce identical bytes for the same content.

The reader checks, in the C++ reader's order, the layout, the checksum, then the header and
payload; every count is checked against the bytes that remain and against `Limits` before
anything is allocated. Every failure is a brine.Error with the C++ error code's name.
"""
import json
import math
import struct
from dataclasses import dataclass

import numpy as np

from . import _kinds
from ._dtoa import format_double
from ._errors import Error
from ._xxhash import xxh64

MAGIC = b"\x89BRINE\r\n"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
CANONICAL_NAN = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000))[0]


@dataclass
class Limits:
    """What a file may make the reader read and allocate; the C++ `brine::Limits` defaults."""
    max_file_bytes: int = 1 << 32
    max_json_bytes: int = 1 << 28
    max_elements: int = 1 << 29
    max_nodes: int = 1 << 26
    max_string_length: int = 1 << 20
    max_nesting: int = 64
    #: ColumnTransformers nested in one another, refused before a deeper one is read.
    max_transform_depth: int = 8
    #: Transform steps in one model (every pipeline's and ColumnTransformer branch's).
    max_transform_steps: int = 4096


PROVENANCE = ("struct", [("library_version", "str"), ("trainer", "str"),
                         ("options", ("kv", "str")), ("data_hash", "str"), ("n_samples", "u64"),
                         ("metrics", ("kv", "f64"))])
METADATA = ("struct", [("feature_names", ("list", "str")), ("target_name", "str"),
                       ("class_labels", ("list", "str")), ("extra", ("kv", "str")),
                       ("provenance", PROVENANCE)])
REFERENCE = ("struct", [("inputs", _kinds.MAT_F64), ("outputs", _kinds.MAT_F64),
                        ("tolerance", "f64"), ("build", "str")])
# The header's "kind" and "schema_version" are read first and checked (below); the rest:
HEADER_REST = [("library_version", "str"), ("created", "str"), ("metadata", METADATA),
               ("reference", REFERENCE)]

_INT_RANGE = {"u8": (0, 255), "u32": (0, (1 << 32) - 1), "u64": (0, (1 << 64) - 1),
              "i32": (-(1 << 31), (1 << 31) - 1)}
_INT_FMT = {"u8": "<B", "u32": "<I", "u64": "<Q", "i32": "<i"}
# Element types of matrices other than f64: little-endian bytes, and the array type read into.
_ARRAY_INT = {"i32": ("<i4", np.int32), "u8": ("u1", np.uint8)}


def model_fields(kind, version):
    return [("schema_version", "u32")] + _kinds.KINDS[kind].schemas[version]


# ------------------------------------------------------------------------------------------------
# Binary writer


def _canonical_f64(a):
    a = np.ascontiguousarray(a, dtype="<f8")
    if np.isnan(a).any():
        a = a.copy()
        a[np.isnan(a)] = CANONICAL_NAN
    return a


class _BinWriter:
    def __init__(self):
        self.parts = []
        self.size = 0

    def put(self, b):
        self.parts.append(b)
        self.size += len(b)

    def value(self, t, v, path):
        if isinstance(t, str) and t in _INT_FMT:
            self.put(struct.pack(_INT_FMT[t], v))
        elif t == "f64":
            self.put(_canonical_f64(np.array([v], dtype=np.float64)).tobytes())
        elif t == "bool":
            self.put(b"\x01" if v else b"\x00")
        elif t == "str":
            b = _utf8(v, path)
            self.put(struct.pack("<Q", len(b)))
            self.put(b)
        elif t[0] == "slot":
            self.value("str", v["kind"], path)
            self.model(v["kind"], v["model"], path + ".model")
        elif t[0] == "packed":
            a = np.asarray(v, dtype=np.int64).ravel()
            lo, hi = (int(a.min()), int(a.max())) if a.size else (0, 0)
            width = packed_width(min(lo, 0), max(hi, 0))
            self.put(struct.pack("<QB", a.size, width))
            self.put(np.ascontiguousarray(a, dtype=f"<i{width}").tobytes())
        elif t[0] == "bits":
            a = np.asarray(v).ravel() != 0
            self.put(struct.pack("<Q", a.size))
            self.put(np.packbits(a, bitorder="little").tobytes())
        elif t[0] in ("mat", "vec"):
            a = v
            self.put(struct.pack("<QQ", a.shape[0], a.shape[1]))
            if t[1] == "f64":
                self.put(_canonical_f64(a).tobytes())
            else:
                self.put(np.ascontiguousarray(a, dtype=_ARRAY_INT[t[1]][0]).tobytes())
        elif t[0] == "list":
            self.put(struct.pack("<Q", len(v)))
            for i, x in enumerate(v):
                self.value(t[1], x, f"{path}[{i}]")
        elif t[0] == "kv":
            items = _sorted_items(v)
            self.put(struct.pack("<Q", len(items)))
            for k, x in items:
                self.value("str", k, path)
                self.value(t[1], x, path)
        elif t[0] == "struct":
            for name, ft in t[1]:
                self.value(ft, v[name], f"{path}.{name}")
        elif t[0] == "enum":
            self.value("str", v, path)
        else:
            raise AssertionError(t)

    def model(self, kind, m, path):
        for name, ft in model_fields(kind, m["schema_version"]):
            self.value(ft, m[name], f"{path}.{name}")

    def header(self, h):
        self.value("str", h["kind"], "$.header.kind")
        self.value("u32", h["schema_version"], "$.header.schema_version")
        for name, ft in HEADER_REST:
            self.value(ft, h[name], f"$.header.{name}")


def packed_width(lo, hi):
    """Bytes of the narrowest signed integer that holds [lo, hi]: 1, 2 or 4."""
    if lo >= -128 and hi <= 127:
        return 1
    if lo >= -32768 and hi <= 32767:
        return 2
    return 4


def _utf8(s, path):
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        raise Error("invalid_argument", f"string at {path} is not valid UTF-8 "
                                        "(it holds a lone surrogate)") from None


def _sorted_items(d):
    return sorted(d.items(), key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))


def encode_body(header, payload, major=FORMAT_MAJOR, minor=FORMAT_MINOR):
    """Bytes [0, 28 + H + P) of the binary file: everything the checksum covers."""
    w = _BinWriter()
    w.header(header)
    head = b"".join(w.parts)
    w = _BinWriter()
    w.model(header["kind"], payload, "$.payload")
    body = b"".join(w.parts)
    return b"".join([MAGIC, struct.pack("<HHQ", major, minor, len(head)), head,
                     struct.pack("<Q", len(body)), body])


def encode_binary(header, payload, major=FORMAT_MAJOR, minor=FORMAT_MINOR):
    body = encode_body(header, payload, major, minor)
    return body + struct.pack("<Q", xxh64(body))


# ------------------------------------------------------------------------------------------------
# JSON writer: the C++ writer's layout, character for character.

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}
for _c in range(0x20):
    _ESCAPES.setdefault(chr(_c), "\\u%04x" % _c)
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def _json_string(s, path):
    _utf8(s, path)
    return '"' + s.translate(_ESCAPE_TABLE) + '"'


def _json_number_array(a, elem):
    if a.size == 0:
        return "[]"
    if elem == "f64":
        return "[" + ", ".join(format_double(x) for x in a.ravel().tolist()) + "]"
    return "[" + ", ".join(str(x) for x in a.ravel().tolist()) + "]"


def _json_object(members, depth):
    if not members:
        return "{}"
    pad = "  " * (depth + 1)
    return ("{\n" + ",\n".join(f'{pad}"{name}": {text}' for name, text in members) + "\n"
            + "  " * depth + "}")


def _json_multiline_array(texts, depth):
    if not texts:
        return "[]"
    pad = "  " * (depth + 1)
    return "[\n" + ",\n".join(pad + t for t in texts) + "\n" + "  " * depth + "]"


def _json_value(t, v, depth, path):
    if isinstance(t, str) and t in _INT_FMT:
        return str(int(v))
    if t == "f64":
        return format_double(float(v))
    if t == "bool":
        return "true" if v else "false"
    if t == "str":
        return _json_string(v, path)
    if t[0] == "slot":
        return _json_object([("kind", _json_string(v["kind"], path)),
                             ("model", _json_model(v["kind"], v["model"], depth + 1,
                                                  path + ".model"))], depth)
    if t[0] in ("packed", "bits"):  # JSON holds them as plain vectors
        return _json_value(("vec", t[1]), v, depth, path)
    if t[0] in ("mat", "vec"):
        return _json_object([("rows", str(v.shape[0])), ("cols", str(v.shape[1])),
                             ("data", _json_number_array(v, t[1]))], depth)
    if t[0] == "list":
        if t[1] in ("str", "f64", "u32", "u64", "i32"):
            if not v:
                return "[]"
            return "[" + ", ".join(_json_value(t[1], x, depth + 1, f"{path}[{i}]")
                                   for i, x in enumerate(v)) + "]"
        return _json_multiline_array([_json_value(t[1], x, depth + 1, f"{path}[{i}]")
                                      for i, x in enumerate(v)], depth)
    if t[0] == "kv":
        return _json_multiline_array(
            [_json_object([("key", _json_string(k, path)),
                           ("value", _json_value(t[1], x, depth + 2, path))], depth + 1)
             for k, x in _sorted_items(v)], depth)
    if t[0] == "struct":
        return _json_object([(name, _json_value(ft, v[name], depth + 1, f"{path}.{name}"))
                             for name, ft in t[1]], depth)
    if t[0] == "enum":
        return _json_value("str", v, depth, path)
    raise AssertionError(t)


def _json_model(kind, m, depth, path):
    return _json_object([(name, _json_value(ft, m[name], depth + 1, f"{path}.{name}"))
                         for name, ft in model_fields(kind, m["schema_version"])], depth)


def encode_json(header, payload, major=FORMAT_MAJOR, minor=FORMAT_MINOR):
    checksum = xxh64(encode_body(header, payload, major, minor))
    head = [("kind", _json_string(header["kind"], "$.header.kind")),
            ("schema_version", str(header["schema_version"]))]
    head += [(name, _json_value(ft, header[name], 2, f"$.header.{name}"))
             for name, ft in HEADER_REST]
    top = [("format", '"brine"'),
           ("format_version", _json_object([("major", str(major)), ("minor", str(minor))], 1)),
           ("header", _json_object(head, 1)),
           ("payload", _json_model(header["kind"], payload, 1, "$.payload")),
           ("checksum", f'"xxh64:{checksum:016x}"')]
    return (_json_object(top, 0) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------------
# Binary reader


class _Nesting:
    """What both readers count while decoding a model: how deep ColumnTransformers nest, how many
    transform steps were read (the C++ reader's Limits::max_transform_depth / _steps)."""

    def enter_kind(self, kind, where):
        if kind != "column_transformer":
            return False
        depth = getattr(self, "ct_depth", 0) + 1
        if depth > self.limits.max_transform_depth:
            raise Error("limit_exceeded", f"ColumnTransformer nested {depth} deep exceeds "
                                          "Limits::max_transform_depth "
                                          f"({self.limits.max_transform_depth}) at {where}")
        self.ct_depth = depth
        return True

    def leave_kind(self, entered):
        if entered:
            self.ct_depth -= 1

    def count_step(self, role, where):
        if role != "transformer":
            return
        self.steps = getattr(self, "steps", 0) + 1
        if self.steps > self.limits.max_transform_steps:
            raise Error("limit_exceeded", "more than Limits::max_transform_steps "
                                          f"({self.limits.max_transform_steps}) transform steps "
                                          f"in the model at {where}")


class _BinReader(_Nesting):
    def __init__(self, data, start, end, limits):
        self.data, self.pos, self.end, self.limits = data, start, end, limits

    def take(self, n, what):
        left = self.end - self.pos
        if n > left:
            raise Error("truncated", f"needed {n} bytes for '{what}' at byte {self.pos}, "
                                     f"{left} left")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def count(self, what, elem_size):
        n = struct.unpack("<Q", self.take(8, what))[0]
        if n > self.limits.max_elements:
            raise Error("limit_exceeded", f"container '{what}' claims {n} elements, limit "
                                          f"{self.limits.max_elements}")
        if n * elem_size > self.end - self.pos:
            raise Error("truncated", f"container '{what}' claims {n} elements but only "
                                     f"{self.end - self.pos} bytes are left")
        return n

    def count_of(self, what):
        """The count of a packed or bits field: first against the count it must equal, as the
        C++ reader checks it before anything else, then against the limits."""
        at = self.pos
        n = struct.unpack("<Q", self.take(8, what))[0]
        want = getattr(self, "want", None)
        if want is not None and n != want[0]:
            raise Error("malformed", f"{what} has {n} entries for {want[1]} {want[0]} at byte "
                                     f"{at}")
        if n > self.limits.max_elements:
            raise Error("limit_exceeded", f"container '{what}' claims {n} elements, limit "
                                          f"{self.limits.max_elements}")
        return n

    def value(self, t, what):
        if isinstance(t, str) and t in _INT_FMT:
            return struct.unpack(_INT_FMT[t], self.take(struct.calcsize(_INT_FMT[t]), what))[0]
        if t == "f64":
            return struct.unpack("<d", self.take(8, what))[0]
        if t == "bool":
            b = self.take(1, what)[0]
            if b > 1:
                raise Error("malformed", f"boolean '{what}' is {b}, not 0 or 1")
            return b == 1
        if t == "str":
            at = self.pos
            n = struct.unpack("<Q", self.take(8, what))[0]
            if n > self.limits.max_string_length:
                raise Error("limit_exceeded", f"string '{what}' at byte {at} has {n} bytes, over "
                                              f"the limit of {self.limits.max_string_length}")
            raw = self.take(n, what)
            try:
                return bytes(raw).decode("utf-8")
            except UnicodeDecodeError as e:
                raise Error("malformed", f"string '{what}' at byte {at + 8} is not valid UTF-8 "
                                         f"(byte {e.start})") from None
        if t[0] == "slot":
            at = self.pos
            self.count_step(t[1], f"byte {at}")
            kind = self.value("str", what + ".kind")
            _check_slot(t, kind, f"'{what}' at byte {at}")
            return {"kind": kind, "model": self.model(kind, what)}
        if t[0] == "packed":
            n = self.count_of(what)
            at = self.pos
            width = self.take(1, what)[0]
            if width not in (1, 2, 4):
                raise Error("malformed", f"{what} width byte {width} at byte {at}, expected 1, 2 "
                                         "or 4")
            if n * width > self.end - self.pos:
                raise Error("truncated", f"needed {n * width} bytes for '{what}' at byte "
                                         f"{self.pos}, {self.end - self.pos} left")
            a = np.frombuffer(self.take(n * width, what), dtype=f"<i{width}").astype(np.int32)
            lo, hi = (int(a.min()), int(a.max())) if n else (0, 0)
            need = packed_width(min(lo, 0), max(hi, 0))
            if need != width:
                raise Error("malformed", f"{what} width byte {width} at byte {at} where its "
                                         f"values ({min(lo, 0)} to {max(hi, 0)}) need {need}: a "
                                         "writer uses the narrowest width")
            return a.reshape(n, 1)
        if t[0] == "bits":
            n = self.count_of(what)
            n_bytes = (n + 7) // 8
            raw = self.take(n_bytes, what)
            if n % 8 and raw[-1] >> (n % 8):
                raise Error("malformed", f"{what}: the last byte is 0x{raw[-1]:02x}, whose "
                                         f"{8 - n % 8} unused high bits must be 0 ({n} flags), "
                                         f"at byte {self.pos - 1}")
            a = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), count=n, bitorder="little")
            return a.astype(np.uint8).reshape(n, 1)
        if t[0] in ("mat", "vec"):
            at = self.pos
            head = self.take(16, what)
            rows, cols = struct.unpack("<QQ", head)
            _check_shape(t, rows, cols, f"'{what}' at byte {at}")
            n = rows * cols
            if max(n, rows, cols) > self.limits.max_elements:
                raise Error("limit_exceeded", f"matrix '{what}' at byte {at} is {rows} x {cols}, "
                                              f"over the limit of {self.limits.max_elements} "
                                              "elements")
            stored, held = ("<f8", np.float64) if t[1] == "f64" else _ARRAY_INT[t[1]]
            raw = self.take(n * np.dtype(stored).itemsize, what)
            a = np.frombuffer(raw, dtype=stored).astype(held)
            return a.reshape(rows, cols)
        if t[0] == "list":
            n = self.count(what, 1)  # as the C++ reader: at least one byte per element
            return [self.value(t[1], f"{what}[{i}]") for i in range(n)]
        if t[0] == "kv":
            n = self.count(what, 1)
            out = {}
            for i in range(n):
                at = self.pos
                k = self.value("str", f"{what}[{i}].key")
                if k in out:
                    raise Error("malformed", f"duplicate key '{k}' in '{what}' at byte {at}")
                out[k] = self.value(t[1], f"{what}[{i}].value")
            return out
        if t[0] == "struct":
            return {name: self.value(ft, name) for name, ft in t[1]}
        if t[0] == "enum":
            # Refused while reading it, as the C++ reader refuses an unknown name (malformed).
            at = self.pos
            text = self.value("str", what)
            if text not in t[1]:
                raise Error("malformed", f"{what} '{text}' at byte {at}, expected "
                                         + " or ".join(f"'{c}'" for c in t[1]))
            return text
        raise AssertionError(t)

    def model(self, kind, what):
        at = self.pos
        version = self.value("u32", "schema_version")
        _check_schema(kind, version, f"byte {at}")
        entered = self.enter_kind(kind, f"byte {self.pos}")
        try:
            m = {"schema_version": version}
            hooks = _kinds.KINDS[kind].on_field
            for name, ft in _kinds.KINDS[kind].schemas[version]:
                self.want = None
                if ft[0] in ("packed", "bits") and hasattr(hooks.get(name), "count"):
                    count, extra = hooks[name].count
                    self.want = (m[count] + extra, f"{count} + {extra} =" if extra else count)
                m[name] = self.value(ft, name)
                if name in hooks:
                    _located(hooks[name], m, self.limits, f"byte {self.pos}")
            return m
        finally:
            self.leave_kind(entered)


# An array dimension, and their product, must fit half an Eigen::Index (as in the C++ reader):
# with the other dimension 0 the product is 0, yet a dimension of 2^63 cannot be allocated.
# NumPy cannot shape even an empty array with a dimension near 2^62, so this reader also holds
# each dimension (not only the product) to Limits.max_elements.
_MAX_EXTENT = (2 ** 63 - 1) // 2


def _check_shape(t, rows, cols, where):
    if t[0] == "vec" and cols != 1:
        raise Error("malformed", f"array of shape {rows} x {cols} where the field has shape "
                                 f"n x 1 at {where}")
    if rows > _MAX_EXTENT or cols > _MAX_EXTENT or rows * cols > _MAX_EXTENT:
        raise Error("malformed", f"array shape {rows} x {cols} overflows at {where}")


def _located(check, m, limits, where):
    try:
        check(m, limits)
    except Error as e:
        raise Error(e.code, f"{e.detail} at {where}") from None


def _check_slot(t, kind, where):
    if kind not in _kinds.KINDS:
        raise Error("unsupported_version", f"unknown model kind '{kind}' at {where} (written by a "
                                           "newer brine?)")
    if _kinds.KINDS[kind].role != t[1]:
        raise Error("malformed", f"a {kind} cannot stand here, at {where}")


def _check_schema(kind, version, where):
    known = _kinds.KINDS[kind].schemas
    if version not in known:
        raise Error("unsupported_version", f"{kind} schema version {version} at {where}, this "
                                           f"build of brine reads versions {min(known)} to "
                                           f"{max(known)}")


def _check_format_version(major, minor):
    if major == 0 or major > FORMAT_MAJOR:
        raise Error("unsupported_version", f"file format version {major}.{minor}, this build of "
                                           f"brine reads versions 1.0 to "
                                           f"{FORMAT_MAJOR}.{FORMAT_MINOR}")


def _not_brine(data):
    seen = " ".join("%02x" % b for b in data[:8]) or "nothing"
    hint = ""
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        hint = " (looks like a Python pickle)"
    elif data[:4] == b"PK\x03\x04":
        hint = " (looks like a ZIP archive, e.g. joblib or .npz)"
    elif data[:6] == b"\x93NUMPY":
        hint = " (looks like a .npy file)"
    raise Error("not_brine_file", f"the data starts with {seen}{hint}, expected the brine magic "
                                  "89 42 52 49 4e 45 0d 0a or a JSON object")


def _read_header(r):
    at = r.pos
    kind = r.value("str", "kind")
    if kind not in _kinds.KINDS:
        raise Error("unsupported_version", f"unknown model kind '{kind}' at byte {at} (written "
                                           "by a newer brine?)")
    at = r.pos
    version = r.value("u32", "schema_version")
    _check_schema(kind, version, f"byte {at}")
    h = {"kind": kind, "schema_version": version}
    for name, ft in HEADER_REST:
        h[name] = r.value(ft, name)
    return h


def decode_binary(data, limits, header_only=False):
    n = len(data)
    if n > limits.max_file_bytes:
        raise Error("limit_exceeded", f"file of {n} bytes, over the limit of "
                                      f"{limits.max_file_bytes}")
    if n < 8:
        if n == 0:
            raise Error("truncated", "empty file: 0 bytes, a brine file has at least 36")
        if data == MAGIC[:n]:
            raise Error("truncated", f"file of {n} bytes ends inside the magic")
        _not_brine(data)
    if data[:8] != MAGIC:
        _not_brine(data)
    if n < 20:
        raise Error("truncated", f"needed 20 bytes for the format version and header length, "
                                 f"file has {n}")
    major, minor, header_len = struct.unpack_from("<HHQ", data, 8)
    _check_format_version(major, minor)
    if header_len > n - 20 or n - 20 - header_len < 8:
        raise Error("truncated", f"needed {header_len} bytes for the header and 8 for the "
                                 f"payload length at byte 20, {n - 20} left")
    payload_at = 28 + header_len
    payload_len = struct.unpack_from("<Q", data, 20 + header_len)[0]
    if payload_len > n - payload_at or n - payload_at - payload_len < 8:
        raise Error("truncated", f"needed {payload_len} bytes for the payload and 8 for the "
                                 f"checksum at byte {payload_at}, {n - payload_at} left")
    end = payload_at + payload_len
    if n != end + 8:
        raise Error("malformed", f"{n - end - 8} bytes after the checksum at byte {end + 8}, "
                                 "expected the end of the file")
    stored = struct.unpack_from("<Q", data, end)[0]
    computed = xxh64(memoryview(data)[:end])
    if stored != computed:
        raise Error("checksum_mismatch", f"stored xxh64:{stored:016x}, computed "
                                         f"xxh64:{computed:016x} over bytes [0, {end}): the file "
                                         "was changed or damaged")
    r = _BinReader(data, 20, 20 + header_len, limits)
    header = _read_header(r)
    if r.pos != r.end:
        raise Error("malformed", f"the header ends at byte {r.pos}, {r.end - r.pos} bytes before "
                                 f"its stated length ends at byte {r.end}")
    if header_only:
        return major, minor, header, None, stored
    r = _BinReader(data, payload_at, end, limits)
    payload = r.model(header["kind"], "payload")
    if r.pos != end:
        raise Error("malformed", f"the payload ends at byte {r.pos}, {end - r.pos} bytes before "
                                 f"its stated length ends at byte {end}")
    return major, minor, header, payload, stored


# ------------------------------------------------------------------------------------------------
# JSON reader


def _refuse_constant(name):
    raise Error("malformed", f"non-standard JSON literal {name} (NaN and infinities are the "
                             "strings \"NaN\", \"Infinity\", \"-Infinity\")")


def _parse_float(text):
    value = float(text)
    if math.isinf(value):
        raise Error("malformed", f"number {text[:40]} is too large for a double")
    return value


def _parse_int(text):
    try:
        return int(text)
    except ValueError:  # more digits than Python converts to int: a double, or too large
        return _parse_float(text)


def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise Error("malformed", f"duplicate key \"{k}\" in a JSON object")
        out[k] = v
    return out


class _JsonReader(_Nesting):
    def __init__(self, limits, allow_unknown):
        self.limits, self.allow_unknown = limits, allow_unknown

    def fail(self, path, what):
        raise Error("malformed", f"{what} at {path}")

    def members(self, v, fields, path):
        if not isinstance(v, dict):
            self.fail(path, "expected a JSON object")
        names = [n for n, _ in fields]
        for n in names:
            if n not in v:
                self.fail(path, f"missing field \"{n}\"")
        if not self.allow_unknown:
            for k in v:
                if k not in names:
                    self.fail(f"{path}.{k}", "unknown field")

    def value(self, t, v, path):
        if isinstance(t, str) and t in _INT_RANGE:
            lo, hi = _INT_RANGE[t]
            if isinstance(v, bool) or not isinstance(v, int):
                self.fail(path, f"expected an integer ({t})")
            if not lo <= v <= hi:
                self.fail(path, f"{v} does not fit {t}")
            return v
        if t == "f64":
            if isinstance(v, str):
                special = {"NaN": CANONICAL_NAN, "Infinity": math.inf, "-Infinity": -math.inf}
                if v not in special:
                    self.fail(path, f"string \"{v}\" where a number is expected")
                return special[v]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(path, "expected a number")
            try:
                return float(v)
            except OverflowError:
                self.fail(path, "number too large for a double")
        if t == "bool":
            if not isinstance(v, bool):
                self.fail(path, "expected a boolean")
            return v
        if t == "str":
            if not isinstance(v, str):
                self.fail(path, "expected a string")
            if len(v) > self.limits.max_string_length:
                raise Error("limit_exceeded", f"string at {path} is over the limit of "
                                              f"{self.limits.max_string_length} bytes")
            try:
                b = v.encode("utf-8")
            except UnicodeEncodeError:
                self.fail(path, "string is not valid UTF-8 (an escaped lone surrogate)")
            if len(b) > self.limits.max_string_length:
                raise Error("limit_exceeded", f"string at {path} has {len(b)} bytes, over the "
                                              f"limit of {self.limits.max_string_length}")
            return v
        if t[0] == "slot":
            self.count_step(t[1], path)
            self.members(v, [("kind", "str"), ("model", None)], path)
            kind = self.value("str", v["kind"], path + ".kind")
            _check_slot(t, kind, path + ".kind")
            return {"kind": kind, "model": self.model(kind, v["model"], path + ".model")}
        if t[0] in ("packed", "bits"):  # JSON holds them as plain vectors
            return self.value(("vec", t[1]), v, path)
        if t[0] in ("mat", "vec"):
            self.members(v, [("rows", "u64"), ("cols", "u64"), ("data", None)], path)
            rows = self.value("u64", v["rows"], path + ".rows")
            cols = self.value("u64", v["cols"], path + ".cols")
            data = v["data"]
            _check_shape(t, rows, cols, path)
            if max(rows * cols, rows, cols) > self.limits.max_elements:
                raise Error("limit_exceeded", f"matrix at {path} is {rows} x {cols}, over the "
                                              f"limit of {self.limits.max_elements} elements")
            if not isinstance(data, list):
                self.fail(path + ".data", "expected an array")
            if len(data) != rows * cols:
                self.fail(path + ".data", f"{len(data)} values, expected rows x cols = "
                                          f"{rows * cols}")
            if t[1] == "f64":
                out = np.empty(len(data), dtype=np.float64)
                for i, x in enumerate(data):
                    out[i] = self.value("f64", x, f"{path}.data[{i}]")
            else:
                out = np.empty(len(data), dtype=_ARRAY_INT[t[1]][1])
                for i, x in enumerate(data):
                    out[i] = self.value(t[1], x, f"{path}.data[{i}]")
            return out.reshape(rows, cols)
        if t[0] == "list":
            if not isinstance(v, list):
                self.fail(path, "expected an array")
            if len(v) > self.limits.max_elements:
                raise Error("limit_exceeded", f"array at {path} has {len(v)} elements, over the "
                                              f"limit of {self.limits.max_elements}")
            return [self.value(t[1], x, f"{path}[{i}]") for i, x in enumerate(v)]
        if t[0] == "kv":
            if not isinstance(v, list):
                self.fail(path, "expected an array")
            out = {}
            for i, x in enumerate(v):
                p = f"{path}[{i}]"
                self.members(x, [("key", "str"), ("value", None)], p)
                k = self.value("str", x["key"], p + ".key")
                if k in out:
                    self.fail(p + ".key", f"duplicate key \"{k}\"")
                out[k] = self.value(t[1], x["value"], p + ".value")
            return out
        if t[0] == "struct":
            self.members(v, t[1], path)
            return {name: self.value(ft, v[name], f"{path}.{name}") for name, ft in t[1]}
        if t[0] == "enum":
            text = self.value("str", v, path)
            if text not in t[1]:
                self.fail(path, f"'{text}', expected " + " or ".join(f"'{c}'" for c in t[1]))
            return text
        raise AssertionError(t)

    def model(self, kind, v, path):
        if not isinstance(v, dict) or "schema_version" not in v:
            self.fail(path, "expected an object with \"schema_version\"")
        version = self.value("u32", v["schema_version"], path + ".schema_version")
        _check_schema(kind, version, path + ".schema_version")
        fields = model_fields(kind, version)
        self.members(v, fields, path)
        entered = self.enter_kind(kind, path)
        try:
            m = {"schema_version": version}
            hooks = _kinds.KINDS[kind].on_field
            for name, ft in fields[1:]:
                m[name] = self.value(ft, v[name], f"{path}.{name}")
                if name in hooks:
                    _located(hooks[name], m, self.limits, f"{path}.{name}")
            return m
        finally:
            self.leave_kind(entered)


def _depth(v, limit):
    # Iterative, so a deeply nested document cannot exhaust the stack of this check.
    stack = [(v, 1)]
    while stack:
        x, d = stack.pop()
        if d > limit:
            raise Error("limit_exceeded", f"JSON nesting deeper than {limit} levels")
        if isinstance(x, dict):
            stack.extend((y, d + 1) for y in x.values() if isinstance(y, (dict, list)))
        elif isinstance(x, list):
            stack.extend((y, d + 1) for y in x if isinstance(y, (dict, list)))


def decode_json(data, limits, header_only=False):
    if len(data) > limits.max_json_bytes:
        raise Error("limit_exceeded", f"JSON document of {len(data)} bytes, over the limit of "
                                      f"{limits.max_json_bytes} (LoadOptions::max_json_bytes)")
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as e:
        raise Error("malformed", f"invalid UTF-8 at byte {e.start}") from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_refuse_constant,
                         parse_float=_parse_float, parse_int=_parse_int)
    except RecursionError:
        raise Error("limit_exceeded", f"JSON nesting deeper than {limits.max_nesting} "
                                      "levels") from None
    except json.JSONDecodeError as e:
        raise Error("malformed", f"{e.msg} at byte {len(text[:e.pos].encode('utf-8'))}") from None
    _depth(doc, limits.max_nesting)
    if not isinstance(doc, dict) or doc.get("format") != "brine":
        fmt = doc.get("format") if isinstance(doc, dict) else None
        if isinstance(fmt, str):
            raise Error("not_brine_file", f"a JSON document with \"format\": \"{fmt}\", "
                                          "expected \"brine\"")
        raise Error("not_brine_file", "a JSON document without \"format\": \"brine\"")
    strict = _JsonReader(limits, False)
    version = strict.value(("struct", [("major", "u32"), ("minor", "u32")]),
                           doc.get("format_version"), "$.format_version")
    major, minor = version["major"], version["minor"]
    if major > 0xFFFF or minor > 0xFFFF:
        strict.fail("$.format_version", "version does not fit u16")
    _check_format_version(major, minor)
    newer = major == FORMAT_MAJOR and minor > FORMAT_MINOR
    r = _JsonReader(limits, newer)
    r.members(doc, [("format", None), ("format_version", None), ("header", None),
                    ("payload", None), ("checksum", None)], "$")
    hv = doc["header"]
    r.members(hv, [("kind", None), ("schema_version", None)] + HEADER_REST, "$.header")
    kind = r.value("str", hv["kind"], "$.header.kind")
    if kind not in _kinds.KINDS:
        raise Error("unsupported_version", f"unknown model kind \"{kind}\" at $.header.kind "
                                           "(written by a newer brine?)")
    sv = r.value("u32", hv["schema_version"], "$.header.schema_version")
    _check_schema(kind, sv, "$.header.schema_version")
    header = {"kind": kind, "schema_version": sv}
    for name, ft in HEADER_REST:
        header[name] = r.value(ft, hv[name], f"$.header.{name}")
    checksum = r.value("str", doc["checksum"], "$.checksum")
    if (len(checksum) != 22 or not checksum.startswith("xxh64:")
            or any(c not in "0123456789abcdef" for c in checksum[6:])):
        r.fail("$.checksum", f"checksum \"{checksum}\" is not \"xxh64:\" followed by 16 hex "
                             "digits")
    stored = int(checksum[6:], 16)
    if header_only:
        return major, minor, header, None, stored
    payload = r.model(kind, doc["payload"], "$.payload")
    computed = xxh64(encode_body(header, payload, major, minor))
    if computed != stored:
        raise Error("checksum_mismatch", f"stored xxh64:{stored:016x}, computed "
                                         f"xxh64:{computed:016x} from the decoded header and "
                                         "payload: the document was changed or damaged")
    return major, minor, header, payload, stored


def decode(data, limits, header_only=False):
    """(format, major, minor, header, payload, checksum) of a file's bytes."""
    i = 0
    if data[:3] == b"\xef\xbb\xbf":
        i = 3
    while i < len(data) and data[i] in b" \t\r\n":
        i += 1
    if i < len(data) and data[i:i + 1] == b"{":
        return ("json",) + decode_json(data, limits, header_only)
    return ("binary",) + decode_binary(data, limits, header_only)
