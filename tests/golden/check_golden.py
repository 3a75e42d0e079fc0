#!/usr/bin/env python3
"""An independent reader of brine files, written from docs/format.md.

For every NAME.brine / NAME.json pair under the given folder it parses the binary encoding byte by
byte, verifies its XXH64 checksum (implemented here from the xxHash specification), parses the JSON
document with Python's json module (standard JSON only: NaN/Infinity literals are refused), and
checks that both hold the same content, every floating-point number bit for bit, and the same
checksum. Exit status 0 when all pairs agree; prints one line per file.
"""
import json
import math
import pathlib
import struct
import sys

M64 = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def rnd(acc, lane):
    return (rotl((acc + lane * P2) & M64, 31) * P1) & M64


def xxh64(data, seed=0):
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M64, (seed + P2) & M64, seed, (seed - P1) & M64]
        while i + 32 <= n:
            for k in range(4):
                v[k] = rnd(v[k], struct.unpack_from("<Q", data, i + 8 * k)[0])
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M64
        for k in range(4):
            h = ((h ^ rnd(0, v[k])) * P1 + P4) & M64
    else:
        h = (seed + P5) & M64
    h = (h + n) & M64
    while i + 8 <= n:
        h ^= rnd(0, struct.unpack_from("<Q", data, i)[0])
        h = (rotl(h, 27) * P1 + P4) & M64
        i += 8
    if i + 4 <= n:
        h ^= (struct.unpack_from("<I", data, i)[0] * P1) & M64
        h = (rotl(h, 23) * P2 + P3) & M64
        i += 4
    while i < n:
        h ^= (data[i] * P5) & M64
        h = (rotl(h, 11) * P1) & M64
        i += 1
    h ^= h >> 33
    h = (h * P2) & M64
    h ^= h >> 29
    h = (h * P3) & M64
    h ^= h >> 32
    return h


