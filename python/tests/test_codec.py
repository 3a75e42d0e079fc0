# The Python package's reader and writer against the format specification and the golden files.
# SPDX-License-Identifier: MIT
import copy
import math
import os
import random
import re
import struct
import sys
import tempfile
import unittest

import numpy as np

import brine
from brine import _codec
from brine._dtoa import format_double
from brine._xxhash import xxh64
from checker import CHECK, SOURCE, assert_same_errc, verdicts

GOLDEN = SOURCE / "tests" / "data" / "golden"
sys.path.insert(0, str(SOURCE / "tests" / "golden"))
import check_golden  # noqa: E402  the repository's standalone reader, another XXH64


def golden_files():
    files = sorted(GOLDEN.rglob("*.brine")) + sorted(GOLDEN.rglob("*.json"))
    assert files, f"no golden files under {GOLDEN}"
    return files


def with_checksum(body):
    return body + struct.pack("<Q", xxh64(body))


class XxHash(unittest.TestCase):
    def test_published_values(self):
        # From the xxHash specification's reference implementation.
        self.assertEqual(xxh64(b""), 0xEF46DB3751D8E999)
        self.assertEqual(xxh64(b"a"), 0xD24EC4F1A98C6E5B)
        self.assertEqual(xxh64(b"abc"), 0x44BC2CF5AD770999)

    def test_agrees_with_the_golden_checker_at_every_length(self):
        rng = random.Random(7)
        for n in list(range(0, 80)) + [255, 256, 1000]:
            data = bytes(rng.getrandbits(8) for _ in range(n))
            self.assertEqual(xxh64(data), check_golden.xxh64(data), n)


class Doubles(unittest.TestCase):
    def test_layout_of_the_cpp_writer(self):
        # RapidJSON's layout as brine's C++ writer produces it (see the golden files).
        cases = [(0.0, "0.0"), (-0.0, "-0.0")] + list({1.0: "1.0", 0.05: "0.05", -1.25: "-1.25",
                 1e-9: "1e-9", 5e-324: "5e-324", 1e21: "1e21", 1e20: "100000000000000000000.0",
                 1.5e-6: "0.0000015", 1e-7: "1e-7", 1.7976931348623157e308:
                 "1.7976931348623157e308", 0.14999999999999986: "0.14999999999999986",
                 123456.789: "123456.789", 2.5e-5: "0.000025", math.nan: '"NaN"',
                 math.inf: '"Infinity"', -math.inf: '"-Infinity"'}.items())
        for value, text in cases:
            self.assertEqual(format_double(value), text, repr(value))

    def test_every_text_reads_back_to_the_same_bits(self):
        rng = random.Random(11)
        for _ in range(20000):
            bits = rng.getrandbits(64)
            x = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if math.isfinite(x):
                text = format_double(x)
                self.assertTrue("." in text or "e" in text, text)
                self.assertEqual(struct.pack("<d", float(text)), struct.pack("<d", x), text)


class GoldenFiles(unittest.TestCase):
    def test_every_golden_file_reads_and_re_encodes_to_the_same_bytes(self):
        for path in golden_files():
            with self.subTest(path=path.name):
                raw = path.read_bytes()
                f = brine.load(path)
                self.assertEqual(f.format, "json" if path.suffix == ".json" else "binary")
                self.assertEqual(f.to_bytes(f.format), raw)
                info = brine.inspect(path)
                self.assertIsNone(info.payload)
                self.assertEqual(info.checksum, f.checksum)
                self.assertEqual(info.header["metadata"], f.metadata)

    def test_both_encodings_of_a_golden_model_agree(self):
        for path in sorted(GOLDEN.rglob("*.brine")):
            with self.subTest(path=path.name):
                b, j = brine.load(path), brine.load(path.with_suffix(".json"))
                self.assertEqual(b.checksum, j.checksum)
                self.assertEqual(b.to_bytes("json"), path.with_suffix(".json").read_bytes())
                self.assertEqual(j.to_bytes("binary"), path.read_bytes())

    def test_parameters_are_numpy_arrays_in_their_stored_shape(self):
        f = brine.load(GOLDEN / "format-1.0" / "pipeline_tree.brine")
        tree = f.payload["estimator"]["model"]
        self.assertEqual(f.kind, "pipeline")
        self.assertEqual(tree["children_left"].dtype, np.int32)
        self.assertEqual(tree["children_left"][:, 0].tolist(), [1, -1, 3, -1, -1])
        self.assertEqual(tree["value"].shape, (5, 2))
        self.assertEqual(tree["classes"][:, 0].tolist(), [3.0, 7.0])
        self.assertEqual(f.metadata["feature_names"], ["x0", "x1"])
        self.assertEqual(f.metadata["extra"], {"golden": "pipeline_tree"})
        self.assertEqual(f.reference["inputs"].shape, (4, 2))
        self.assertEqual(f.reference["tolerance"], 1e-9)


