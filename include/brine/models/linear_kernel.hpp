// The product of a batch with a linear model's coefficients, summed in one order whatever the
// batch's layout (LinearRegression and LogisticRegression's batch kernels).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/common.hpp"

namespace brine {
namespace detail {

/// Rows of a group in linear_scores: eight independent sums hide the latency of the additions,
/// and eight rows of a row-major batch (eight cache-line streams) stay in L1 while each
/// coefficient row is applied to them.
inline constexpr Eigen::Index linear_group_rows = 8;

/// S(i, k) = (((0 + X(i, 0) * W(k, 0)) + X(i, 1) * W(k, 1)) + ...) + b(k): the products summed in
/// the order of the features, from 0.0, then the intercept added. The order is fixed per row, so
/// the result has the same bits for every layout of X (row-major, column-major, any strides) and
/// every batch size; what changes with the layout is only which loop the compiler vectorizes
/// (column-major: across the eight rows of a group; row-major: none, eight rows are streamed along
/// their features, which keeps pace with memory).
///
/// X(i, j) = x[i * rs + j * cs]; W is row-major k x n (n = X's columns); S(i, k) is written to
/// out[i * out_rs + k * out_cs]. RS and CS are the strides when known at compile time, else 0.
template <Eigen::Index RS, Eigen::Index CS>
void linear_scores_kernel(const double* x, Eigen::Index rows, Eigen::Index n, Eigen::Index rs_,
                          Eigen::Index cs_, const double* W, Eigen::Index k_count, const double* b,
                          double* out, Eigen::Index out_rs, Eigen::Index out_cs) {
    const Eigen::Index rs = RS ? RS : rs_;
    const Eigen::Index cs = CS ? CS : cs_;
    constexpr Eigen::Index G = linear_group_rows;
    Eigen::Index i = 0;
    for (; i + G <= rows; i += G) {
        const double* xi = x + i * rs;
        for (Eigen::Index k = 0; k < k_count; ++k) {
            const double* w = W + k * n;
            double acc[G] = {};
            for (Eigen::Index j = 0; j < n; ++j) {
                const double wj = w[j];
                for (Eigen::Index r = 0; r < G; ++r) acc[r] += xi[r * rs + j * cs] * wj;
            }
            for (Eigen::Index r = 0; r < G; ++r) out[(i + r) * out_rs + k * out_cs] = acc[r] + b[k];
        }
    }
    for (; i < rows; ++i) {  // the last rows, one at a time: the same sum as a lane of a group
        const double* xi = x + i * rs;
        for (Eigen::Index k = 0; k < k_count; ++k) {
            const double* w = W + k * n;
            double acc = 0.0;
            for (Eigen::Index j = 0; j < n; ++j) acc += xi[j * cs] * w[j];
            out[i * out_rs + k * out_cs] = acc + b[k];
        }
    }
}

/// linear_scores_kernel for any Eigen double matrix X with direct access (Ref, Map of either
/// storage order, strided Map): scores of X's rows against the rows of W (row-major, X.cols()
/// columns) plus b, into out as described there. The caller has checked X.cols() == W.cols() and
/// b.size() == W.rows().
template <class M>
void linear_scores(const M& X, const RowMatrix& W, const Eigen::VectorXd& b, double* out,
                   Eigen::Index out_rs, Eigen::Index out_cs) {
    const Eigen::Index rows = X.rows(), n = X.cols();
    if (rows == 0) return;
    const Eigen::Index rs = X.rowStride(), cs = X.colStride();
    if (cs == 1 && n > 0) {
        linear_scores_kernel<0, 1>(X.data(), rows, n, rs, 1, W.data(), W.rows(), b.data(), out,
                                   out_rs, out_cs);
    } else if (rs == 1) {
        linear_scores_kernel<1, 0>(X.data(), rows, n, 1, cs, W.data(), W.rows(), b.data(), out,
                                   out_rs, out_cs);
    } else {
        linear_scores_kernel<0, 0>(X.data(), rows, n, rs, cs, W.data(), W.rows(), b.data(), out,
                                   out_rs, out_cs);
    }
}

}  // namespace detail
}  // namespace brine
