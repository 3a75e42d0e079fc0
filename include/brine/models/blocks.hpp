// Helpers of the transformers' block kernels: input blocks of any layout (double or float) seen
// through the Eigen map of their layout, column checks of any layout, and per-thread buffers of
// nested block transforms.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "brine/models/rows.hpp"

namespace brine {
namespace detail {

/// Column-major and row-major input maps of a known layout (T is double or float).
template <class T>
using ColMapOf =
    Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>, 0, Eigen::OuterStride<>>;
template <class T>
using RowMapOf = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
                            0, Eigen::OuterStride<>>;

/// Calls f(X as a ColMapOf<T>) for column-major input (consecutive rows adjacent), f(X as a
/// RowMapOf<T>) for row-major input, else f(X): kernels written once for any Eigen matrix get the
/// compile-time strides (and Eigen's vectorization) of the common layouts.
template <class T, class F>
decltype(auto) visit_layout(const InBlock<T>& X, F&& f) {
    if (X.innerStride() == 1)
        return f(ColMapOf<T>(X.data(), X.rows(), X.cols(), Eigen::OuterStride<>(X.outerStride())));
    if (X.outerStride() == 1)
        return f(RowMapOf<T>(X.data(), X.rows(), X.cols(), Eigen::OuterStride<>(X.innerStride())));
    return f(X);
}

/// Rows per tile where a kernel walks the columns of input that is not column-major: a tile's rows
/// stay in L1 while each of its columns is read.
inline constexpr Eigen::Index tile_rows = 16;

/// f(rows, first) for X (a map from visit_layout) whole when it is column-major, else for
/// consecutive tiles of tile_rows rows (`rows` a block of X, `first` its first row), so a kernel
/// that walks the columns of its input reads a row-major one from cache.
template <class M, class F>
void for_each_row_tile(const M& X, F&& f) {
    if constexpr (!M::IsRowMajor && M::InnerStrideAtCompileTime == 1) {
        f(X, Eigen::Index{0});
    } else {
        for (Eigen::Index first = 0; first < X.rows(); first += tile_rows)
            f(X.middleRows(first, std::min(tile_rows, X.rows() - first)), first);
    }
}

/// True if any of p[0 .. n) is NaN or infinite, for floats as for doubles (see any_non_finite).
template <class T>
bool any_non_finite_of(const T* p, Eigen::Index n) noexcept {
    if (n == 0) return false;
    const T s = (Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(p, n) * T(0)).sum();
    return s != s;
}

/// True if any of p[0 .. n) is infinite (NaN does not count).
template <class T>
bool any_infinite_of(const T* p, Eigen::Index n) noexcept {
    if (n == 0) return false;
    const T m = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(p, n)
                    .abs()
                    .template maxCoeff<Eigen::PropagateNumbers>();
    return m > std::numeric_limits<T>::max();
}

/// Whether rows [first, first + n) of column j of X (any Eigen matrix with direct access) hold a
/// NaN or infinity (`infinite_only`: an infinity); vectorized where the column is contiguous.
template <class M>
bool column_has(const M& X, Eigen::Index j, Eigen::Index first, Eigen::Index n,
                bool infinite_only) {
    using T = typename M::Scalar;
    if (X.rowStride() == 1) {
        const T* p = X.data() + j * X.colStride() + first;
        return infinite_only ? any_infinite_of(p, n) : any_non_finite_of(p, n);
    }
    for (Eigen::Index i = first; i < first + n; ++i) {
        const T v = X.coeff(i, j);
        if (infinite_only ? std::isinf(v) : !std::isfinite(v)) return true;
    }
    return false;
}

/// Per-thread buffers for block transforms that nest (a ColumnTransformer's chains, whose steps
/// may be ColumnTransformers): each live BlockScratch owns the buffer of its nesting level, which
/// grows to the largest size asked for there and is kept, so steady-state calls allocate nothing.
/// A deeper level's buffer never moves a shallower one's storage.
class BlockScratch {
public:
    explicit BlockScratch(Eigen::Index n) : level_(depth()) {
        auto& p = pool();
        if (p.size() <= level_) p.resize(level_ + 1);
        auto& b = p[level_];
        if (b.size() < static_cast<std::size_t>(n)) b.resize(static_cast<std::size_t>(n));
        data_ = b.data();
        ++depth();  // only once the buffer is there: a throwing constructor runs no destructor
    }
    ~BlockScratch() { --depth(); }
    BlockScratch(const BlockScratch&) = delete;
    BlockScratch& operator=(const BlockScratch&) = delete;
    double* data() const noexcept { return data_; }

private:
    static std::size_t& depth() noexcept {
        thread_local std::size_t d = 0;
        return d;
    }
    static std::vector<std::vector<double>>& pool() {
        thread_local std::vector<std::vector<double>> p;
        return p;
    }
    std::size_t level_;
    double* data_ = nullptr;
};

}  // namespace detail
}  // namespace brine
