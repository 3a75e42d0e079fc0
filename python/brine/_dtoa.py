# Doubles as brine's C++ JSON writer prints them, character for character.
# SPDX-License-Identifier: MIT
"""Double to JSON text, character for character as brine's C++ writer does it.

brine's C++ writer formats doubles with Grisu2 (Florian Loitsch, "Printing Floating-Point Numbers
Quickly and Accurately with Integers", PLDI 2010) as RapidJSON implements it, then lays the digits
out as RapidJSON's `Prettify` does. Grisu2 always reads back to the same bits but is not always the
shortest text, and its last digit can differ from Python's `repr`; byte-identical files need the
same algorithm, so this module computes it with Python integers emulating the 64-bit arithmetic.
"""
import math
import struct

_M64 = (1 << 64) - 1
_HIDDEN = 1 << 52


def _cached_powers():
    # 10^k for k = -348, -340, ..., 340 as a normalised 64-bit significand (rounded to nearest)
    # and a binary exponent: Grisu's table of cached powers, computed exactly with integers.
    table = []
    for k in range(-348, 341, 8):
        if k >= 0:
            num, den = 10 ** k, 1
        else:
            num, den = 1, 10 ** -k
        e = num.bit_length() - den.bit_length() - 64
        while True:
            if e >= 0:
                f, r, d = divmod(num, den << e)[0], divmod(num, den << e)[1], den << e
            else:
                f, r = divmod(num << -e, den)
                d = den
            if f >= 1 << 64:
                e += 1
            elif f < 1 << 63:
                e -= 1
            else:
                break
        if 2 * r >= d:
            f += 1
            if f == 1 << 64:
                f >>= 1
                e += 1
        table.append((f, e))
    return table


_POWERS = _cached_powers()
_POW10 = [10 ** i for i in range(10)]


def _mul(af, ae, bf, be):
    p = af * bf
    return ((p + (1 << 63)) >> 64) & _M64, ae + be + 64


def _normalize(f, e):
    s = 64 - f.bit_length()
    return f << s, e - s


def _grisu2(value):
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    biased = (bits >> 52) & 0x7FF
    sig = bits & (_HIDDEN - 1)
    if biased:
        f, e = sig + _HIDDEN, biased - 1075
    else:
        f, e = sig, -1074
    # Boundaries m+ and m-, normalised to the exponent of m+.
    pf, pe = (f << 1) + 1, e - 1
    while not pf & (_HIDDEN << 1):
        pf <<= 1
        pe -= 1
    pf <<= 10
    pe -= 10
    if f == _HIDDEN:
        mf, me = (f << 2) - 1, e - 2
    else:
        mf, me = (f << 1) - 1, e - 1
    mf <<= me - pe
    me = pe
    # The cached power: the same double arithmetic as the C++ (k from a float estimate).
    dk = (-61 - pe) * 0.30102999566398114 + 347
    k = int(dk)
    if dk - k > 0.0:
        k += 1
    index = (k >> 3) + 1
    K = -(-348 + index * 8)
    cf, ce = _POWERS[index]
    wf, we = _mul(*_normalize(f, e), cf, ce)
    wpf, wpe = _mul(pf, pe, cf, ce)
    wmf, _ = _mul(mf, me, cf, ce)
    wmf = (wmf + 1) & _M64
    wpf = (wpf - 1) & _M64
    return _digit_gen(wf, wpf, wpe, (wpf - wmf) & _M64, K)


def _round_weed(digits, delta, rest, ten_kappa, wp_w):
    while (rest < wp_w and ((delta - rest) & _M64) >= ten_kappa and
           (((rest + ten_kappa) & _M64) < wp_w or
            ((wp_w - rest) & _M64) > ((rest + ten_kappa - wp_w) & _M64))):
        digits[-1] -= 1
        rest = (rest + ten_kappa) & _M64


def _digit_gen(wf, mpf, mpe, delta, K):
    shift = -mpe
    one_f = 1 << shift
    wp_w = (mpf - wf) & _M64
    p1 = (mpf >> shift) & 0xFFFFFFFF
    p2 = mpf & (one_f - 1)
    kappa = 1 if p1 < 10 else min(len(str(p1)), 9)
    digits = []
    while kappa > 0:
        div = _POW10[kappa - 1]
        d, p1 = divmod(p1, div)
        if d or digits:
            digits.append(d)
        kappa -= 1
        tmp = ((p1 << shift) + p2) & _M64
        if tmp <= delta:
            K += kappa
            _round_weed(digits, delta, tmp, (_POW10[kappa] << shift) & _M64, wp_w)
            return digits, K
    while True:
        p2 = (p2 * 10) & _M64
        delta = (delta * 10) & _M64
        d = p2 >> shift
        if d or digits:
            digits.append(d)
        p2 &= one_f - 1
        kappa -= 1
        if p2 < delta:
            K += kappa
            index = -kappa
            scale = _POW10[index] if index < 9 else 0
            _round_weed(digits, delta, p2, one_f, (wp_w * scale) & _M64)
            return digits, K


def _exponent(k):
    return str(k)  # no '+', no leading zeros: 1e-9, 1e21, 1e300


def format_double(value):
    """The JSON text brine writes for a double: "NaN", "Infinity" and "-Infinity" as quoted
    strings, every finite value with a '.' or an exponent, reading back to the same bits."""
    if value != value:
        return '"NaN"'
    if math.isinf(value):
        return '"Infinity"' if value > 0 else '"-Infinity"'
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = ""
    if value < 0:
        sign = "-"
        value = -value
    digits, k = _grisu2(value)
    s = "".join(chr(48 + d) for d in digits)
    length = len(s)
    kk = length + k
    if 0 <= k and kk <= 21:
        return sign + s + "0" * k + ".0"
    if 0 < kk <= 21:
        return sign + s[:kk] + "." + s[kk:]
    if -6 < kk <= 0:
        return sign + "0." + "0" * -kk + s
    if kk < -324:
        return sign + "0.0"
    if length == 1:
        return sign + s + "e" + _exponent(kk - 1)
    return sign + s[0] + "." + s[1:] + "e" + _exponent(kk - 1)
