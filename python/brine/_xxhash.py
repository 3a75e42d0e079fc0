# XXH64 (xxHash's 64-bit hash, seed 0 by default), written from the xxHash specification.
# SPDX-License-Identifier: MIT
"""XXH64, the checksum of brine files.

Pure Python: NumPy cannot help, since each of the four lanes is a chain of dependent steps. It
hashes about 15 MB/s, which is ample for model files written or read from Python.
"""
import struct

_M64 = (1 << 64) - 1
_P1 = 0x9E3779B185EBCA87
_P2 = 0xC2B2AE3D27D4EB4F
_P3 = 0x165667B19E3779F9
_P4 = 0x85EBCA77C2B2AE63
_P5 = 0x27D4EB2F165667C5


def _round(acc, lane):
    acc = (acc + lane * _P2) & _M64
    return (((acc << 31) | (acc >> 33)) & _M64) * _P1 & _M64


def xxh64(data, seed=0):
    """The XXH64 of a bytes-like object, as an int in [0, 2**64)."""
    data = memoryview(data).cast("B")
    n = len(data)
    i = 0
    if n >= 32:
        v1 = (seed + _P1 + _P2) & _M64
        v2 = (seed + _P2) & _M64
        v3 = seed & _M64
        v4 = (seed - _P1) & _M64
        stripes = n // 32
        words = struct.unpack_from("<%dQ" % (4 * stripes), data, 0)
        for s in range(0, 4 * stripes, 4):
            a = (v1 + words[s] * _P2) & _M64
            v1 = (((a << 31) | (a >> 33)) & _M64) * _P1 & _M64
            a = (v2 + words[s + 1] * _P2) & _M64
            v2 = (((a << 31) | (a >> 33)) & _M64) * _P1 & _M64
            a = (v3 + words[s + 2] * _P2) & _M64
            v3 = (((a << 31) | (a >> 33)) & _M64) * _P1 & _M64
            a = (v4 + words[s + 3] * _P2) & _M64
            v4 = (((a << 31) | (a >> 33)) & _M64) * _P1 & _M64
        i = 32 * stripes
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M64
        for v in (v1, v2, v3, v4):
            h = ((h ^ _round(0, v)) * _P1 + _P4) & _M64
    else:
        h = (seed + _P5) & _M64
    h = (h + n) & _M64
    while i + 8 <= n:
        h ^= _round(0, struct.unpack_from("<Q", data, i)[0])
        h = (_rotl(h, 27) * _P1 + _P4) & _M64
        i += 8
    if i + 4 <= n:
        h ^= (struct.unpack_from("<I", data, i)[0] * _P1) & _M64
        h = (_rotl(h, 23) * _P2 + _P3) & _M64
        i += 4
    while i < n:
        h ^= (data[i] * _P5) & _M64
        h = (_rotl(h, 11) * _P1) & _M64
        i += 1
    h ^= h >> 33
    h = (h * _P2) & _M64
    h ^= h >> 29
    h = (h * _P3) & _M64
    h ^= h >> 32
    return h


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & _M64
