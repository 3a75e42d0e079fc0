# Errors of the brine Python package: the C++ library's error codes, by the same names.
# SPDX-License-Identifier: MIT
"""brine.Error and brine.UnsupportedModel."""

#: Codes of brine.Error, named as the C++ library's `brine::Errc`, with the text its messages use.
ERRC = {
    "not_brine_file": "not a brine file",
    "unsupported_version": "unsupported version",
    "checksum_mismatch": "checksum mismatch",
    "truncated": "truncated file",
    "malformed": "malformed file",
    "limit_exceeded": "limit exceeded",
    "invalid_model": "invalid model",
    "kind_mismatch": "kind mismatch",
    "shape_mismatch": "shape mismatch",
    "invalid_argument": "invalid argument",
    "reference_mismatch": "reference mismatch",
    "io": "I/O error",
    "invalid_input": "invalid input",
    "unsupported": "unsupported model",
}


class Error(Exception):
    """A brine file could not be read or written.

    `code` is the name of the C++ library's `brine::Errc` value (``"truncated"``,
    ``"checksum_mismatch"``, ...); the message says what, where (byte offset or JSON path) and what
    was expected, in the form ``brine: truncated file: needed 8 bytes for 'rows' at byte 112, 3
    left``.
    """

    def __init__(self, code, detail):
        if code not in ERRC:
            raise ValueError(f"unknown brine error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"brine: {ERRC[code]}: {detail}")


class UnsupportedModel(Error):
    """brine.save was given an estimator, or an option of one, that brine cannot represent
    exactly. The message names it and lists what is supported; no file is written."""

    def __init__(self, what, supported):
        self.what = what
        self.supported = list(supported)
        Exception.__init__(self, f"brine: unsupported model: {what}. Supported: "
                           + ", ".join(self.supported))
        self.code = "unsupported"
        self.detail = what
