# brine for Python: export scikit-learn models to brine files and read brine files.
# SPDX-License-Identifier: MIT
"""brine model files from Python.

    >>> import brine
    >>> brine.save(fitted_pipeline, "model.brine", reference_inputs=X[:5])
    >>> f = brine.load("model.brine")
    >>> f.kind, f.metadata["feature_names"], f.payload["estimator"]["model"]["coef"]

`save` writes a fitted scikit-learn estimator as a brine file that brine's C++ library loads and
predicts with exactly as scikit-learn does (`supported()` lists the estimators; anything else
raises `UnsupportedModel`). `load` and `inspect` read any brine file of format 1.x, binary or
JSON, with the checks and limits of the C++ reader; errors are `brine.Error` with the C++ error
code's name in `.code`. Pure Python with NumPy; scikit-learn is needed only to export.
"""
import datetime
import math
import os
import platform
import secrets
import sys

import numpy as np

from . import _codec, _kinds
from ._codec import FORMAT_MAJOR, FORMAT_MINOR, Limits
from ._errors import ERRC, Error, UnsupportedModel

__all__ = ["save", "to_bytes", "load", "loads", "inspect", "supported", "BrineFile", "Limits",
           "Error", "UnsupportedModel", "ERRC", "KINDS", "__version__", "LIBRARY_VERSION"]

#: Version of this package, which is the version of the brine library it belongs to; written
#: into the header's `library_version` as the C++ library writes its own.
__version__ = "0.1.0"
LIBRARY_VERSION = __version__

#: Model kinds this package reads and writes, with their schema versions.
KINDS = {name: sorted(k.schemas) for name, k in _kinds.KINDS.items()}


class BrineFile:
    """The content of a brine file.

    Attributes: `format` ("binary" or "json"), `format_version` ((major, minor)), `header`
    (dict: kind, schema_version, library_version, created, metadata, reference), `payload` (the
    model: dict of its fields, matrices as 2-D NumPy arrays of float64, int32 or uint8 in their
    stored shape; a pipeline's steps and estimator as {"kind", "model"} dicts; None from
    `inspect`) and `checksum` (the stored XXH64, an int).
    """

    def __init__(self, fmt, major, minor, header, payload, checksum):
        self.format = fmt
        self.format_version = (major, minor)
        self.header = header
        self.payload = payload
        self.checksum = checksum

    kind = property(lambda self: self.header["kind"], doc="model kind, e.g. 'pipeline'")
    schema_version = property(lambda self: self.header["schema_version"])
    metadata = property(lambda self: self.header["metadata"])
    reference = property(lambda self: self.header["reference"])

    def to_bytes(self, format=None):
        """The file re-encoded (binary by default, or "json"): the bytes brine's C++ writer
        produces for the same content."""
        if self.payload is None:
            raise Error("invalid_argument", "a BrineFile from inspect() has no payload to encode")
        return _encode(self.header, self.payload, format or "binary", self.format_version)

    def __repr__(self):
        return (f"<BrineFile {self.kind} schema {self.schema_version}, {self.format} "
                f"{self.format_version[0]}.{self.format_version[1]}, "
                f"checksum xxh64:{self.checksum:016x}>")


def supported():
    """Public names of the estimator classes `save` exports."""
    from . import _sklearn
    return _sklearn.supported()


def _encode(header, payload, fmt, version=(FORMAT_MAJOR, FORMAT_MINOR)):
    kind = header["kind"]
    _kinds.check_model(kind, payload)
    ref = header["reference"]
    rows = ref["inputs"].shape[0]
    if rows:
        width = (_kinds.n_features(kind, payload), _kinds.KINDS[kind].n_outputs(payload))
        shape = (ref["inputs"].shape[1], ref["outputs"].shape[1], ref["outputs"].shape[0])
        if shape != width + (rows,):
            raise Error("shape_mismatch", f"reference inputs {ref['inputs'].shape} and outputs "
                                          f"{ref['outputs'].shape}, expected {rows} rows of "
                                          f"{width[0]} features and {width[1]} outputs")
        if not (math.isfinite(ref["tolerance"]) and ref["tolerance"] >= 0):
            raise Error("invalid_argument", "reference tolerance must be finite and >= 0")
        _kinds.check_reference_work(kind, payload, rows)
    if fmt == "binary":
        return _codec.encode_binary(header, payload, *version)
    if fmt == "json":
        return _codec.encode_json(header, payload, *version)
    raise Error("invalid_argument", f"format {fmt!r}, expected 'binary' or 'json'")