class NewKinds(unittest.TestCase):
    """max_abs_scaler, robust_scaler (center or scale possibly empty) and logistic_regression
    schema 2 as the C++ writer's golden files hold them."""

    def test_golden_payloads(self):
        d = GOLDEN / "format-1.0"
        f = brine.load(d / "robust_scaler_no_centering.brine")
        self.assertEqual((f.kind, f.schema_version, f.payload["n_features"]),
                         ("robust_scaler", 1, 2))
        self.assertEqual(f.payload["center"].shape, (0, 1))
        self.assertEqual(f.payload["scale"][:, 0].tolist(), [2.0, 0.5])
        f = brine.load(d / "logistic_regression_ovr.json")
        self.assertEqual((f.schema_version, f.payload["multi_class"]), (2, "ovr"))
        self.assertEqual(brine.load(d / "logistic_regression_multinomial.brine").schema_version, 1)
        steps = brine.load(d / "pipeline_robust.brine").payload["steps"]
        self.assertEqual([s["kind"] for s in steps],
                         ["max_abs_scaler", "robust_scaler", "robust_scaler"])
        self.assertEqual(brine.KINDS["logistic_regression"], [1, 2])
        self.assertEqual(brine.KINDS["robust_scaler"], [1])

    def test_column_transformer_golden_payloads(self):
        d = GOLDEN / "format-1.0"
        for ext in ("brine", "json"):
            ct = brine.load(d / f"column_transformer.{ext}").payload
            self.assertEqual([(b["name"], b["action"]) for b in ct["branches"]],
                             [("scaled", "steps"), ("copy", "passthrough"), ("nested", "steps"),
                              ("gone", "drop")])
            self.assertEqual(ct["branches"][0]["columns"][:, 0].tolist(), [2, 0])
            self.assertEqual(ct["remainder"]["columns"][:, 0].tolist(), [4])
            inner = ct["branches"][2]["steps"][0]
            self.assertEqual(inner["kind"], "column_transformer")
            self.assertEqual(brine.KINDS["column_transformer"], [1])
            pipe = brine.load(d / f"pipeline_column_transformer.{ext}").payload
            self.assertEqual(pipe["steps"][0]["kind"], "column_transformer")

    def test_column_transformer_limits(self):
        d = GOLDEN / "format-1.0"
        for ext in ("brine", "json"):
            data = (d / f"pipeline_column_transformer.{ext}").read_bytes()
            with self.assertRaises(brine.Error) as c:
                brine.loads(data, limits=brine.Limits(max_transform_depth=1))
            self.assertEqual(c.exception.code, "limit_exceeded")
            self.assertIn("ColumnTransformer nested 2 deep exceeds Limits::max_transform_depth "
                          "(1)", str(c.exception))
            with self.assertRaises(brine.Error) as c:
                brine.loads(data, limits=brine.Limits(max_transform_steps=5))
            self.assertEqual(c.exception.code, "limit_exceeded")
            self.assertIn("more than Limits::max_transform_steps (5)", str(c.exception))
            brine.loads(data, limits=brine.Limits(max_transform_depth=2, max_transform_steps=6))


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class HostileNewKinds(unittest.TestCase):
    """Damaged max_abs_scaler, robust_scaler and logistic_regression schema-2 payloads, encoded
    without the writer's checks: the Python reader refuses each with the Errc the C++ loader
    gives."""

    def mutants(self):
        d = GOLDEN / "format-1.0"
        max_abs = brine.load(d / "max_abs_scaler.brine")
        robust = brine.load(d / "robust_scaler.brine")
        ovr = brine.load(d / "logistic_regression_ovr.brine")
        pipe = brine.load(d / "pipeline_robust.brine")

        def col(*v):
            return np.array(v, dtype=np.float64).reshape(-1, 1)

        def step(i, field, value):
            def change(m):
                m["steps"][i]["model"][field] = value
            return change

        cases = [
            (max_abs, "scale", col(0.0, 1.0), "invalid_model"),
            (max_abs, "scale", col(np.inf, 1.0), "invalid_model"),
            (max_abs, "scale", np.zeros((0, 1)), "invalid_model"),
            (robust, "n_features", 0, "invalid_model"),
            (robust, "n_features", 3, "invalid_model"),
            (robust, "center", col(1.0), "invalid_model"),
            (robust, "center", col(np.nan, 1.0), "invalid_model"),
            (robust, "scale", col(1.0, 0.0), "invalid_model"),
            (robust, "scale", np.ones((2, 2)), "malformed"),
            (ovr, "multi_class", "softmax", "malformed"),
            (ovr, "multi_class", "", "malformed"),
            (ovr, "coef", np.ones((1, 2)), "invalid_model"),
            (pipe, step(1, "n_features", 3), None, "invalid_model"),
            (pipe, step(2, "scale", col(1.0, 2.0, 3.0)), None, "invalid_model"),
        ]
        ct = brine.load(d / "column_transformer.brine")

        def branch(i, field, value):
            def change(m):
                (m["remainder"] if i is None else m["branches"][i])[field] = value
            return change

        def idx(*v):
            return np.array(v, dtype=np.int32).reshape(-1, 1)

        def nested_step(m):
            m["branches"][2]["steps"][0]["model"]["branches"][0]["columns"] = idx(2)

        cases += [
            (ct, "n_features", 0, "invalid_model"),
            (ct, "n_features", 9, "invalid_model"),
            (ct, branch(1, "columns", idx(5)), None, "invalid_model"),
            (ct, branch(1, "columns", idx(-1)), None, "invalid_model"),
            (ct, branch(1, "name", "scaled"), None, "invalid_model"),
            (ct, branch(1, "name", ""), None, "invalid_model"),
            (ct, branch(1, "name", "remainder"), None, "invalid_model"),
            (ct, branch(None, "name", "rest"), None, "invalid_model"),
            (ct, branch(None, "columns", idx(3)), None, "invalid_model"),
            (ct, branch(3, "action", "keep"), None, "malformed"),
            (ct, branch(None, "action", "Drop"), None, "malformed"),
            (ct, branch(0, "steps", []), None, "invalid_model"),
            (ct, branch(1, "steps", copy.deepcopy(ct.payload["branches"][0]["steps"][:1])),
             None, "invalid_model"),
            (ct, branch(0, "columns", idx(2)), None, "invalid_model"),
            (ct, nested_step, None, "invalid_model"),
            (ct, branch(0, "columns", np.zeros((1, 2), dtype=np.int32)), None, "malformed"),
        ]
        for f, field, value, code in cases:
            payload = copy.deepcopy(f.payload)
            if callable(field):
                field(payload)
            else:
                payload[field] = value
            for encode in (_codec.encode_binary, _codec.encode_json):
                yield encode(f.header, payload), code

    def test_same_errc_as_cpp(self):
        assert_same_errc(self, self.mutants())