class Bin:
    """Reads the primitives of the binary encoding, refusing to run past the end."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"truncated at byte {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u16(self): return struct.unpack("<H", self.take(2))[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def i32(self): return struct.unpack("<i", self.take(4))[0]
    def u8(self): return self.take(1)[0]
    def boolean(self):
        v = self.u8()
        if v > 1:
            raise ValueError(f"boolean byte {v}, not 0 or 1")
        return v == 1
    def f64_bits(self): return self.take(8)  # kept as bytes: compared bit for bit
    def string(self): return self.take(self.u64()).decode("utf-8")
    def list(self, item): return [item() for _ in range(self.u64())]

    def matrix(self, elem):
        rows, cols = self.u64(), self.u64()
        read = {"f64": self.f64_bits, "i32": self.i32, "u8": self.u8}[elem]
        return {"rows": rows, "cols": cols, "data": [read() for _ in range(rows * cols)]}

    def packed_i32(self):
        """tree_ensemble schema 2: count, width byte (1, 2 or 4, the narrowest), values."""
        n, width = self.u64(), self.u8()
        if width not in (1, 2, 4):
            raise ValueError(f"width byte {width} at byte {self.pos - 1}")
        fmt = {1: "<b", 2: "<h", 4: "<i"}[width]
        data = [struct.unpack(fmt, self.take(width))[0] for _ in range(n)]
        lo, hi = min(data + [0]), max(data + [0])
        narrowest = 1 if -128 <= lo and hi <= 127 else 2 if -32768 <= lo and hi <= 32767 else 4
        if width != narrowest:
            raise ValueError(f"width {width} where {narrowest} holds every value")
        return {"rows": n, "cols": 1, "data": data}

    def bits(self):
        """tree_ensemble schema 2: count, then the flags eight to a byte, low bit first."""
        n = self.u64()
        raw = self.take((n + 7) // 8)
        if n % 8 and raw[-1] >> (n % 8):
            raise ValueError("unused bits of the last byte are not 0")
        return {"rows": n, "cols": 1, "data": [(raw[i // 8] >> (i % 8)) & 1 for i in range(n)]}

    def key_values(self, value):
        return self.list(lambda: {"key": self.string(), "value": value()})


def read_metadata(b):
    return {
        "feature_names": b.list(b.string), "target_name": b.string(),
        "class_labels": b.list(b.string), "extra": b.key_values(b.string),
        "provenance": {"library_version": b.string(), "trainer": b.string(),
                       "options": b.key_values(b.string), "data_hash": b.string(),
                       "n_samples": b.u64(), "metrics": b.key_values(b.f64_bits)},
    }


def read_header(b):
    return {"kind": b.string(), "schema_version": b.u32(), "library_version": b.string(),
            "created": b.string(), "metadata": read_metadata(b),
            "reference": {"inputs": b.matrix("f64"), "outputs": b.matrix("f64"),
                          "tolerance": b.f64_bits(), "build": b.string()}}


def read_model(b, kind):
    m = {"schema_version": b.u32()}
    if kind == "logistic_regression" and m["schema_version"] == 2:
        for name in ("classes", "coef", "intercept"):
            m[name] = b.matrix("f64")
        m["multi_class"] = b.string()
        return m
    newest = {"decision_tree": 2, "tree_ensemble": 2}.get(kind, 1)
    if not 1 <= m["schema_version"] <= newest:
        raise ValueError(f"{kind} schema version {m['schema_version']} unknown to this checker")
    fields = {
        "linear_regression": [("coef", "f64"), ("intercept", "f64")],
        "logistic_regression": [("classes", "f64"), ("coef", "f64"), ("intercept", "f64")],
        "standard_scaler": [("mean", "f64"), ("scale", "f64")],
        "min_max_scaler": [("scale", "f64"), ("min", "f64")],
        "max_abs_scaler": [("scale", "f64")],
    }
    if kind in fields:
        for name, elem in fields[kind]:
            m[name] = b.matrix(elem)
    elif kind == "robust_scaler":
        m["n_features"] = b.i32()
        m["center"], m["scale"] = b.matrix("f64"), b.matrix("f64")
    elif kind == "simple_imputer":
        m["strategy"], m["missing_value"] = b.string(), b.f64_bits()
        m["statistics"], m["add_indicator"] = b.matrix("f64"), b.boolean()
        m["indicator_features"] = b.matrix("i32")
    elif kind == "one_hot_encoder":
        m["handle_unknown"] = b.string()
        m["n_categories"], m["categories"] = b.matrix("i32"), b.matrix("f64")
        m["drop_idx"] = b.matrix("i32")
    elif kind == "decision_tree":
        m["task"], m["n_features"], m["n_nodes"] = b.string(), b.i32(), b.u64()
        m["classes"] = b.matrix("f64")
        for name in ("children_left", "children_right", "feature"):
            m[name] = b.matrix("i32")
        m["threshold"], m["value"] = b.matrix("f64"), b.matrix("f64")
        if m["schema_version"] >= 2:
            m["compare"], m["default_left"] = b.string(), b.matrix("u8")
    elif kind == "tree_ensemble":
        m["task"], m["n_features"] = b.string(), b.i32()
        m["compare"], m["aggregation"] = b.string(), b.string()
        m["accumulation"], m["link"] = b.string(), b.string()
        m["n_trees"], m["n_nodes"] = b.u64(), b.u64()
        m["classes"], m["base_score"] = b.matrix("f64"), b.matrix("f64")
        packed = m["schema_version"] >= 2
        for name in ("tree_offsets", "tree_output", "children_left", "children_right", "feature"):
            m[name] = b.packed_i32() if packed else b.matrix("i32")
        m["threshold"] = b.matrix("f64")
        m["default_left"] = b.bits() if packed else b.matrix("u8")
        m["value"] = b.matrix("f64")
    elif kind in ("pipeline", "column_transformer"):
        def slot():
            k = b.string()
            return {"kind": k, "model": read_model(b, k)}

        def branch():
            return {"name": b.string(), "columns": b.matrix("i32"), "action": b.string(),
                    "steps": b.list(slot)}
        if kind == "pipeline":
            m["steps"] = b.list(slot)
            m["estimator"] = slot()
        else:
            m["n_features"] = b.i32()
            m["branches"] = b.list(branch)
            m["remainder"] = branch()
    else:
        raise ValueError(f"unknown kind {kind}")
    return m


def read_binary(data):
    if data[:8] != b"\x89BRINE\r\n":
        raise ValueError("bad magic")
    b = Bin(data)
    b.take(8)
    major, minor = b.u16(), b.u16()
    header_len = b.u64()
    start = b.pos
    header = read_header(b)
    if b.pos - start != header_len:
        raise ValueError("header length mismatch")
    payload_len = b.u64()
    start = b.pos
    payload = read_model(b, header["kind"])
    if b.pos - start != payload_len:
        raise ValueError("payload length mismatch")
    body_end = b.pos
    stored = b.u64()
    if b.pos != len(data):
        raise ValueError("trailing bytes")
    computed = xxh64(data[:body_end])
    if stored != computed:
        raise ValueError(f"checksum {stored:016x} != {computed:016x}")
    return {"format": "brine", "format_version": {"major": major, "minor": minor},
            "header": header, "payload": payload, "checksum": f"xxh64:{stored:016x}"}


def json_float_bits(v, where):
    if isinstance(v, str):
        special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
        if v not in special:
            raise ValueError(f"{where}: string {v!r} where a number is expected")
        v = special[v]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{where}: not a number")
    return struct.pack("<d", float(v))


def compare(b, j, where):
    """b comes from the binary file (floats as 8 raw bytes), j from the JSON document."""
    if isinstance(b, dict):
        if not isinstance(j, dict) or set(b) != set(j):
            raise ValueError(f"{where}: fields differ: {sorted(b)} vs {sorted(j) if isinstance(j, dict) else j!r}")
        for k in b:
            compare(b[k], j[k], f"{where}.{k}")
    elif isinstance(b, list):
        if not isinstance(j, list) or len(b) != len(j):
            raise ValueError(f"{where}: lists differ in length")
        for i, (x, y) in enumerate(zip(b, j)):
            compare(x, y, f"{where}[{i}]")
    elif isinstance(b, bytes):
        if json_float_bits(j, where) != b:
            raise ValueError(f"{where}: {j!r} is not bit-identical to the binary file's "
                             f"{struct.unpack('<d', b)[0]!r}")
    elif b != j or type(b) is not type(j):
        raise ValueError(f"{where}: {b!r} != {j!r}")


def refuse_constant(name):
    raise ValueError(f"non-standard JSON literal {name}")


def main(folder):
    pairs = sorted(pathlib.Path(folder).rglob("*.brine"))
    if not pairs:
        print(f"no .brine files under {folder}")
        return 1
    failed = 0
    for bin_path in pairs:
        json_path = bin_path.with_suffix(".json")
        try:
            from_binary = read_binary(bin_path.read_bytes())
            from_json = json.loads(json_path.read_text(encoding="utf-8"), parse_constant=refuse_constant)
            compare(from_binary, from_json, "$")
            print(f"ok   {bin_path.relative_to(folder)} == {json_path.name} ({from_binary['checksum']})")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {bin_path.relative_to(folder)}: {e}")
    print(f"{len(pairs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