def _format_for_path(path):
    return "json" if str(path).lower().endswith(".json") else "binary"


def _build(source):
    return (f"{source}; numpy {np.__version__}; Python "
            f"{platform.python_version()}; {platform.machine() or 'other-arch'}")


def _strings(values, what):
    values = list(values)
    for v in values:
        if not isinstance(v, str):
            raise Error("invalid_argument", f"{what} must be strings, got {v!r}")
    return values


def _header(estimator, metadata, reference_inputs, created):
    from . import _sklearn
    exported = _sklearn.export(estimator)
    meta = dict(metadata or {})
    feature_names = meta.pop("feature_names", None)
    if feature_names is None:
        names = getattr(estimator, "feature_names_in_", None)
        if names is None:
            names = exported.feature_names
        feature_names = [str(n) for n in names] if names is not None else []
    target_name = meta.pop("target_name", "")
    class_labels = meta.pop("class_labels", None)
    if class_labels is None:
        class_labels = exported.class_labels
    extra = {"source": exported.source}
    extra.update(exported.notes)
    extra.update(meta.pop("extra", {}) or {})
    extra.update(meta)  # every other key is a free key/value pair
    for k, v in extra.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise Error("invalid_argument", f"metadata key/value pairs must be strings, got "
                                            f"{k!r}: {v!r}")
    n_features = _kinds.n_features(exported.kind, exported.payload)
    feature_names = _strings(feature_names, "feature names")
    if feature_names and len(feature_names) != n_features:
        raise Error("invalid_argument", f"{len(feature_names)} feature names for a model of "
                                        f"{n_features} features")
    if reference_inputs is None:
        ref = {"inputs": np.zeros((0, 0)), "outputs": np.zeros((0, 0)), "tolerance": 0.0,
               "build": ""}
    else:
        X = np.asarray(reference_inputs, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != n_features:
            raise Error("shape_mismatch", f"reference_inputs of shape {X.shape}, expected "
                                          f"(n, {n_features})")
        # NaN is a valid input of a model that takes it as a missing value (an imputer with
        # the NaN marker, a pipeline whose steps impute it before its estimator, an XGBoost
        # model); infinities never are.
        holes = np.isnan(X).any(axis=1)
        takes_nan = exported.takes_nan
        if callable(takes_nan):
            takes_nan = bool(holes.any()) and takes_nan(X[holes])
        if not np.all(np.isfinite(X) | (np.isnan(X) & bool(takes_nan))):
            raise Error("invalid_input", "reference_inputs hold NaN or infinity, which brine "
                                         "refuses as input")
        X = np.ascontiguousarray(X)
        ref = {"inputs": X, "outputs": _sklearn.reference_outputs(exported, X),
               "tolerance": float(exported.tolerance), "build": _build(exported.source)}
    if created is None:
        created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = {
        "kind": exported.kind, "schema_version": exported.payload["schema_version"],
        "library_version": LIBRARY_VERSION, "created": created,
        "metadata": {
            "feature_names": feature_names, "target_name": str(target_name),
            "class_labels": _strings(class_labels, "class labels"), "extra": extra,
            "provenance": {"library_version": exported.source,
                           "trainer": _sklearn.public_name(type(estimator)),
                           "options": exported.options, "data_hash": "", "n_samples": 0,
                           "metrics": {}}},
        "reference": ref}
    return header, exported.payload


def to_bytes(estimator, format="binary", *, metadata=None, reference_inputs=None, created=None):
    """The bytes `save` would write (same arguments, and the format "binary" or "json")."""
    header, payload = _header(estimator, metadata, reference_inputs, created)
    return _encode(header, payload, format)


def save(estimator, path, *, format=None, metadata=None, reference_inputs=None, created=None):
    """Writes a fitted scikit-learn estimator as a brine file, atomically.

    Parameters:
      estimator: a fitted estimator of a class in `supported()` (exact class, not a subclass):
        scikit-learn's, or XGBoost's XGBClassifier, XGBRegressor or Booster.
      path: where to write; the file appears complete or not at all.
      format: "binary" or "json"; by default JSON for a ".json" path, else binary.
      metadata: optional dict: "feature_names" (default: the estimator's `feature_names_in_`),
        "target_name", "class_labels" (default: the classes as text), "extra" (a dict of strings);
        any other string key/value goes into the free key/value pairs too.
      reference_inputs: optional rows (n x n_features). The estimator's own outputs for them
        (predict_proba for classifiers, predict for regressors, transform for scalers) are stored
        as reference predictions, which brine re-checks on every load, within the tolerance
        stated per kind (0 for decision trees and XGBoost regressors, which are exact; 1e-6 for
        XGBoost's probabilities, computed in float32; 1e-12 relative otherwise).
      created: ISO 8601 UTC time for the header (default: now); set it for reproducible files.

    The source library and version, the estimator's class and parameters go into the
    provenance. Raises UnsupportedModel for an estimator or option brine cannot represent
    exactly (naming it and listing what is supported), brine.Error otherwise (code "io" for
    OS errors).
    """
    fmt = format or _format_for_path(path)
    data = to_bytes(estimator, fmt, metadata=metadata, reference_inputs=reference_inputs,
                    created=created)
    _write_atomic(os.fspath(path), data)


def _write_atomic(path, data):
    # As brine's C++ save: a temporary file in the same folder (created with the usual
    # permissions, 0666 less the umask), fsync, rename over the target, fsync the folder.
    folder = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        for _ in range(100):
            tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            tmp = None
            if hasattr(os, "O_DIRECTORY"):
                dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
    except OSError as e:
        raise Error("io", f"cannot write {path}: {e.strerror or e}") from None


def _read(path, limits):
    try:
        size = os.stat(path).st_size
        if size > limits.max_file_bytes:
            raise Error("limit_exceeded", f"{path}: file of {size} bytes, over the limit of "
                                          f"{limits.max_file_bytes}")
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise Error("io", f"cannot read {path}: {e.strerror or e}") from None


def loads(data, *, limits=None):
    """Decodes a brine file held in memory (bytes), binary or JSON, detected from the content.
    Verifies the layout, the versions, the checksum and the model's invariants."""
    fmt, major, minor, header, payload, checksum = _codec.decode(bytes(data), limits or Limits())
    _kinds.check_model(header["kind"], payload)
    return BrineFile(fmt, major, minor, header, payload, checksum)


def load(path, *, limits=None):
    """Reads a brine file: header, metadata and the model's parameters as NumPy arrays.

    Checks what brine's C++ loader checks before it predicts: magic, format version, every
    length against the file and `limits`, the checksum, the header, the kind's schema version and
    the model's invariants. It does not recompute the reference predictions (this package does
    not predict). Raises brine.Error with the C++ error code's name in `.code`.
    """
    return loads(_read(os.fspath(path), limits or Limits()), limits=limits)


def inspect(path, *, limits=None):
    """Header and metadata of a brine file without decoding its model (payload is None). The
    checksum of a binary file is verified (the whole file is read); a JSON file's covers the
    decoded payload, so use `load` to verify it."""
    limits = limits or Limits()
    fmt, major, minor, header, _, checksum = _codec.decode(_read(os.fspath(path), limits),
                                                           limits, header_only=True)
    return BrineFile(fmt, major, minor, header, None, checksum)


if sys.version_info < (3, 9):  # pragma: no cover
    raise ImportError("brine needs Python 3.9 or newer")