class Errors(unittest.TestCase):
    def setUp(self):
        self.bin = (GOLDEN / "format-1.0" / "linear_regression.brine").read_bytes()
        self.json = (GOLDEN / "format-1.0" / "linear_regression.json").read_bytes()

    def refused(self, data, code, *fragments, limits=None):
        with self.assertRaises(brine.Error) as c:
            brine.loads(data, limits=limits)
        self.assertEqual(c.exception.code, code, str(c.exception))
        self.assertTrue(str(c.exception).startswith(f"brine: {brine.ERRC[code]}: "))
        for fragment in fragments:
            self.assertIn(fragment, str(c.exception))
        return str(c.exception)

    def test_not_a_brine_file(self):
        self.refused(b"\x80\x04\x95abcdefgh", "not_brine_file", "80 04 95 61",
                     "looks like a Python pickle")
        self.refused(b"PK\x03\x04rest-of-zip", "not_brine_file", "ZIP")
        self.refused(b'{"format": "other"}', "not_brine_file", '"format": "other"')

    def test_truncated_files(self):
        self.refused(b"", "truncated", "empty file")
        self.refused(self.bin[:5], "truncated", "ends inside the magic")
        self.refused(self.bin[:16], "truncated", "needed 20 bytes")
        self.refused(self.bin[:-1], "truncated", "for the payload and 8 for the checksum")

    def test_damage_is_reported_as_a_checksum_mismatch(self):
        for at in (40, len(self.bin) // 2, len(self.bin) - 9):
            damaged = bytearray(self.bin)
            damaged[at] ^= 0x10
            self.refused(bytes(damaged), "checksum_mismatch", "stored xxh64:")
        changed = self.json.replace(b'"target_name": "y"', b'"target_name": "z"')
        self.assertNotEqual(changed, self.json)
        self.refused(changed, "checksum_mismatch", "from the decoded header and payload")

    def test_trailing_bytes_and_versions(self):
        self.refused(self.bin + b"\0", "malformed", "1 bytes after the checksum")
        newer = bytearray(self.bin)
        newer[8:10] = struct.pack("<H", 2)
        self.refused(bytes(newer), "unsupported_version", "file format version 2.0",
                     "reads versions 1.0 to 1.0")

    def test_unknown_kind_and_newer_schema_are_named(self):
        body = self.bin[:-8].replace(b"linear_regression", b"linear_regressiom", 1)
        self.refused(with_checksum(body), "unsupported_version", "'linear_regressiom'")
        at = self.bin.index(b"linear_regression") + len(b"linear_regression")
        body = bytearray(self.bin[:-8])
        body[at:at + 4] = struct.pack("<I", 2)
        self.refused(with_checksum(bytes(body)), "unsupported_version",
                     "linear_regression schema version 2", "reads versions 1 to 1")

    def test_json_is_strict(self):
        text = self.json.decode()
        self.refused(text.replace('"target_name": "y"', '"target_name": "y", "target_name": "y"')
                     .encode(), "malformed", "duplicate key")
        self.refused(text.replace('"tolerance": 1e-9', '"tolerance": NaN').encode(), "malformed",
                     "NaN")
        self.refused(text.replace('"target_name": "y"', '"target_name": "y", "other": 1')
                     .encode(), "malformed", "unknown field", "$.header.metadata.other")
        self.refused(text.replace('"target_name": "y",', '').encode(), "malformed",
                     'missing field "target_name"', "$.header.metadata")
        self.refused(text.replace('"n_samples": 4', '"n_samples": 4.5').encode(), "malformed",
                     "$.header.metadata.provenance.n_samples")
        self.refused((text + "{}").encode(), "malformed", "Extra data")
        self.refused(b'{"format": "brine", "x": "\xff"}', "malformed", "invalid UTF-8")

    def test_json_with_a_newer_minor_version_may_add_members(self):
        text = self.json.decode().replace('"minor": 0', '"minor": 1')
        text = text.replace('"target_name": "y"', '"target_name": "y", "added": 1')
        body = _codec.encode_body(brine.loads(self.bin).header, brine.loads(self.bin).payload,
                                  1, 1)
        old = text[text.index('"checksum"'):]
        text = text.replace(old, f'"checksum": "xxh64:{xxh64(body):016x}"\n}}\n')
        f = brine.loads(text.encode())
        self.assertEqual(f.format_version, (1, 1))

    def test_limits(self):
        self.refused(self.bin, "limit_exceeded", "claims 3 elements, limit 2",
                     limits=brine.Limits(max_elements=2))
        self.refused(self.bin, "limit_exceeded", "over the limit of 3",
                     limits=brine.Limits(max_string_length=3))
        self.refused(self.json, "limit_exceeded", "max_json_bytes",
                     limits=brine.Limits(max_json_bytes=100))
        self.refused(self.json, "limit_exceeded", "nesting", limits=brine.Limits(max_nesting=3))
        tree = (GOLDEN / "format-1.0" / "decision_tree_regressor.brine").read_bytes()
        self.refused(tree, "limit_exceeded", "nodes", limits=brine.Limits(max_nodes=2))

    def test_a_count_larger_than_the_file_is_refused_before_allocating(self):
        f = brine.loads(self.bin)
        at = self.bin.index(struct.pack("<QQ", *f.payload["coef"].shape))
        body = bytearray(self.bin[:-8])
        body[at:at + 8] = struct.pack("<Q", 1 << 20)
        self.refused(with_checksum(bytes(body)), "truncated", "needed 25165824 bytes for "
                     "'coef'")

    def test_invalid_models_are_refused_on_read_and_never_written(self):
        f = brine.load(GOLDEN / "format-1.0" / "decision_tree_classifier.brine")
        tree = f.payload
        tree["children_left"][1, 0] = 0  # a cycle back to the root
        with self.assertRaises(brine.Error) as c:
            f.to_bytes()
        self.assertEqual(c.exception.code, "invalid_model")
        raw = _codec.encode_binary(f.header, tree)
        self.refused(raw, "invalid_model", "decision_tree at $.payload", "node 1")

    def test_io_errors(self):
        with self.assertRaises(brine.Error) as c:
            brine.load(os.path.join(tempfile.gettempdir(), "brine-no-such-file.brine"))
        self.assertEqual(c.exception.code, "io")


class Writer(unittest.TestCase):
    def test_nan_is_written_as_the_one_quiet_nan(self):
        f = brine.load(GOLDEN / "format-1.0" / "linear_regression.brine")
        x = np.array([struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000001))[0]])
        f.header["reference"]["inputs"] = np.zeros((0, 0))
        f.header["reference"]["outputs"] = np.zeros((0, 0))
        f.header["metadata"]["provenance"]["metrics"] = {"loss": float(x[0])}
        raw = f.to_bytes()
        self.assertIn(struct.pack("<Q", 0x7FF8000000000000), raw)
        self.assertNotIn(struct.pack("<Q", 0xFFF8000000000001), raw)
        self.assertIn(b'"value": "NaN"', f.to_bytes("json"))
        self.assertEqual(brine.loads(f.to_bytes("json")).checksum, brine.loads(raw).checksum)

    def test_strings_are_escaped_as_the_cpp_writer_does(self):
        f = brine.load(GOLDEN / "format-1.0" / "linear_regression.json")
        f.header["metadata"]["target_name"] = 'a"b\\c\n\t\x01é'
        text = f.to_bytes("json").decode("utf-8")
        self.assertIn('"target_name": "a\\"b\\\\c\\n\\t\\u0001é"', text)
        self.assertEqual(brine.loads(text.encode()).metadata["target_name"], 'a"b\\c\n\t\x01é')


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class SameVerdictAsCpp(unittest.TestCase):
    """Damaged golden files (bytes changed with the checksum recomputed, so the damage reaches the
    decoder; JSON values replaced by other tokens): the Python reader accepts exactly the files
    the C++ loader accepts and refuses the others with the same error code."""

    TOKENS = [b"1e400", b"-0", b'"NaN"', b"[]", b"{}", b"null", b"true", b'"x"', b"-1",
              b"4294967296", b"0.5", b"2", b"0"]
    VALUES = [0, 1, 2, 5, 2 ** 29, 2 ** 32, 2 ** 63, 2 ** 64 - 1]

    def mutant(self, rng, files):
        data = bytearray(rng.choice(files))
        if data[:1] == b"{":
            spans = [m.span() for m in re.finditer(rb'-?\d+(\.\d+)?(e-?\d+)?|"[^"]*"', data)]
            a, b = rng.choice(spans)
            data[a:b] = rng.choice(self.TOKENS)
            return bytes(data)
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(20, len(data) - 8)
            if rng.random() < 0.6:
                data[i] = rng.getrandbits(8)
            else:
                data[i:i + 8] = struct.pack("<Q", rng.choice(self.VALUES))
        return with_checksum(bytes(data[:-8]))

    def test_verdicts_agree(self):
        rng = random.Random(2026)
        files = [p.read_bytes() for p in golden_files()]
        with tempfile.TemporaryDirectory() as d:
            paths, python = [], []
            for i in range(1500):
                data = self.mutant(rng, files)
                path = os.path.join(d, f"{i}.bin")
                with open(path, "wb") as f:
                    f.write(data)
                paths.append(path)
                try:
                    brine.loads(data)
                    python.append(("ok", ""))
                except brine.Error as e:
                    python.append((brine.ERRC[e.code], str(e)))
            cpp = verdicts(self, paths)
        outcomes = set()
        for path, (code, message), verdict in zip(paths, python, cpp):
            cpp_code = "ok" if verdict == "ok" else verdict.split(": ")[1]
            outcomes.add(code)
            if code == "limit exceeded" and re.search(r"is \d+ x 0,|is 0 x \d+,", message):
                continue  # an empty array of absurd shape: NumPy cannot shape it (see _codec)
            self.assertEqual(code, cpp_code, f"{path}: Python: {message}; C++: {verdict}")
        self.assertTrue({"ok", "malformed file", "truncated file", "limit exceeded",
                         "invalid model", "unsupported version"} <= outcomes, outcomes)


if __name__ == "__main__":
    unittest.main()
